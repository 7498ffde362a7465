// Runs the ```ts test code blocks of a Markdown page (README, docs/), so documentation examples
// cannot rot. Each block is written to a module under the package's node_modules/.cache and
// imported, so its imports resolve like the package's own; it asserts with node:assert.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface DocSnippet {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

export interface DocSnippetOptions {
  /** Only the blocks under the `## <section>` heading, up to the next `## ` heading. */
  section?: string;
}

/** The code blocks fenced as ```ts test in `markdownPath` (or in one of its sections). */
export function docSnippets(markdownPath: string, options: DocSnippetOptions = {}): DocSnippet[] {
  const lines = readFileSync(markdownPath, 'utf8').split('\n');
  const snippets: DocSnippet[] = [];
  let heading: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('## ')) heading = lines[i]!.slice(3);
    if (lines[i]!.trim() !== '```ts test') continue;
    if (options.section !== undefined && heading !== options.section) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
    snippets.push({ line: start + 1, code: body.join('\n') });
  }
  return snippets;
}

/** Writes a snippet as a module inside `packageDir` and imports it, so its imports resolve. */
export async function runDocSnippet(
  packageDir: string,
  markdownPath: string,
  snippet: DocSnippet,
): Promise<void> {
  const dir = resolve(packageDir, 'node_modules/.cache/doc-snippets');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(markdownPath, '.md')}-${snippet.line}.ts`);
  writeFileSync(file, `// from ${markdownPath}:${snippet.line}\n${snippet.code}\n`);
  await import(/* @vite-ignore */ file);
}

/** The parts of vitest (or a compatible runner) the suite registers its tests with. */
export interface TestRegistrar {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => Promise<void> | void, timeoutMs?: number) => void;
  expect: (value: unknown) => { toBeGreaterThan(n: number): void };
}

/**
 * Registers one test per ```ts test block of `markdownPath` (and one that the page, or its
 * `options.section`, has at least one), run as modules of `packageDir`. Pass vitest's
 * `{ describe, it, expect }`.
 */
export function describeDocSnippets(
  markdownPath: string,
  packageDir: string,
  { describe, it, expect }: TestRegistrar,
  options: DocSnippetOptions = {},
): void {
  const section = options.section === undefined ? '' : ` "${options.section}"`;
  describe(`${basename(markdownPath)}${section} examples`, () => {
    const snippets = docSnippets(markdownPath, options);
    it('has an example', () => expect(snippets.length).toBeGreaterThan(0));
    for (const snippet of snippets) {
      // The first example of a page transforms the package's whole import graph: allow a loaded machine time.
      it(
        `runs the example at line ${snippet.line}`,
        () => runDocSnippet(packageDir, markdownPath, snippet),
        60_000,
      );
    }
  });
}
