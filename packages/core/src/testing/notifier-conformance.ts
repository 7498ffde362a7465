// The test kit every HTTP notifier runs (after Alertmanager's notify/test): the retry table, one
// attempt per call, abort, idempotent stop, and no secret in logs or delivery messages. It takes
// the test framework's functions as a parameter, so core does not depend on vitest.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { createPipelineEvents } from '../events.js';
import { createMemoryStore } from '../memory-store.js';
import type { Notification } from '../notification.js';
import type { DeliveryResult, Notifier, StopOptions } from '../plugin.js';
import { buildAlerts, buildNotification } from './builders.js';

/** The assertions the suite uses; vitest's and jest's `expect` fit. */
export interface ConformanceAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toContain(expected: unknown): void;
  toBeGreaterThanOrEqual(expected: number): void;
  toBeLessThanOrEqual(expected: number): void;
  readonly not: ConformanceAssertion;
}

/** The test framework: pass vitest's `{ describe, it, expect }`. */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
  expect(actual: unknown): ConformanceAssertion;
}

/** A response of the fake endpoint. */
export interface FakeResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A request the fake endpoint received. */
export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Handed to `setup` for each test. */
export interface NotifierConformanceContext {
  /**
   * Base URL of the endpoint the suite controls, `http://127.0.0.1:<port>` (no trailing slash):
   * append whatever path the notifier posts to. Any method and path is answered.
   */
  url: string;
  /** Captures what the notifier logs; the suite also passes it to `start`. */
  logger: Logger;
}

/** What `setup` returns: a fresh notifier pointed at `context.url`. */
export interface NotifierConformanceSetup {
  notifier: Notifier;
  /**
   * Every secret the notifier was configured with (tokens, passwords, a URL whose path is a
   * token): none may appear in a log line or a delivery message. At least one.
   */
  secrets: readonly string[];
  /**
   * How the endpoint answers a delivery that should succeed, when the API expects more than an
   * empty 200 (e.g. PagerDuty's 202 with a JSON status, Slack's `{"ok":true}`).
   */
  success?: FakeResponse;
  /** The notification to deliver. Default: two firing alerts of one group. */
  notification?: Notification;
}

export type NotifierConformanceSetupFunction = (
  context: NotifierConformanceContext,
) => NotifierConformanceSetup | Promise<NotifierConformanceSetup>;

type Behaviour = FakeResponse | 'hang';

