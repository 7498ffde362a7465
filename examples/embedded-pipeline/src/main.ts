// Entry point: reads the environment, starts the service, and shuts down cleanly on a signal.
// Everything else is in service.ts, so tests start the same service in-process.
import { startService } from './service.js';

// Listen before starting: a signal that arrives with no handler kills the process on the spot,
// without draining. `once`: a second Ctrl-C during the drain gets Node's default, exit at once.
const signal = new Promise<NodeJS.Signals>((resolve) => {
  process.once('SIGTERM', resolve).once('SIGINT', resolve);
});

const service = await startService({
  port: Number(process.env.PORT ?? 8080),
  webhookUrl: process.env.WEBHOOK_URL ?? 'http://127.0.0.1:5001/',
  dataDir: process.env.DATA_DIR ?? './data',
});
const { logger } = service.pipeline;
logger.info(`orders service listening on ${service.url}`);

logger.info(`${await signal}: closing the HTTP server, then draining alerts`);
await service.stop();
