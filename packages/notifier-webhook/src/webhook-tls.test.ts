// tls_config and proxy_url against real HTTPS servers on 127.0.0.1, with a throwaway CA made by
// the openssl CLI at test time.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAlerts, buildNotification } from '@phoenix-alerting/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, startConnectProxy, startSink } from './test-servers.js';
import type { Certificates, Proxy, Sink } from './test-servers.js';
import type { WebhookConfigInput } from './webhook-config.js';
import { createWebhookNotifier } from './webhook-notifier.js';
import type { WebhookNotifier } from './webhook-notifier.js';

const notification = buildNotification(buildAlerts(1));

let certs: Certificates;
let server: Sink;
let named: Sink;
let mutual: Sink;
const notifiers: WebhookNotifier[] = [];

beforeAll(async () => {
  certs = makeCertificates();
  const { files, read } = certs;
  server = await startSink({ cert: read(files.serverCert), key: read(files.serverKey) });
  named = await startSink({ cert: read(files.namedCert), key: read(files.namedKey) });
  mutual = await startSink({
    cert: read(files.serverCert),
    key: read(files.serverKey),
    ca: read(files.ca),
    requestCert: true,
    rejectUnauthorized: true,
  });
}, 30_000);
afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((notifier) => notifier.stop()));
});
afterAll(async () => {
  await Promise.all([server, named, mutual].map((sink) => sink?.close()));
  certs?.remove();
});

async function send(config: WebhookConfigInput) {
  const notifier = createWebhookNotifier(config);
  notifiers.push(notifier);
  return notifier.notify(notification, {
    signal: new AbortController().signal,
    attempt: 1,
    idempotencyKey: 'test-key',
  });
}

describe('tls_config', () => {
  it('verifies the server with ca_file', async () => {
    const result = await send({
      url: `${server.url}/hook`,
      http_config: { tls_config: { ca_file: certs.files.ca } },
    });
    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(server.requests.at(-1)!.url).toBe('/hook');
  });

  it('rejects an unknown CA as a retryable network failure, as Go does', async () => {
    const result = await send({ url: server.url });
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    expect(!result.ok && result.message).toMatch(/certificate/i);
  });

  it('accepts any certificate with insecure_skip_verify', async () => {
    const result = await send({
      url: server.url,
      http_config: { tls_config: { insecure_skip_verify: true } },
    });
    expect(result.ok).toBe(true);
  });

  it('checks the certificate against server_name instead of the URL host', async () => {
    const withName = await send({
      url: named.url,
      http_config: { tls_config: { ca_file: certs.files.ca, server_name: 'phoenix.test' } },
    });
    expect(withName.ok).toBe(true);
    const without = await send({
      url: named.url,
      http_config: { tls_config: { ca_file: certs.files.ca } },
    });
    expect(without).toMatchObject({ ok: false, reason: 'network' });
  });

  it('shows the client certificate to a server that asks for one (mutual TLS)', async () => {
    const result = await send({
      url: mutual.url,
      http_config: {
        tls_config: {
          ca_file: certs.files.ca,
          cert_file: certs.files.clientCert,
          key_file: certs.files.clientKey,
        },
      },
    });
    expect(result.ok).toBe(true);
    expect(mutual.requests.at(-1)!.clientCN).toBe('phoenix-client');
    const anonymous = await send({
      url: mutual.url,
      http_config: { tls_config: { ca_file: certs.files.ca } },
    });
    expect(anonymous).toMatchObject({ ok: false, retryable: true, reason: 'network' });
  });

  it('honours min_version and max_version', async () => {
    const tls13 = await send({
      url: server.url,
      http_config: { tls_config: { ca_file: certs.files.ca, min_version: 'TLS13' } },
    });
    expect(tls13.ok).toBe(true);
    const tls11 = await send({
      url: server.url,
      http_config: { tls_config: { ca_file: certs.files.ca, max_version: 'TLS11' } },
    });
    expect(tls11).toMatchObject({ ok: false, reason: 'network' });
  });

  it('reloads changed TLS files before a request (Alertmanager 0.25)', async () => {
    const ca = join(certs.dir, 'rotating-ca.pem');
    copyFileSync(certs.files.otherCa, ca);
    const notifier = createWebhookNotifier({
      url: server.url,
      http_config: { tls_config: { ca_file: ca } },
    });
    notifiers.push(notifier);
    const signal = new AbortController().signal;
    expect(
      (await notifier.notify(notification, { signal, attempt: 1, idempotencyKey: 'test-key' })).ok,
    ).toBe(false);
    copyFileSync(certs.files.ca, ca);
    expect(
      (await notifier.notify(notification, { signal, attempt: 2, idempotencyKey: 'test-key' })).ok,
    ).toBe(true);
  });

  it('refuses unusable TLS files when created', () => {
    expect(() =>
      createWebhookNotifier({
        url: server.url,
        http_config: { tls_config: { ca_file: certs.files.serverKey } },
      }),
    ).toThrow(/unable to use specified CA cert/);
    expect(() =>
      createWebhookNotifier({
        url: server.url,
        http_config: {
          tls_config: { cert_file: certs.files.clientCert, key_file: certs.files.serverKey },
        },
      }),
    ).toThrow(/unable to use specified client cert .* & key/);
  });
});

describe('proxy_url', () => {
  let proxy: Proxy;
  beforeAll(async () => {
    proxy = await startConnectProxy();
  });
  afterAll(() => proxy.close());

  it('tunnels HTTPS through the proxy with its credentials, keeping TLS settings', async () => {
    const result = await send({
      url: `${server.url}/via-proxy`,
      http_config: {
        proxy_url: proxy.url.replace('http://', 'http://proxy-user:proxy-s3cret@'),
        tls_config: { ca_file: certs.files.ca },
      },
    });
    expect(result.ok).toBe(true);
    expect(server.requests.at(-1)!.url).toBe('/via-proxy');
    expect(proxy.connects.at(-1)).toEqual({
      target: `127.0.0.1:${server.port}`,
      authorization: `Basic ${Buffer.from('proxy-user:proxy-s3cret').toString('base64')}`,
    });
  });

  it('keeps the proxy password out of failure messages', async () => {
    server.respond({ status: 500, body: 'proxy-s3cret' });
    const result = await send({
      url: server.url,
      http_config: {
        proxy_url: proxy.url.replace('http://', 'http://proxy-user:proxy-s3cret@'),
        tls_config: { ca_file: certs.files.ca },
      },
    });
    server.respond({});
    expect(result).toMatchObject({ ok: false, reason: 'server' });
    expect(!result.ok && result.message).not.toContain('proxy-s3cret');
  });
});