interface FakeEndpoint {
  url: string;
  requests: RecordedRequest[];
  /** Resolves with the next request received. */
  nextRequest(): Promise<RecordedRequest>;
  respond(behaviour: Behaviour | ((request: RecordedRequest) => Behaviour)): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function startEndpoint(): Promise<FakeEndpoint> {
  const requests: RecordedRequest[] = [];
  const waiting: ((request: RecordedRequest) => void)[] = [];
  const hanging = new Set<ServerResponse>();
  let behaviour: Behaviour | ((request: RecordedRequest) => Behaviour) = {};
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      waiting.shift()?.(recorded);
      const answer = typeof behaviour === 'function' ? behaviour(recorded) : behaviour;
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer.status ?? 200, answer.headers ?? {});
      response.end(answer.body ?? '');
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    respond(next) {
      behaviour = next;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  // No redaction here: a notifier must not hand secrets to a logger in the first place.
  return { logger: pino({ level: 'trace' }, sink), lines };
}

/**
 * An error body that reflects the request, as some frameworks' error pages do (Express answers
 * `Cannot POST /path`): a notifier that quotes response bodies must still leak no secret.
 */
function reflectingBody(request: RecordedRequest): string {
  const auth = request.headers.authorization ?? '';
  return `Cannot ${request.method} ${request.url} (authorization: ${auth}) ${request.body.slice(0, 200)}`;
}

function stopOptions(): StopOptions {
  return { deadline: Date.now() + 5_000, signal: new AbortController().signal };
}

/**
 * Defines the conformance tests of an HTTP notifier:
 *
 * ```ts
 * import { describe, it, expect } from 'vitest';
 * describeNotifierConformance('webhook', { describe, it, expect }, ({ url, logger }) => ({
 *   notifier: createWebhookNotifier({ url: `${url}/hook`, http_config: { bearer_token: 's3cret' } }, { logger }),
 *   secrets: ['s3cret'],
 * }));
 * ```
 *
 * `setup` is called once per test with a fresh endpoint; the suite starts the notifier with a
 * logging context, delivers, and stops it. Checked: 2xx is delivered; 500/502/503 are retryable
 * `server` failures; 429 with `Retry-After` (seconds or an HTTP date) is `rate-limited` with
 * `retryAfterMs`; 400/404 are `client` and 401/403 `auth` failures, not retryable; a refused
 * connection is a retryable `network` failure; each call makes exactly one request; aborting the
 * signal, before or during the request, yields `canceled` at once; `notify` never throws; `stop`
 * may be called twice; and no secret reaches a log line or a delivery message.
 */
export function describeNotifierConformance(
  name: string,
  api: ConformanceTestApi,
  setup: NotifierConformanceSetupFunction,
): void {
  const { describe, it, expect } = api;

  interface Harness {
    endpoint: FakeEndpoint;
    setup: NotifierConformanceSetup;
    lines: string[];
    messages: string[];
    deliver(signal?: AbortSignal): Promise<DeliveryResult>;
  }

  async function withNotifier(
    body: (harness: Harness) => Promise<void>,
    options: { refused?: boolean } = {},
  ): Promise<void> {
    const endpoint = await startEndpoint();
    const { logger, lines } = captureLogger();
    const url = options.refused ? `http://127.0.0.1:${await closedPort()}` : endpoint.url;
    const prepared = await setup({ url, logger });
    const { notifier } = prepared;
    endpoint.respond(prepared.success ?? {});
    const messages: string[] = [];
    const notification =
      prepared.notification ??
      buildNotification(buildAlerts(2, { annotations: { summary: 'conformance test' } }));
    await notifier.start?.({
      clock: systemClock,
      logger,
      store: createMemoryStore(),
      events: createPipelineEvents(),
    });
    let attempt = 0;
    const deliver = async (signal = new AbortController().signal) => {
      const result = await notifier.notify(notification, {
        signal,
        attempt: ++attempt,
        idempotencyKey: 'conformance-key',
      });
      if (!result.ok) messages.push(result.message);
      return result;
    };
    try {
      await body({ endpoint, setup: prepared, lines, messages, deliver });
    } finally {
      await notifier.stop?.(stopOptions());
      await endpoint.close();
    }
  }

  const failing = (status: number, headers: Record<string, string> = {}) =>
    ((request: RecordedRequest) => ({
      status,
      headers,
      body: reflectingBody(request),
    })) satisfies (request: RecordedRequest) => FakeResponse;

  describe(`${name} notifier conformance`, () => {
    it('delivers on success, with one request', () =>
      withNotifier(async ({ endpoint, deliver }) => {
        const result = await deliver();
        expect(result.ok).toBe(true);
        expect(endpoint.requests.length).toBe(1);
      }));

    for (const status of [500, 502, 503]) {
      it(`reports ${status} as a retryable server failure, after one request`, () =>
        withNotifier(async ({ endpoint, deliver }) => {
          endpoint.respond(failing(status));
          const result = await deliver();
          expect(result).toMatchObject({
            ok: false,
            retryable: true,
            reason: 'server',
            statusCode: status,
          });
          expect(endpoint.requests.length).toBe(1);
        }));
    }

    it('reports 429 as rate-limited, with Retry-After in seconds', () =>
      withNotifier(async ({ endpoint, deliver }) => {
        endpoint.respond(failing(429, { 'retry-after': '7' }));
        const result = await deliver();
        expect(result).toMatchObject({
          ok: false,
          retryable: true,
          reason: 'rate-limited',
          statusCode: 429,
          retryAfterMs: 7_000,
        });
        expect(endpoint.requests.length).toBe(1);
      }));

    it('reports 429 as rate-limited, with Retry-After as an HTTP date', () =>
      withNotifier(async ({ endpoint, deliver }) => {
        const at = new Date(Date.now() + 30_000).toUTCString();
        endpoint.respond(failing(429, { 'retry-after': at }));
        const result = await deliver();
        expect(result).toMatchObject({ ok: false, retryable: true, reason: 'rate-limited' });
        const waitMs = result.ok ? 0 : (result.retryAfterMs ?? 0);
        // The date has whole seconds, and the server's clock ticks during the request.
        expect(waitMs).toBeGreaterThanOrEqual(27_000);
        expect(waitMs).toBeLessThanOrEqual(31_000);
      }));

    for (const [status, reason] of [
      [400, 'client'],
      [404, 'client'],
      [401, 'auth'],
      [403, 'auth'],
    ] as const) {
      it(`reports ${status} as a ${reason} failure that is not retried`, () =>
        withNotifier(async ({ endpoint, deliver }) => {
          endpoint.respond(failing(status));
          const result = await deliver();
          expect(result).toMatchObject({ ok: false, retryable: false, reason, statusCode: status });
          expect(endpoint.requests.length).toBe(1);
        }));
    }

    it('reports a refused connection as a retryable network failure', () =>
      withNotifier(
        async ({ deliver }) => {
          const result = await deliver();
          expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network' });
        },
        { refused: true },
      ));

    it('gives up at once, as canceled, when the signal aborts during the request', () =>
      withNotifier(async ({ endpoint, deliver }) => {
        endpoint.respond('hang');
        const controller = new AbortController();
        const received = endpoint.nextRequest();
        const pending = deliver(controller.signal);
        await received;
        const abortedAt = Date.now();
        controller.abort(new Error('shutting down'));
        const result = await pending;
        expect(result).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });
        expect(Date.now() - abortedAt).toBeLessThanOrEqual(1_000);
      }));

    it('sends nothing when the signal is already aborted', () =>
      withNotifier(async ({ endpoint, deliver }) => {
        const controller = new AbortController();
        controller.abort(new Error('shutting down'));
        const result = await deliver(controller.signal);
        expect(result).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });
        expect(endpoint.requests.length).toBe(0);
      }));

    it('can be stopped twice', () =>
      withNotifier(async ({ setup: { notifier }, deliver }) => {
        expect((await deliver()).ok).toBe(true);
        await notifier.stop?.(stopOptions());
        await notifier.stop?.(stopOptions());
      }));

    it('keeps every secret out of logs and delivery messages', async () => {
      const outcomes: (FakeResponse | 'hang' | 'refused')[] = [
        {},
        { status: 500 },
        { status: 429, headers: { 'retry-after': '1' } },
        { status: 400 },
        { status: 401 },
        'hang',
        'refused',
      ];
      const seen: string[] = [];
      let secrets: readonly string[] = [];
      for (const outcome of outcomes) {
        await withNotifier(
          async ({ endpoint, setup: prepared, lines, messages, deliver }) => {
            secrets = prepared.secrets;
            if (outcome === 'hang') {
              endpoint.respond('hang');
              const controller = new AbortController();
              const received = endpoint.nextRequest();
              const pending = deliver(controller.signal);
              await received;
              controller.abort(new Error('shutting down'));
              await pending;
            } else if (outcome === 'refused') {
              await deliver();
            } else if (outcome.status) {
              endpoint.respond((request) => ({ ...outcome, body: reflectingBody(request) }));
              await deliver();
            } else {
              await deliver();
            }
            seen.push(...lines, ...messages);
          },
          { refused: outcome === 'refused' },
        );
      }
      expect(secrets.length).toBeGreaterThanOrEqual(1);
      // Checked raw and with JSON log lines decoded, so that an escape cannot hide a secret.
      const strings: string[] = [];
      const collect = (value: unknown): void => {
        if (typeof value === 'string') strings.push(value);
        else if (value && typeof value === 'object') Object.values(value).forEach(collect);
      };
      for (const line of seen) {
        try {
          collect(JSON.parse(line));
        } catch {
          // not JSON: checked raw
        }
      }
      const text = seen.join('\n');
      const decoded = strings.join('\n');
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(decoded).not.toContain(secret);
      }
    }, 30_000);
  });
}
