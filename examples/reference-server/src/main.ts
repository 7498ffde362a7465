// Runs the reference server on ./phoenix.yml: `pnpm start`, or `node dist/main.js --listen :9093`.
// Flags are those of `phoenix-alerting serve`; `--config` defaults to this example's phoenix.yml.
import { fileURLToPath } from 'node:url';
import { parseServeArgs, serve } from '@phoenix-alerting/server';

const defaultConfig = fileURLToPath(new URL('../phoenix.yml', import.meta.url));
const argv = process.argv.slice(2);
const options = parseServeArgs(
  argv.some((arg) => arg.startsWith('--config')) ? argv : ['--config', defaultConfig, ...argv],
);

// SIGHUP reloads phoenix.yml; SIGTERM or Ctrl-C drains the pipeline and exits.
await serve(options);
