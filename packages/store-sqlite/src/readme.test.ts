// Runs the ```ts test blocks of the README, so its examples cannot rot (the convention of core's
// docs: each block asserts with node:assert and is imported as a module of this package).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const cache = fileURLToPath(new URL('../node_modules/.cache/doc-snippets', import.meta.url));

function snippets(): { line: number; code: string }[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const found: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts test') continue;
    const line = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    found.push({ line, code: body.join('\n') });
  }
  return found;
}

describe('README examples', () => {
  const blocks = snippets();
  it('has an example', () => expect(blocks.length).toBeGreaterThan(0));
  for (const { line, code } of blocks) {
    it(`runs the example at line ${line}`, async () => {
      mkdirSync(cache, { recursive: true });
      const file = join(cache, `README-${line}.ts`);
      writeFileSync(file, `// from ${readme}:${line}\n${code}\n`);
      await import(/* @vite-ignore */ file);
    });
  }
});
