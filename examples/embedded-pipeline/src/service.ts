// The "existing" orders service: plain node:http, a few JSON endpoints, and Phoenix embedded so
// that the service pages about itself.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { createLogger, systemClock } from '@phoenix-alerting/core';
import type { Clock, Pipeline } from '@phoenix-alerting/core';
import type { Logger } from 'pino';
import { startAlerting } from './alerting.js';
import { createErrorRateSource } from './error-rate-source.js';

export interface ServiceOptions {
  port: number; // 0 picks a free port
  host?: string; // default 127.0.0.1
  webhookUrl: string;
  dataDir: string;
  clock?: Clock; // default the system clock; tests pass a FakeClock
  logger?: Logger; // default Phoenix's pino logger
  console?: Writable; // where the console receivers print; default stdout
}

export interface Service {
  readonly url: string;
  readonly pipeline: Pipeline;
  /** Stops taking requests, then drains the pipeline. Runs once. */
  stop(): Promise<void>;
}

type Reply = { status: number; body: unknown };

export async function startService(options: ServiceOptions): Promise<Service> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const errorRate = createErrorRateSource();
  const pipeline = await startAlerting({
    ...options,
    clock,
    logger,
    console: options.console ?? process.stdout,
    source: errorRate,
  });

  const orders: { id: number; item: string; quantity: number }[] = [];
  let databaseDown = false; // flipped by /debug/outage to simulate a broken dependency
  let rejectedInARow = 0;

  async function placeOrder(request: IncomingMessage): Promise<Reply> {
    const checked = validateOrder(await readJson(request));
    if (typeof checked !== 'string') {
      rejectedInARow = 0;
      const order = { id: orders.length + 1, ...checked };
      orders.push(order);
      return { status: 201, body: order };
    }
    // A bad order is the client's error, not the service failing: it does not count towards the
    // error rate. A client that keeps sending them is worth a (non-paging) alert, raised right here.
    if (++rejectedInARow >= 3) {
      // `emit` resolves once the alert is queued; in an alert storm it waits rather than drop it.
      await pipeline.emit([
        {
          labels: { alertname: 'OrdersRejectedRepeatedly', service: 'orders', severity: 'warning' },
          annotations: {
            summary: `${rejectedInARow} invalid orders in a row`,
            description: `last problem: ${checked}; from ${request.headers['user-agent'] ?? '?'}`,
          },
          endsAt: clock.now() + 15 * 60_000, // no resolve needed: it ends unless repeated
        },
      ]);
    }
    return { status: 422, body: { error: checked } };
  }

  async function handle(request: IncomingMessage): Promise<Reply> {
    const route = `${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`;
    if (route === 'GET /healthz') return { status: 200, body: { status: 'ok' } };
    if (route === 'POST /debug/outage' || route === 'DELETE /debug/outage') {
      databaseDown = request.method === 'POST';
      return { status: 200, body: { databaseDown } };
    }
    if (route !== 'GET /orders' && route !== 'POST /orders') {
      return { status: 404, body: { error: `no route ${route}` } };
    }
    if (databaseDown) return { status: 503, body: { error: 'orders database unavailable' } };
    return route === 'GET /orders' ? { status: 200, body: orders } : placeOrder(request);
  }

  const server = createServer((request, response) => {
    void handle(request)
      .catch((error: unknown): Reply => {
        logger.error({ err: error }, 'orders request failed');
        return { status: 500, body: { error: 'internal error' } };
      })
      .then(({ status, body }) => {
        // Only the business endpoints count: probes and debug calls would dilute the ratio.
        if (request.url?.startsWith('/orders')) errorRate.record(status >= 500);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(`${JSON.stringify(body)}\n`);
      });
  });
  server.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    // Close the door first, so no handler emits into a stopping pipeline; then drain.
    await new Promise((resolve) => server.close(resolve));
    await pipeline.stop();
  };
  return { url: `http://${address}:${port}`, pipeline, stop: () => (stopped ??= stop()) };
}

/** The order, or what is wrong with it. */
function validateOrder(input: unknown): { item: string; quantity: number } | string {
  const { item, quantity } = (input ?? {}) as Record<string, unknown>;
  if (typeof item !== 'string' || item === '') return '"item" must be a non-empty string';
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1)
    return '"quantity" must be a positive integer';
  return { item, quantity };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  // Read the whole body (so the connection stays usable) but keep at most 64 KiB of it.
  for await (const chunk of request) if (text.length < 65_536) text += String(chunk);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
