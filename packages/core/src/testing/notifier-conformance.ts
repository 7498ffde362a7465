// The test kit every notifier runs (after Alertmanager's notify/test): the retry table, one
// attempt per call, abort, idempotent stop, no secret in logs or delivery messages, and, for a
// notifier that declares a rate limit, the limit and a server's wait honoured through core's
// delivery queue. `describeTransportConformance` is the protocol-neutral suite (an SMTP notifier
// brings its own peer and failure table); `describeNotifierConformance` runs it against a fake
// HTTP endpoint. It takes the test framework's functions as a parameter, so core does not depend
// on vitest.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { DeliveryQueue } from '../delivery.js';
import { createPipelineEvents } from '../events.js';
import { createMemoryStore } from '../memory-store.js';
import type { Notification } from '../notification.js';
import type { DeliveryFailureReason, DeliveryResult, Notifier, StopOptions } from '../plugin.js';
import { buildAlerts, buildNotification } from './builders.js';
import { FakeClock, flushMicrotasks } from './fake-clock.js';

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

/** A peer of a transport-neutral conformance run: what the notifier under test talks to. */
export interface ConformancePeer<Answer> {
  /** Where the notifier reaches the peer (`http://127.0.0.1:<port>`, `smtp://127.0.0.1:<port>`). */
  url: string;
  /** Deliveries (HTTP requests, mail transactions…) received so far. */
  readonly received: number;
  /** Resolves when the next delivery arrives. */
  nextDelivery(): Promise<void>;
  /** How the peer answers from now on; `'hang'` never answers (until closed). */
  answer(answer: Answer | 'hang'): void;
  close(): Promise<void>;
}

/** One row of the retry table: how the peer answers and what the notifier must report. */
export interface ConformanceFailureCase<Answer> {
  /** The test's name, e.g. `reports 421 as a retryable server failure, after one delivery`. */
  name: string;
  answer: Answer;
  expected: {
    retryable: boolean;
    reason: DeliveryFailureReason;
    statusCode?: number;
    retryAfterMs?: number;
  };
  /** A further check of the failure, e.g. a range for a wait computed from a date. */
  check?(
    result: Extract<DeliveryResult, { ok: false }>,
    expect: ConformanceTestApi['expect'],
  ): void;
}

/**
 * A protocol for {@link describeTransportConformance}: how to start a peer, an address where
 * nothing listens, and the protocol's retry table. An SMTP notifier, for instance, starts an
 * `smtp-server` whose answers are SMTP replies (`421` transient, `550` permanent, `535` auth).
 */
export interface ConformanceTransport<Answer> {
  start(): Promise<ConformancePeer<Answer>>;
  /** The protocol's plain success answer, used unless `setup` gives its own. */
  success: Answer;
  /** An address of this protocol on 127.0.0.1 where connections are refused. */
  refusedUrl(): Promise<string>;
  /** Every failure the protocol can answer with; each becomes a test and a no-secret-leak case. */
  failures: readonly ConformanceFailureCase<Answer>[];
  /**
   * An answer asking the notifier to wait `seconds` before trying again (HTTP 429 with
   * `Retry-After`); leave out when the protocol has no such answer.
   */
  rateLimited?(seconds: number): Answer;
}

/** What a transport-neutral `setup` returns: a fresh notifier pointed at `context.url`. */
export interface TransportConformanceSetup<Answer> {
  notifier: Notifier;
  /** Every secret the notifier was configured with; none may appear in a log line or message. */
  secrets: readonly string[];
  /** How the peer answers a delivery that should succeed. Default: the peer's own default. */
  success?: Answer;
  /** The notification to deliver. Default: two firing alerts of one group. */
  notification?: Notification;
}

export type TransportConformanceSetupFunction<Answer> = (
  context: NotifierConformanceContext,
) => TransportConformanceSetup<Answer> | Promise<TransportConformanceSetup<Answer>>;

