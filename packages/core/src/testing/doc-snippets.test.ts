import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docSnippets } from './doc-snippets.js';

describe('docSnippets', () => {
  const page = join(mkdtempSync(join(tmpdir(), 'phoenix-doc-snippets-')), 'page.md');
  writeFileSync(
    page,
    [
      '# Title',
      '```ts test',
      'top();',
      '```',
      '## Escalation',
      '```ts',
      'notRun();',
      '```',
      '```ts test',
      'escalate();',
      '```',
      '### Detail',
      '```ts test',
      'detail();',
      '```',
      '## On-call',
      '```ts test',
      'oncall();',
      '```',
    ].join('\n'),
  );

  it('finds every ```ts test block, with its line', () => {
    expect(docSnippets(page).map((snippet) => [snippet.line, snippet.code])).toEqual([
      [2, 'top();'],
      [9, 'escalate();'],
      [13, 'detail();'],
      [17, 'oncall();'],
    ]);
  });

  it('keeps only the blocks of one ## section, its subsections included', () => {
    expect(docSnippets(page, { section: 'Escalation' }).map((snippet) => snippet.code)).toEqual([
      'escalate();',
      'detail();',
    ]);
    expect(docSnippets(page, { section: 'Missing' })).toEqual([]);
  });
});
