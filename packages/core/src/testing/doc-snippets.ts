// Test helper: runs the ```ts test code blocks of a Markdown page, so that documentation examples
// cannot rot. Each block is written to a module under node_modules/.cache and imported; it asserts
// with node:assert and must not import vitest. Other packages import this file for their docs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export interface DocSnippet {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

/** The code blocks fenced as ```ts test in `markdownPath`. */
export function docSnippets(markdownPath: string): DocSnippet[] {
  const lines = readFileSync(markdownPath, 'utf8').split('\n');
  const snippets: DocSnippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts test') continue;
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
