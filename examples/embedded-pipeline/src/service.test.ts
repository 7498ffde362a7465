// Smoke test: the real service on a real port, a webhook receiver on 127.0.0.1, and the FakeClock
// standing in for minutes of health checks and group timers.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { afterEach, expect, test, vi } from 'vitest';
import { startService } from './service.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A webhook endpoint that keeps the JSON messages it is posted. */
async function startWebhookSink() {
  const messages: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      messages.push(JSON.parse(body));
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, messages };
}

async function start() {
  const clock = new FakeClock('2024-06-01T00:00:00Z');
  const dataDir = await mkdtemp(join(tmpdir(), 'embedded-pipeline-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const sink = await startWebhookSink();
  let printed = '';
  const service = await startService({
    port: 0,
    webhookUrl: sink.url,
    dataDir,
    clock,
    logger: createLogger({ level: 'silent' }),
    console: new Writable({
      write: (chunk: Buffer, _encoding, done) => ((printed += chunk.toString()), done()),
    }),
  });
  cleanups.push(() => service.stop());
  const call = async (method: string, path: string, body?: object) =>
    (await fetch(`${service.url}${path}`, { method, body: JSON.stringify(body) })).status;
  return { clock, sink, service, call, printed: () => printed };
}

// Deliveries are real HTTP: poll for them, with room for a busy CI machine.
const eventually = (assertion: () => void) => vi.waitFor(assertion, { timeout: 10_000 });

const labels = { alertname: 'OrdersErrorRateHigh', service: 'orders', severity: 'critical' };

test('pages through the webhook when its own error rate is high, and again when it recovers', async () => {
  const { clock, sink, service, call } = await start();

  expect(await call('POST', '/orders', { item: 'book', quantity: 1 })).toBe(201);
  await call('POST', '/debug/outage');
  for (let i = 0; i < 5; i++) expect(await call('GET', '/orders')).toBe(503);

  await clock.advance(5_000); // the health check sees 5 of 6 requests failed: the alert fires
  await clock.advance(10_000); // the critical route's group_wait
  await eventually(() => expect(sink.messages).toHaveLength(1));
  expect(sink.messages[0]).toMatchObject({
    version: '4',
    receiver: 'oncall',
    status: 'firing',
    groupKey: '{}/{severity="critical"}:{alertname="OrdersErrorRateHigh", service="orders"}',
    groupLabels: { alertname: 'OrdersErrorRateHigh', service: 'orders' },
    commonLabels: labels,
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: '83% of the last 6 orders requests failed' },
        startsAt: '2024-06-01T00:00:05Z',
        endsAt: '0001-01-01T00:00:00Z', // Alertmanager's "still firing"
      },
    ],
    truncatedAlerts: 0,
  });

  await call('DELETE', '/debug/outage');
  for (let i = 0; i < 20; i++) expect(await call('GET', '/orders')).toBe(200);
  await clock.advance(5_000); // t = 20s: the check resolves the alert
  await clock.advance(55_000); // t = 75s: the group's next group_interval tick (15s + 60s)
  await eventually(() => expect(sink.messages).toHaveLength(2));
  expect(sink.messages[1]).toMatchObject({
    receiver: 'oncall',
    status: 'resolved',
    commonLabels: labels,
    alerts: [
      {
        status: 'resolved',
        labels,
        startsAt: '2024-06-01T00:00:05Z',
        endsAt: '2024-06-01T00:00:20Z',
      },
    ],
  });

  await service.stop(); // closes the port and drains; nothing more is sent
  expect(sink.messages).toHaveLength(2);
  await expect(call('GET', '/healthz')).rejects.toThrow();
});

test('raises a warning from the request handler after repeated invalid orders', async () => {
  const { clock, sink, call, printed } = await start();

  for (let i = 0; i < 3; i++) expect(await call('POST', '/orders', { item: 'pen' })).toBe(422);
  await clock.advance(30_000); // the root route's group_wait
  await eventually(() => expect(printed()).toContain('[FIRING:1] receiver=team-log'));
  expect(printed()).toContain(
    '{alertname="OrdersRejectedRepeatedly", service="orders", severity="warning"}',
  );
  expect(sink.messages).toEqual([]); // a warning does not page
});
