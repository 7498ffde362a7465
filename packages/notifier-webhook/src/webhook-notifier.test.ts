import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createPipelineEvents, systemClock } from '@phoenix-alerting/core';
import type { DeliveryResult, Notification } from '@phoenix-alerting/core';
import {
  buildAlerts,
  buildNotification,
  createMemoryStore,
  FakeClock,
} from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startSink } from './test-servers.js';
import type { Sink } from './test-servers.js';
import { USER_AGENT } from './version.js';
import type { WebhookConfigInput } from './webhook-config.js';
import { createWebhookNotifier } from './webhook-notifier.js';
import type { WebhookNotifier, WebhookNotifierOptions } from './webhook-notifier.js';

const notification: Notification = buildNotification(
  buildAlerts(3, { annotations: { summary: 'disk full' } }),
  {
    receiver: 'ops',
    groupKey: '{}:{alertname="TestAlert"}',
    groupLabels: { alertname: 'TestAlert' },
  },
);

let sink: Sink;
let dir: string;
const notifiers: WebhookNotifier[] = [];

beforeAll(async () => {
  sink = await startSink();
  dir = mkdtempSync(join(tmpdir(), 'phoenix-webhook-'));
});
afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((notifier) => notifier.stop()));
  sink.respond({});
  sink.requests.length = 0;
});
afterAll(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

function notifier(config: WebhookConfigInput, options?: WebhookNotifierOptions): WebhookNotifier {
  const created = createWebhookNotifier(config, options);
  notifiers.push(created);
  return created;
}

function send(target: WebhookNotifier, signal = new AbortController().signal) {
  return target.notify(notification, { signal, attempt: 1, idempotencyKey: 'test-key' });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function captureLogs(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

describe('the request', () => {
  it('POSTs JSON with a Phoenix user agent and reports the status', async () => {
    const result = await send(notifier({ url: `${sink.url}/hook?x=1` }));
    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(sink.requests).toHaveLength(1);
    const [request] = sink.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/hook?x=1' });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBe(USER_AGENT);
    expect(request!.headers['idempotency-key']).toBe('test-key');
    expect(USER_AGENT).toMatch(/^Phoenix-Alerting\/\d+\.\d+\.\d+/);
    expect(request!.headers.authorization).toBeUndefined();
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ receiver: 'ops', version: '4', groupKey: notification.groupKey });
  });

  it('counts any 2xx as delivered', async () => {
    sink.respond({ status: 204 });
    expect(await send(notifier({ url: sink.url }))).toEqual({ ok: true, statusCode: 204 });
  });

  it('puts externalURL and max_alerts truncation in the message', async () => {
    await send(notifier({ url: sink.url, max_alerts: 2 }, { externalURL: 'http://phoenix:9093' }));
    const body = JSON.parse(sink.requests[0]!.body) as Record<string, unknown>;
    expect(body.externalURL).toBe('http://phoenix:9093');
    expect(body.alerts).toHaveLength(2);
    expect(body.truncatedAlerts).toBe(1);
  });

  it('reports send_resolved and leaves filtering to the pipeline', async () => {
    expect(notifier({ url: sink.url }).sendResolved).toBe(true);
    const quiet = notifier({ url: sink.url, send_resolved: false });
    expect(quiet.sendResolved).toBe(false);
    // Resolved alerts handed over are sent: the delivery stage decides what to hand over.
    const resolved = buildNotification(
      buildAlerts(1, { startsAt: Date.UTC(2024, 0, 1), endsAt: Date.UTC(2024, 0, 1, 1) }),
      { timestamp: Date.UTC(2024, 0, 2) },
    );
    await quiet.notify(resolved, {
      signal: new AbortController().signal,
      attempt: 1,
      idempotencyKey: 'test-key',
    });
    expect(JSON.parse(sink.requests[0]!.body)).toMatchObject({ status: 'resolved' });
  });
});

describe('authentication', () => {
  const authorizationOf = async (config: Omit<WebhookConfigInput, 'url'>, path = '/') => {
    const result = await send(notifier({ ...config, url: `${sink.url}${path}` }));
    expect(result.ok).toBe(true);
    return sink.requests.at(-1)!.headers.authorization;
  };

  it('sends a bearer token', async () => {
    expect(await authorizationOf({ http_config: { bearer_token: 'tok' } })).toBe('Bearer tok');
  });

  it('reads bearer_token_file at every request, trimmed', async () => {
    const path = file('bearer', '  first\n');
    const target = notifier({ url: sink.url, http_config: { bearer_token_file: path } });
    await send(target);
    writeFileSync(path, 'second\n');
    await send(target);
    expect(sink.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer first',
      'Bearer second',
    ]);
  });

  it('sends authorization with its type and credentials or credentials_file', async () => {
    expect(
      await authorizationOf({
        http_config: { authorization: { type: 'Token', credentials: 'abc' } },
      }),
    ).toBe('Token abc');
    const path = file('credentials', 'from-file\n');
    expect(
      await authorizationOf({ http_config: { authorization: { credentials_file: path } } }),
    ).toBe('Bearer from-file');
  });

  it('resolves relative credential files against configDir', async () => {
    file('relative-token', 'rel');
    const target = notifier(
      { url: sink.url, http_config: { authorization: { credentials_file: 'relative-token' } } },
      { configDir: dir },
    );
    expect((await send(target)).ok).toBe(true);
    expect(sink.requests[0]!.headers.authorization).toBe('Bearer rel');
  });

  it('sends basic auth from password or password_file', async () => {
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    expect(
      await authorizationOf({
        http_config: { basic_auth: { username: 'phoenix', password: 'pw' } },
      }),
    ).toBe(basic('phoenix', 'pw'));
    const path = file('password', 'file-pw\n');
    expect(
      await authorizationOf({
        http_config: { basic_auth: { username: 'phoenix', password_file: path } },
      }),
    ).toBe(basic('phoenix', 'file-pw'));
  });

  it("turns URL credentials into basic auth, which win over http_config's, as in Go", async () => {
    const url = new URL(sink.url);
    url.username = 'u%40x';
    url.password = 'p%3Aw';
    const result = await send(
      notifier({ url: `${url.href}hook`, http_config: { bearer_token: 'ignored' } }),
    );
    expect(result.ok).toBe(true);
    expect(sink.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('u@x:p:w').toString('base64')}`,
    );
    expect(sink.requests[0]!.url).toBe('/hook');
  });

  it('reports an unreadable credentials file as retryable, without sending', async () => {
    const result = await send(
      notifier({
        url: sink.url,
        http_config: { authorization: { credentials_file: join(dir, 'missing') } },
      }),
    );
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    expect(!result.ok && result.message).toMatch(/unable to read authorization credentials/);
    expect(sink.requests).toHaveLength(0);
  });
});

describe('url_file', () => {
  it('is read at every delivery, trimmed', async () => {
    const path = file('url', `${sink.url}/first\n`);
    const target = notifier({ url_file: path });
    await send(target);
    writeFileSync(path, `${sink.url}/second`);
    await send(target);
    expect(sink.requests.map((r) => r.url)).toEqual(['/first', '/second']);
  });

  it('fails without retry when unreadable, and never quotes a bad URL', async () => {
    const missing = await send(notifier({ url_file: join(dir, 'no-such-file') }));
    expect(missing).toMatchObject({ ok: false, retryable: false, reason: 'client' });
    const bad = await send(notifier({ url_file: file('bad-url', 'ftp://x/s3cret-path') }));
    expect(bad).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      message: 'webhook: url_file does not hold an http(s) URL',
    });
  });
});

describe('outcomes', () => {
  it('quotes the start of an error body', async () => {
    sink.respond({ status: 500, body: `upstream exploded\n${'x'.repeat(2000)}` });
    const result = await send(notifier({ url: sink.url }));
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'server', statusCode: 500 });
    const message = result.ok ? '' : result.message;
    expect(message).toMatch(/^webhook: unexpected status code 500: upstream exploded x+…$/);
    expect(message.length).toBeLessThan(600);
  });

  it('honours Retry-After on 503 too', async () => {
    sink.respond({ status: 503, headers: { 'retry-after': '12' } });
    expect(await send(notifier({ url: sink.url }))).toMatchObject({
      reason: 'server',
      retryAfterMs: 12_000,
    });
  });

  it('times out after `timeout`, retryably', async () => {
    sink.respond('hang');
    const startedAt = Date.now();
    const result = await send(notifier({ url: sink.url, timeout: '150ms' }));
    expect(result).toEqual({
      ok: false,
      retryable: true,
      reason: 'timeout',
      message: 'webhook: no response within 150ms',
    });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("times out on the pipeline's clock", async () => {
    sink.respond('hang');
    const clock = new FakeClock(Date.UTC(2024, 0, 1));
    const target = notifier({ url: sink.url });
    target.start({
      clock,
      logger: pino({ enabled: false }),
      store: createMemoryStore(),
      events: createPipelineEvents(),
    });
    const received = sink.nextRequest();
    const pending = send(target);
    await received;
    await clock.advance(9_999);
    let settled: DeliveryResult | undefined;
    void pending.then((result) => (settled = result));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBeUndefined();
    await clock.advance(1);
    expect(await pending).toMatchObject({ ok: false, reason: 'timeout', retryable: true });
  });

  it('follows redirects by default, and reports them as client errors when told not to', async () => {
    sink.respond((request) =>
      request.url === '/old'
        ? { status: 307, headers: { location: `${sink.url}/new` } }
        : { status: 200 },
    );
    expect((await send(notifier({ url: `${sink.url}/old` }))).ok).toBe(true);
    expect(sink.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /old', 'POST /new']);
    const result = await send(
      notifier({ url: `${sink.url}/old`, http_config: { follow_redirects: false } }),
    );
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      reason: 'client',
      statusCode: 307,
    });
  });

  it('re-sends a POST answered by 303 as a GET without a body, as fetch did', async () => {
    sink.respond((request) =>
      request.url === '/old' ? { status: 303, headers: { location: '/new' } } : { status: 200 },
    );
    expect((await send(notifier({ url: `${sink.url}/old` }))).ok).toBe(true);
    expect(sink.requests.map((r) => `${r.method} ${r.url} ${r.body.length}`)).toEqual([
      expect.stringMatching(/^POST \/old [1-9]\d*$/),
      'GET /new 0',
    ]);
  });

  it('drops credentials when a redirect leaves the origin, and sends the same body', async () => {
    const other = await startSink();
    try {
      sink.respond({ status: 308, headers: { location: `${other.url}/elsewhere` } });
      const target = notifier({ url: `${sink.url}/hook`, http_config: { bearer_token: 'tok' } });
      expect(await send(target)).toEqual({ ok: true, statusCode: 200 });
      expect(sink.requests[0]!.headers.authorization).toBe('Bearer tok');
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
      expect(other.requests[0]!.body).toBe(sink.requests[0]!.body);
    } finally {
      await other.close();
    }
  });

  it('is canceled, and sends nothing, once stopped', async () => {
    const target = notifier({ url: sink.url });
    await target.stop();
    await target.stop();
    expect(await send(target)).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });
    expect(sink.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  const secrets = ['url-s3cret', 'path-s3cret', 'query-s3cret', 'bearer-s3cret', 'file-s3cret'];

  function secretNotifier(base: string, logger: WebhookNotifierOptions['logger']) {
    const url = new URL(base);
    url.username = 'user';
    url.password = 'url-s3cret';
    return notifier(
      {
        url: `${url.href}hooks/path-s3cret?token=query-s3cret`,
        http_config: { authorization: { credentials_file: file('secret-token', 'file-s3cret') } },
      },
      { logger },
    );
  }

  it('keeps URL credentials, path tokens and file secrets out of errors and logs', async () => {
    const logs = captureLogs();
    const results: DeliveryResult[] = [];
    // An error page that quotes the request, as Express's `Cannot POST /path` does.
    sink.respond((request) => ({
      status: 500,
      body: `Cannot POST ${request.url} auth=${request.headers.authorization}`,
    }));
    results.push(await send(secretNotifier(sink.url, logs.logger)));
    sink.respond({ status: 401, body: 'bad token' });
    results.push(await send(secretNotifier(sink.url, logs.logger)));
    results.push(await send(secretNotifier(`http://127.0.0.1:${await closedPort()}`, logs.logger)));
    sink.respond('hang');
    const timingOut = secretNotifier(sink.url, logs.logger);
    const controller = new AbortController();
    const received = sink.nextRequest();
    const pending = send(timingOut, controller.signal);
    await received;
    controller.abort();
    results.push(await pending);

    expect(results.map((r) => !r.ok && r.reason)).toEqual([
      'server',
      'auth',
      'network',
      'canceled',
    ]);
    const messages = results.map((r) => (r.ok ? '' : r.message)).join('\n');
    expect(messages).toContain('<redacted>');
    expect(messages).toMatch(/ECONNREFUSED/);
    for (const secret of secrets) {
      expect(messages).not.toContain(secret);
      expect(logs.text()).not.toContain(secret);
    }
    expect(messages).not.toContain('127.0.0.1:' + new URL(sink.url).port + '/hooks');
    expect(logs.text()).toContain('webhook: delivery failed');
  });

  it('logs truncation without secrets', async () => {
    const logs = captureLogs();
    await send(
      notifier({ url: `${sink.url}/hooks/path-s3cret`, max_alerts: 1 }, { logger: logs.logger }),
    );
    expect(logs.text()).toContain('"truncatedAlerts":2');
    expect(logs.text()).not.toContain('path-s3cret');
  });

  it("uses the pipeline's logger when given none", async () => {
    const logs = captureLogs();
    const target = notifier({ url: sink.url });
    target.start({
      clock: systemClock,
      logger: logs.logger,
      store: createMemoryStore(),
      events: createPipelineEvents(),
    });
    await send(target);
    expect(logs.text()).toContain('webhook: delivered');
  });
});

