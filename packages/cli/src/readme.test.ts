// Runs the README's console examples (`$ pnpm exec phoenix-alerting …` and the output under it)
// through the CLI, so that what the README shows is what the command prints.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './cli.js';
import type { CommandIo } from './io.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
// The file names the examples use, and the fixtures they stand for.
const files: Record<string, string> = {
  'alertmanager.yml': fixture('readme-example.yml'),
  'bad.yml': fixture('invalid-references.yml'),
};
const PROMPT = '$ pnpm exec phoenix-alerting ';

interface Example {
  line: number;
  args: string[];
  output: string;
  /** From a following `$ echo $?`. */
  exitCode?: number;
}

function examples(): Example[] {
  const found: Example[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```console') continue;
    let current: Example | undefined;
    let output: string[] = [];
    const finish = () => {
      if (current) found.push({ ...current, output: output.map((text) => `${text}\n`).join('') });
      current = undefined;
      output = [];
    };
    for (i++; i < lines.length && lines[i] !== '```'; i++) {
      const text = lines[i]!;
      if (text === '$ echo $?') {
        const last = current;
        finish();
        const code = lines[++i]!;
        if (last) found.at(-1)!.exitCode = Number(code);
      } else if (text.startsWith(PROMPT)) {
        finish();
        current = { line: i + 1, args: text.slice(PROMPT.length).split(/\s+/), output: '' };
      } else {
        output.push(text);
      }
    }
    finish();
  }
  return found;
}

describe('README examples', () => {
  const all = examples();

  it('has examples', () => {
    expect(all.length).toBeGreaterThan(5);
  });

  for (const example of all) {
    it(`line ${example.line}: phoenix-alerting ${example.args.join(' ')}`, async () => {
      // stdout and stderr in the order they were written, as a terminal shows them.
      const written: string[] = [];
      const io: CommandIo = {
        stdout: { write: (text: string) => written.push(text) },
        stderr: { write: (text: string) => written.push(text) },
      };
      const exitCode = await run(
        example.args.map((arg) => files[arg] ?? arg),
        io,
      );
      let output = written.join('');
      for (const [name, path] of Object.entries(files)) output = output.split(path).join(name);
      expect(output).toBe(example.output);
      expect(exitCode).toBe(example.exitCode ?? 0);
    });
  }
});
