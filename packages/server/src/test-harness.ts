// Shared set-up of the server tests: a server on a FakeClock and an in-memory store, driven
// through `app.inject()`, and a webhook sink on 127.0.0.1.
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServer } from './server.js';
import type { CreateServerOptions, PhoenixServer } from './server.js';

export const T0 = '2024-06-01T00:00:00.000Z';

/** Routing as in the specification (section 7), receivers that need no credentials. */
export const baseConfig = `
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: ['alertname', 'category', 'team']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - match:
        severity: critical
      receiver: pagerduty-critical
      group_wait: 0s
      repeat_interval: 30m
    - match:
        severity: warning
      receiver: pagerduty-warning
receivers:
  - name: default
    console_configs: [{}]
  - name: pagerduty-critical
    console_configs: [{}]
  - name: pagerduty-warning
    console_configs: [{}]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity=~"warning|info"]
    equal: [alertname, team]
`;

/** A stream that keeps what console receivers print. */
export class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface Harness {
  server: PhoenixServer;
  clock: FakeClock;
  console: Collector;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(
    url: string,
    payload: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  json<T = any>(url: string): Promise<T>;
}

/** Builds and starts a server on a FakeClock and (by default) the in-memory store. */
export async function startServer(
  options: Partial<CreateServerOptions> & { start?: boolean } = {},
): Promise<Harness> {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock(T0);
  const console = new Collector();
  const { start = true, ...rest } = options;
  const server = createServer({
    ...(rest.configFile === undefined ? { configText: baseConfig } : {}),
    dataDir: ':memory:',
    logger: createLogger({ level: 'silent' }),
    defaultMetrics: false,
    consoleStream: console,
    externalURL: 'http://phoenix.test:9093',
    ...rest,
    clock,
  });
  if (start) await server.start();
  const inject = (request: InjectOptions) => server.app.inject(request);
  return {
    server,
    clock,
    console,
    inject,
    get: (url) => inject({ method: 'GET', url }),
    post: (url, payload, headers = {}) =>
      inject({ method: 'POST', url, payload: payload as any, headers }),
    async json(url) {
      const response = await inject({ method: 'GET', url });
      if (response.statusCode !== 200)
        throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return response.json();
    },
  };
}

export interface SinkRequest {
  body: any;
  headers: IncomingHttpHeaders;
}

/** A webhook endpoint on 127.0.0.1 that records what it is sent and answers `status`. */
export async function startSink(status = 200): Promise<{
  url: string;
  requests: SinkRequest[];
  status: number;
  close(): Promise<void>;
}> {
  const sink = {
    url: '',
    requests: [] as SinkRequest[],
    status,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server: Server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      sink.requests.push({ body: JSON.parse(body || 'null'), headers: request.headers });
      response.statusCode = sink.status;
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return sink;
}

/** Waits (in real time) until `predicate` holds, for what crosses real sockets. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await sleep(10);
  }
}

/** A `postableSilence` for the given equality matchers, ending an hour after `T0`. */
export function silenceBody(matchers: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    matchers: Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false })),
    startsAt: T0,
    endsAt: '2024-06-01T01:00:00.000Z',
    createdBy: 'alice',
    comment: 'maintenance',
    ...extra,
  };
}

/** Waits (in real time) until `/api/phoenix/v1/incidents` lists one matching `predicate`; returns it. */
export async function waitForIncident(
  harness: Harness,
  predicate: (incident: any) => boolean = () => true,
): Promise<any> {
  let found: any;
  let pending: Promise<void> | undefined;
  await waitFor(() => {
    pending ??= harness.json('/api/phoenix/v1/incidents').then((list: any[]) => {
      found = list.find(predicate);
      pending = undefined;
    });
    return found !== undefined;
  });
  return found;
}
