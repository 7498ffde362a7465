import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeDocSnippets } from '../testing/doc-snippets.js';

describeDocSnippets(
  fileURLToPath(new URL('../../../../docs/architecture.md', import.meta.url)),
  fileURLToPath(new URL('../..', import.meta.url)),
  { describe, it, expect },
);