/**
 * Defines the conformance tests of a notifier over any protocol. `setup` is called once per test
 * with a fresh peer; the suite starts the notifier with a logging context, delivers, and stops it.
 * Checked: success is delivered with one delivery; every row of `transport.failures` is reported as
 * it says, after one delivery; a refused connection is a retryable `network` failure; aborting the
 * signal, before or during a delivery, yields `canceled` at once; `stop` may be called twice; no
 * secret reaches a log line or a delivery message. When the notifier declares `rateLimit`, core's
 * delivery queue (on a FakeClock) starts no more than `limit` deliveries per `intervalMs`, and,
 * when the protocol can ask for a wait, pauses every delivery of the integration for it.
 */
export function describeTransportConformance<Answer>(
  name: string,
  api: ConformanceTestApi,
  transport: ConformanceTransport<Answer>,
  setup: TransportConformanceSetupFunction<Answer>,
): void {
  const { describe, it, expect } = api;

  interface Harness {
    peer: ConformancePeer<Answer>;
    setup: TransportConformanceSetup<Answer>;
    notification: Notification;
    logger: Logger;
    lines: string[];
    messages: string[];
    deliver(signal?: AbortSignal): Promise<DeliveryResult>;
  }

  async function withNotifier(
    body: (harness: Harness) => Promise<void>,
    options: { refused?: boolean } = {},
  ): Promise<void> {
    const peer = await transport.start();
    const { logger, lines } = captureLogger();
    const url = options.refused ? await transport.refusedUrl() : peer.url;
    const prepared = await setup({ url, logger });
    const { notifier } = prepared;
    peer.answer(prepared.success ?? transport.success);
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
      await body({ peer, setup: prepared, notification, logger, lines, messages, deliver });
    } finally {
      await notifier.stop?.(stopOptions());
      await peer.close();
    }
  }

  /**
   * Runs `count` notifications of distinct groups through a DeliveryQueue on a FakeClock, with
   * the notifier's own rate limit. `started()` counts the deliveries begun once everything the
   * current (fake) instant allows has settled.
   */
  function throughQueue(harness: Harness, count: number) {
    const { notifier } = harness.setup;
    const clock = new FakeClock(Date.now());
    const calls: Promise<DeliveryResult>[] = [];
    const counted: Notifier = {
      name: notifier.name,
      ...(notifier.sendResolved !== undefined && { sendResolved: notifier.sendResolved }),
      ...(notifier.rateLimit && { rateLimit: notifier.rateLimit }),
      notify(notification, options) {
        const call = notifier.notify(notification, options);
        calls.push(call);
        return call;
      },
    };
    const shutdown = new AbortController();
    const queue = new DeliveryQueue({
      integration: `conformance/${notifier.name}/0`,
      notifier: counted,
      clock,
      logger: harness.logger,
      events: createPipelineEvents(),
      notificationLog: createMemoryStore().notificationLog,
      maxQueued: 1_000,
      concurrency: Math.max(count, 2),
      retry: { initialBackoffMs: 1_000, random: () => 0.5 },
      logRetentionMs: 3_600_000,
      shutdownSignal: shutdown.signal,
    });
    const outcomes: Promise<boolean>[] = [];
    const add = (more: number) => {
      for (let i = 0; i < more; i++) {
        const index = outcomes.length;
        outcomes.push(
          queue
            .enqueue({
              ...harness.notification,
              groupKey: `${harness.notification.groupKey}/conformance-${index}`,
            })
            .then(({ delivered }) => delivered),
        );
      }
    };
    add(count);
    const settle = async (): Promise<number> => {
      for (;;) {
        const seen = calls.length;
        await Promise.all(calls);
        await flushMicrotasks(5);
        if (calls.length === seen) return seen;
      }
    };
    return {
      clock,
      started: settle,
      add,
      delivered: () => Promise.all(outcomes),
      stop: () => shutdown.abort(new Error('conformance test over')),
    };
  }

  describe(`${name} notifier conformance`, () => {
    it('delivers on success, with one request', () =>
      withNotifier(async ({ peer, deliver }) => {
        const result = await deliver();
        expect(result.ok).toBe(true);
        expect(peer.received).toBe(1);
      }));

    for (const row of transport.failures) {
      it(row.name, () =>
        withNotifier(async ({ peer, deliver }) => {
          peer.answer(row.answer);
          const result = await deliver();
          expect(result).toMatchObject({ ok: false, ...row.expected });
          if (!result.ok) row.check?.(result, expect);
          expect(peer.received).toBe(1);
        }),
      );
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
      withNotifier(async ({ peer, deliver }) => {
        peer.answer('hang');
        const controller = new AbortController();
        const received = peer.nextDelivery();
        const pending = deliver(controller.signal);
        await received;
        const abortedAt = Date.now();
        controller.abort(new Error('shutting down'));
        const result = await pending;
        expect(result).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });
        expect(Date.now() - abortedAt).toBeLessThanOrEqual(1_000);
      }));

    it('sends nothing when the signal is already aborted', () =>
      withNotifier(async ({ peer, deliver }) => {
        const controller = new AbortController();
        controller.abort(new Error('shutting down'));
        const result = await deliver(controller.signal);
        expect(result).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });
        expect(peer.received).toBe(0);
      }));

    it('can be stopped twice', () =>
      withNotifier(async ({ setup: { notifier }, deliver }) => {
        expect((await deliver()).ok).toBe(true);
        await notifier.stop?.(stopOptions());
        await notifier.stop?.(stopOptions());
      }));

    it('keeps every secret out of logs and delivery messages', async () => {
      const outcomes: ({ answer: Answer } | 'success' | 'hang' | 'refused')[] = [
        'success',
        ...transport.failures.map((row) => ({ answer: row.answer })),
        'hang',
        'refused',
      ];
      const seen: string[] = [];
      let secrets: readonly string[] = [];
      for (const outcome of outcomes) {
        await withNotifier(
          async ({ peer, setup: prepared, lines, messages, deliver }) => {
            secrets = prepared.secrets;
            if (outcome === 'hang') {
              peer.answer('hang');
              const controller = new AbortController();
              const received = peer.nextDelivery();
              const pending = deliver(controller.signal);
              await received;
              controller.abort(new Error('shutting down'));
              await pending;
            } else {
              if (typeof outcome === 'object') peer.answer(outcome.answer);
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
    }, 60_000);

    it('starts no more than its rate limit through the delivery queue, losing nothing', () =>
      withNotifier(async (harness) => {
        const { rateLimit } = harness.setup.notifier;
        if (!rateLimit) return;
        const { limit, intervalMs } = rateLimit;
        expect(Number.isInteger(limit) && limit >= 1).toBe(true);
        expect(intervalMs > 0).toBe(true);
        const run = throughQueue(harness, 2 * limit + 1);
        try {
          expect(await run.started()).toBe(limit);
          await run.clock.advance(intervalMs - 1);
          expect(await run.started()).toBe(limit);
          await run.clock.advance(1);
          expect(await run.started()).toBe(2 * limit);
          await run.clock.advance(intervalMs);
          expect(await run.started()).toBe(2 * limit + 1);
          expect(await run.delivered()).toEqual(Array.from({ length: 2 * limit + 1 }, () => true));
          expect(harness.peer.received).toBeGreaterThanOrEqual(2 * limit + 1);
        } finally {
          run.stop();
        }
      }));

    it("holds every delivery of the integration for a rate-limited answer's wait", () =>
      withNotifier(async (harness) => {
        const { rateLimit } = harness.setup.notifier;
        if (!rateLimit || !transport.rateLimited) return;
        // Longer than the limit's own spacing, so the two cannot be mistaken; within the deadline.
        const waitSeconds =
          rateLimit.limit < 2
            ? Math.min(240, Math.max(5, Math.ceil((2 * rateLimit.intervalMs) / 1_000)))
            : 5;
        const success = harness.setup.success ?? transport.success;
        const { peer } = harness;
        peer.answer(transport.rateLimited(waitSeconds));
        // Chosen when the request arrives; the answer after it is a success again.
        void peer.nextDelivery().then(() => peer.answer(success));
        const run = throughQueue(harness, 1);
        try {
          expect(await run.started()).toBe(1);
          // Queued after the answer: it waits with the retry, however many slots are free.
          run.add(1);
          expect(await run.started()).toBe(1);
          await run.clock.advance(waitSeconds * 1_000 - 1);
          expect(await run.started()).toBe(1);
          await run.clock.advance(1);
          const limit = rateLimit.limit;
          expect(await run.started()).toBe(1 + Math.min(limit, 2));
          if (limit < 2) {
            await run.clock.advance(rateLimit.intervalMs);
            expect(await run.started()).toBe(3);
          }
          expect(await run.delivered()).toEqual([true, true]);
        } finally {
          run.stop();
        }
      }));
  });
}

type HttpAnswer = FakeResponse | ((request: RecordedRequest) => FakeResponse);

/** An error answer whose body quotes the request, as some frameworks' error pages do. */
const failing =
  (status: number, headers: Record<string, string> = {}) =>
  (request: RecordedRequest): FakeResponse => ({ status, headers, body: reflectingBody(request) });

/** HTTP for {@link describeTransportConformance}: a fake endpoint answering any method and path. */
export const httpConformanceTransport: ConformanceTransport<HttpAnswer> = {
  async start() {
    const endpoint = await startEndpoint();
    return {
      url: endpoint.url,
      get received() {
        return endpoint.requests.length;
      },
      nextDelivery: async () => {
        await endpoint.nextRequest();
      },
      answer: (answer) => endpoint.respond(answer),
      close: () => endpoint.close(),
    };
  },
  success: {},
  refusedUrl: async () => `http://127.0.0.1:${await closedPort()}`,
  rateLimited: (seconds) => failing(429, { 'retry-after': String(seconds) }),
  failures: [
    ...[500, 502, 503].map((status) => ({
      name: `reports ${status} as a retryable server failure, after one request`,
      answer: failing(status),
      expected: { retryable: true, reason: 'server' as const, statusCode: status },
    })),
    {
      name: 'reports 429 as rate-limited, with Retry-After in seconds',
      answer: failing(429, { 'retry-after': '7' }),
      expected: { retryable: true, reason: 'rate-limited', statusCode: 429, retryAfterMs: 7_000 },
    },
    {
      name: 'reports 429 as rate-limited, with Retry-After as an HTTP date',
      // The date is taken when the endpoint answers: 30 s ahead.
      answer: (request: RecordedRequest) =>
        failing(429, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() })(request),
      expected: { retryable: true, reason: 'rate-limited', statusCode: 429 },
      check(result, expect) {
        // The date has whole seconds, and the server's clock ticks during the request.
        expect(result.retryAfterMs ?? 0).toBeGreaterThanOrEqual(27_000);
        expect(result.retryAfterMs ?? 0).toBeLessThanOrEqual(31_000);
      },
    },
    ...(
      [
        [400, 'client'],
        [404, 'client'],
        [401, 'auth'],
        [403, 'auth'],
      ] as const
    ).map(([status, reason]) => ({
      name: `reports ${status} as a ${reason} failure that is not retried`,
      answer: failing(status),
      expected: { retryable: false, reason, statusCode: status },
    })),
  ],
};

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
 * {@link describeTransportConformance} over a fake HTTP endpoint: 2xx is delivered; 500/502/503
 * are retryable `server` failures; 429 with `Retry-After` (seconds or an HTTP date) is
 * `rate-limited` with `retryAfterMs`; 400/404 are `client` and 401/403 `auth` failures, not
 * retryable; error bodies quote the request (a notifier that quotes bodies must still leak no
 * secret); plus the refused connection, abort, stop, secret and rate-limit checks.
 */
export function describeNotifierConformance(
  name: string,
  api: ConformanceTestApi,
  setup: NotifierConformanceSetupFunction,
): void {
  describeTransportConformance(name, api, httpConformanceTransport, setup);
}
