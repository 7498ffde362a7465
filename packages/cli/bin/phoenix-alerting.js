#!/usr/bin/env node
// The `phoenix-alerting` command. It is this committed file rather than dist/main.js itself so
// that `pnpm install` can link the command before the first `pnpm build` (pnpm skips a bin whose
// file does not exist yet, and would not link it again after the build).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('phoenix-alerting: error: not built yet; run `pnpm build` first');
  process.exit(1);
}
await import(main.href);
