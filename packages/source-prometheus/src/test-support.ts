// Shared by this package's tests (and Loki's and Tempo's): a source context around a FakeClock,
// and a backend whose answers a test sets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, createPipelineEvents } from '@phoenix-alerting/core';
import type { AlertInput, SourceContext, Store } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import type { Sample } from './alerting-rule.js';
import type { QueryBackend } from './rule-source.js';

export interface TestContext extends SourceContext {
  clock: FakeClock;
  /** Every batch emitted, in order. */
  batches: AlertInput[][];
  failures: { plugin: string; stage: string; error: unknown }[];
}

export function testContext(options: { clock?: FakeClock; store?: Store } = {}): TestContext {
  const batches: AlertInput[][] = [];
  const failures: TestContext['failures'] = [];
  const events = createPipelineEvents();
  events.on('plugin-failed', (event) => failures.push(event));
  return {
    clock: options.clock ?? new FakeClock('2024-06-01T00:00:00Z'),
    logger: createLogger({ level: 'silent' }),
    store: options.store ?? createMemoryStore(),
    events,
    batches,
    failures,
    async emit(alerts) {
      batches.push([...alerts]);
      return { accepted: alerts.length, rejected: [] };
    },
  };
}

/** A backend answering with `samples` (or failing with `error`, or never answering when `hang`). */
export class ScriptedBackend implements QueryBackend {
  samples: Sample[] = [];
  error: Error | undefined;
  hang = false;
  readonly queries: { expr: string; time: number }[] = [];

  async query(expr: string, time: number, signal: AbortSignal): Promise<Sample[]> {
    this.queries.push({ expr, time });
    if (this.hang) {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      );
    }
    if (this.error) throw this.error;
    return this.samples.map((sample) => ({ labels: { ...sample.labels }, value: sample.value }));
  }
}

/** A request a fake API received: method, path, the query or form parameters, and headers. */
export interface ReceivedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeApi {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (a free port) that records each request and lets `answer` reply,
 * as the real API would: `answer` returns the status and JSON body, or 'hang' to never answer.
 */
export async function startFakeApi(
  answer: (request: ReceivedRequest) => { status: number; body: unknown } | 'hang',
): Promise<FakeApi> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const params = Object.fromEntries(url.searchParams);
      if (request.method === 'POST')
        Object.assign(
          params,
          Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())),
        );
      const received = {
        method: request.method ?? '',
        path: url.pathname,
        params,
        headers: request.headers,
      };
      requests.push(received);
      const reply = answer(received);
      if (reply === 'hang') return;
      response.writeHead(reply.status, { 'Content-Type': 'application/json' });
      response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits (turns of the event loop, not time) until `predicate` holds; fails after `turns`. */
export async function eventually(predicate: () => boolean, turns = 5_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}
