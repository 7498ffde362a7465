import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createSelfSignedCertificate, FakeClock } from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthCheckSource } from './healthcheck-source.js';
import { httpCheck } from './http-check.js';
import type { HttpCheckConfig } from './options.js';
import { createHarness } from './test-kit.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let handler: Handler = (_request, _body, response) => response.end('ok');
const received: {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}[] = [];
const onRequest = (request: IncomingMessage, response: ServerResponse) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    received.push({ method: request.method, url: request.url, headers: request.headers, body });
    handler(request, body, response);
  });
};

const server = createServer(onRequest);
let base = '';
let tlsDir = '';
let certificateFile = '';
let tlsBase = '';
let certificatePem = '';
let certificateExpiresAt = 0;
const tlsServer = { close: (done: () => void) => done() } as { close: (done: () => void) => void };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A self-signed certificate made for this run, valid for 30 days.
  const certificate = createSelfSignedCertificate({ days: 30 });
  tlsDir = dirname(certificate.certFile);
  certificateFile = certificate.certFile;
  certificatePem = certificate.cert;
  certificateExpiresAt = Date.parse(new X509Certificate(certificatePem).validTo);
  const https = createHttpsServer({ key: certificate.key, cert: certificatePem }, onRequest);
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  tlsBase = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  tlsServer.close = (done) => https.close(() => done());
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => tlsServer.close(resolve));
  rmSync(tlsDir, { recursive: true, force: true });
});

const run = (config: Omit<HttpCheckConfig, 'type' | 'name'>, clock = new FakeClock()) =>
  httpCheck({ type: 'http', name: 'web', ...config }, clock)(new AbortController().signal);

