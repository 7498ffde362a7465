// Every page of the documentation whose examples are fenced as ```ts test is run here, against the
// built packages, exactly as a user would import them.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeDocSnippets, docSnippets } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';

const docsDir = fileURLToPath(new URL('.', import.meta.url));
// architecture.md is run by core's own suite (it only uses core); pages without examples are skipped.
const pages = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md') && name !== 'architecture.md')
  .map((name) => `${docsDir}${name}`)
  .filter((page) => docSnippets(page).length > 0);
for (const page of pages) describeDocSnippets(page, docsDir, { describe, it, expect });
