// Runs the README's ```ts test examples as modules of this package, so they cannot rot.
import { fileURLToPath } from 'node:url';
import { describeDocSnippets } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';

describeDocSnippets(
  fileURLToPath(new URL('../README.md', import.meta.url)),
  fileURLToPath(new URL('..', import.meta.url)),
  { describe, it, expect },
);