describe('http check', () => {
  it('passes on a 2xx by default, and sends method, headers and body', async () => {
    handler = (_request, _body, response) => response.end('ok');
    received.length = 0;
    const result = await run({
      url: `${base}/health?deep=1`,
      method: 'post',
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      body: '{"probe":true}',
    });
    expect(result).toEqual({ ok: true, message: 'status 200 in 0s' });
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/health?deep=1',
      headers: { authorization: 'Bearer s3cret' },
      body: '{"probe":true}',
    });
  });

  it('fails on an unexpected status, and accepts the listed ones', async () => {
    handler = (_request, _body, response) => {
      response.statusCode = 503;
      response.end('down');
    };
    expect(await run({ url: base })).toEqual({
      ok: false,
      message: 'status 503, expected 200-299',
    });
    expect(await run({ url: base, expectedStatus: [200, '500-503'] })).toMatchObject({ ok: true });
    expect(await run({ url: base, expectedStatus: ['4xx', 200] })).toEqual({
      ok: false,
      message: 'status 503, expected 400-499, 200',
    });
  });

  it('matches the body as a substring or a Go regular expression', async () => {
    handler = (_request, _body, response) => response.end('{"status":"degraded","agents":12}');
    expect(await run({ url: base, bodyContains: '"agents":12' })).toMatchObject({ ok: true });
    expect(await run({ url: base, bodyMatches: '"status":"(ok|healthy)"' })).toEqual({
      ok: false,
      message: 'body does not match "\\"status\\":\\"(ok|healthy)\\""',
    });
    expect(
      await run({ url: base, bodyMatches: '(?i)"STATUS":"degraded"', bodyContains: 'nope' }),
    ).toEqual({
      ok: false,
      message: 'body does not contain "nope"',
    });
  });

  it('reads at most maxBodyBytes of the body', async () => {
    handler = (_request, _body, response) => response.end(`${'x'.repeat(100)}needle`);
    expect(await run({ url: base, bodyContains: 'needle', maxBodyBytes: 50 })).toMatchObject({
      ok: false,
    });
    expect(await run({ url: base, bodyContains: 'needle', maxBodyBytes: 200 })).toMatchObject({
      ok: true,
    });
  });

  it('fails when the response takes longer than maxLatencyMs (time from the clock)', async () => {
    const clock = new FakeClock();
    let respond!: () => void;
    const arrived = new Promise<void>((resolve) => {
      handler = (_request, _body, response) => {
        respond = () => response.end('ok');
        resolve();
      };
    });
    const pending = run({ url: base, maxLatencyMs: 2_000 }, clock);
    await arrived;
    await clock.advance(2_500);
    respond();
    expect(await pending).toEqual({ ok: false, message: 'took 2s500ms, more than 2s' });
  });

  it('names the URL without its credentials or query when the connection fails', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = run({ url: `http://user:hunter2@127.0.0.1:${port}/health?token=abc` });
    await expect(result).rejects.toThrow(
      `GET http://127.0.0.1:${port}/health: connect ECONNREFUSED`,
    );
    await expect(result).rejects.not.toThrow(/hunter2|token/);
  });

  describe('https', () => {
    it('verifies the server against the configured CA and reads the certificate expiry', async () => {
      handler = (_request, _body, response) => response.end('ok');
      const clock = new FakeClock(certificateExpiresAt - 20 * 86_400_000);
      expect(
        await run({ url: tlsBase, tls: { ca: certificatePem, expiryWarningDays: 14 } }, clock),
      ).toMatchObject({ ok: true });
    });

    it('warns when the certificate expires within expiryWarningDays', async () => {
      const clock = new FakeClock(certificateExpiresAt - 5 * 86_400_000);
      const caFile = certificateFile;
      expect(await run({ url: tlsBase, tls: { caFile, expiryWarningDays: 14 } }, clock)).toEqual({
        ok: false,
        message: `certificate expires at ${new Date(certificateExpiresAt).toISOString()}, in 5.0 days (warning at 14)`,
      });
      const later = new FakeClock(certificateExpiresAt + 1_000);
      expect(
        await run({ url: tlsBase, tls: { ca: certificatePem, expiryWarningDays: 14 } }, later),
      ).toMatchObject({ ok: false, message: expect.stringMatching(/^certificate expired at /) });
    });

    it('refuses an untrusted certificate unless insecureSkipVerify', async () => {
      await expect(run({ url: tlsBase })).rejects.toThrow(/self[- ]signed certificate/);
      expect(await run({ url: tlsBase, tls: { insecureSkipVerify: true } })).toMatchObject({
        ok: true,
      });
    });

    it('checks the name against serverName', async () => {
      await expect(
        run({ url: tlsBase, tls: { ca: certificatePem, serverName: 'other.example' } }),
      ).rejects.toThrow(/other\.example/);
      expect(
        await run({ url: tlsBase, tls: { ca: certificatePem, serverName: 'localhost' } }),
      ).toMatchObject({ ok: true });
    });
  });

  it('as a source: times out a hanging server and closes the connection', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const arrived = new Promise<void>((resolve) => {
      handler = (request) => {
        request.socket.once('close', () => closed());
        resolve();
      };
    });
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'http',
          name: 'web',
          url: base,
          timeoutMs: 1_000,
          intervalMs: 10_000,
          failureThreshold: 1,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(0);
    await arrived;
    await h.step(source, 1_000);
    await connectionClosed;
    expect(source.status()[0]).toMatchObject({
      state: 'firing',
      lastResult: { ok: false, message: 'timed out after 1s' },
    });
    expect(h.emitted[0]!.labels).toEqual({ alertname: 'web', healthcheck: 'web' });
    await source.stop();
  });

  it('as a source: a body that stops half-way times out, and the next run goes ahead', async () => {
    const arrived = new Promise<void>((resolve) => {
      handler = (_request, _body, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('partial');
        resolve();
      };
    });
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'http',
          name: 'web',
          url: base,
          timeoutMs: 1_000,
          intervalMs: 10_000,
          failureThreshold: 1,
        },
      ],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(0);
    await arrived;
    await h.step(source, 1_000);
    expect(source.status()[0]).toMatchObject({
      state: 'firing',
      lastResult: { message: 'timed out after 1s' },
    });
    handler = (_request, _body, response) => response.end('ok');
    await h.step(source, 9_000);
    expect(source.status()[0]).toMatchObject({ state: 'ok', lastResult: { ok: true } });
    expect(h.emitted.map((alert) => alert.endsAt)).toEqual([expect.any(Number), h.clock.now()]);
    await source.stop();
  });

  it('as a source: stop aborts the request in flight', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const arrived = new Promise<void>((resolve) => {
      handler = (request) => {
        request.socket.once('close', () => closed());
        resolve();
      };
    });
    const source = createHealthCheckSource({
      checks: [{ type: 'http', name: 'web', url: base, failureThreshold: 1 }],
    });
    const h = createHarness();
    await source.start(h.context);
    await h.clock.advance(0);
    await arrived;
    await source.stop();
    await connectionClosed;
    expect(h.emitted).toEqual([]);
  });

  it('as a source: never logs or reports header values or URL credentials', async () => {
    handler = (_request, _body, response) => {
      response.statusCode = 500;
      response.end('{"error":"boom"}');
    };
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const source = createHealthCheckSource({
      checks: [
        {
          type: 'http',
          name: 'web',
          url: `${base.replace('http://', 'http://probe:pa55word@')}/health?api_key=k3y`,
          headers: { authorization: 'Bearer t0psecret' },
          failureThreshold: 1,
        },
        {
          type: 'http',
          name: 'down',
          url: 'http://probe:pa55word@127.0.0.1:1/health?api_key=k3y',
          headers: { authorization: 'Bearer t0psecret' },
          failureThreshold: 1,
        },
      ],
    });
    const h = createHarness({ logger });
    await source.start(h.context);
    await h.step(source, 0);
    await source.stop();
    expect(h.emitted).toHaveLength(2);
    expect(lines.join('\n')).toContain('health check alert firing');
    const everything = JSON.stringify([lines, h.emitted, source.status()]);
    for (const secret of ['t0psecret', 'pa55word', 'k3y']) expect(everything).not.toContain(secret);
  });
});
