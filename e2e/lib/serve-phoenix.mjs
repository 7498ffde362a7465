// Fallback launcher for when the CLI has no `serve` yet: imports `serve` from the built server
// package and runs it with the CLI's flags (`--config FILE --listen HOST:PORT --data DIR`).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:9093' },
    data: { type: 'string' },
  },
});
if (!values.config) {
  console.error('serve-phoenix: --config FILE is required');
  process.exit(2);
}
const { serve } = await import(
  new URL('../../packages/server/dist/index.js', import.meta.url).href
);
if (typeof serve !== 'function') {
  console.error('serve-phoenix: packages/server/dist/index.js does not export serve()');
  process.exit(2);
}
await serve({ configFile: values.config, listen: values.listen, dataDir: values.data });
