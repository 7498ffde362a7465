import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docSnippets, runDocSnippet } from './doc-snippets.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const page = fileURLToPath(new URL('../../../../docs/architecture.md', import.meta.url));

describe('docs/architecture.md examples', () => {
  const snippets = docSnippets(page);
  it('has a composition example', () => expect(snippets.length).toBeGreaterThan(0));
  for (const snippet of snippets) {
    it(`runs the example at line ${snippet.line}`, () => runDocSnippet(packageDir, page, snippet));
  }
});
