// Runs the ```ts test blocks of the README, so that its examples cannot rot. Each block is written
// to a module inside the package (so its imports resolve) and imported; it asserts with node:assert.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/^```ts test\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);

describe('README examples', () => {
  it('has a runnable example', () => expect(examples.length).toBeGreaterThan(0));
  examples.forEach((code, index) => {
    it(`runs example ${index + 1}`, async () => {
      const dir = join(packageDir, 'node_modules/.cache/readme-examples');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `example-${index + 1}.ts`);
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    });
  });
});