describe('the connection', () => {
  /** A server answering every request with `body`, counting the connections it was sent on. */
  async function startBodyServer(body: string, options: { hangAfterHead?: boolean } = {}) {
    let connections = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-length': String(body.length + 1) });
        response.write(body);
        // Otherwise the last byte goes too.
        if (!options.hangAfterHead) response.end('.');
      });
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: () => connections,
      close: () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      },
    };
  }

  it('reads 2xx bodies to the end, so that one connection carries every delivery', async () => {
    const server = await startBodyServer('x'.repeat(200_000));
    try {
      const target = notifier({ url: server.url });
      for (let i = 0; i < 3; i++) {
        expect(await send(target)).toEqual({ ok: true, statusCode: 200 });
        // undici frees the connection just after the body ends (fetch's did the same).
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('is canceled, or times out, while the response body is still arriving', async () => {
    const server = await startBodyServer('partial', { hangAfterHead: true });
    try {
      const controller = new AbortController();
      const pending = send(notifier({ url: server.url }), controller.signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      expect(await pending).toMatchObject({ ok: false, retryable: false, reason: 'canceled' });
      expect(await send(notifier({ url: server.url, timeout: '100ms' }))).toMatchObject({
        ok: false,
        retryable: true,
        reason: 'timeout',
      });
    } finally {
      await server.close();
    }
  });
});
