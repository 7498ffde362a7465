// http_config.proxy_url: https targets through a CONNECT tunnel, http targets in absolute form,
// with the proxy's credentials sent as Proxy-Authorization and kept out of messages.
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import {
  buildAlert,
  buildNotification,
  createSelfSignedCertificate,
} from '@phoenix-alerting/core/testing';
import type { SelfSignedCertificate } from '@phoenix-alerting/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagerDutyNotifier } from './pagerduty-notifier.js';
import { startFakePagerDuty } from './testing/fake-pagerduty.js';
import type { FakePagerDuty } from './testing/fake-pagerduty.js';

const KEY = 'R0UTINGKEY0123456789abcdefABCDEF';
const seen: { method: string; target: string; auth?: string }[] = [];
let proxy: Server;
let proxyPort: number;
let certificate: SelfSignedCertificate;
let https: FakePagerDuty;
let http: FakePagerDuty;

beforeAll(async () => {
  certificate = createSelfSignedCertificate();
  https = await startFakePagerDuty({ tls: certificate });
  http = await startFakePagerDuty();
  proxy = createServer((request: IncomingMessage, response) => {
    // Absolute-form request for a plain http target: forward it.
    seen.push({
      method: request.method!,
      target: request.url!,
      auth: request.headers['proxy-authorization'],
    });
    const target = new URL(request.url!);
    const { 'proxy-authorization': _drop, ...headers } = request.headers;
    const upstream = httpRequest(target, { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    });
    request.pipe(upstream);
  });
  proxy.on('connect', (request: IncomingMessage, client: Socket) => {
    seen.push({
      method: 'CONNECT',
      target: request.url!,
      auth: request.headers['proxy-authorization'],
    });
    const [host, port] = request.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  proxyPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  proxy.closeAllConnections();
  proxy.close();
  await https.close();
  await http.close();
});

const notification = buildNotification([buildAlert()], {
  incident: {
    id: 'inc-p',
    number: 3,
    title: 'Via proxy',
    severity: 'info',
    status: 'new',
    event: 'triggered',
    level: 1,
    recipients: [],
  },
});
const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' };

describe('proxy_url', () => {
  it('tunnels https through CONNECT, with the proxy credentials', async () => {
    const notifier = createPagerDutyNotifier({
      routing_key: KEY,
      url: `${https.url}/v2/enqueue`,
      http_config: {
        proxy_url: `http://proxyuser:pr0xy-s3cret@127.0.0.1:${proxyPort}`,
        tls_config: { ca_file: certificate.certFile },
      },
    });
    expect(await notifier.notify(notification, options)).toEqual({ ok: true, statusCode: 202 });
    expect(seen.at(-1)).toEqual({
      method: 'CONNECT',
      target: https.host,
      auth: `Basic ${Buffer.from('proxyuser:pr0xy-s3cret').toString('base64')}`,
    });
    expect(https.events.at(-1)!.event!.dedup_key).toBe('inc-p');
    await notifier.stop();
  });

  it('sends http targets in absolute form to the proxy', async () => {
    const notifier = createPagerDutyNotifier({
      routing_key: KEY,
      url: `${http.url}/v2/enqueue`,
      http_config: { proxy_url: `http://127.0.0.1:${proxyPort}` },
    });
    expect(await notifier.notify(notification, options)).toEqual({ ok: true, statusCode: 202 });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      target: `${http.url}/v2/enqueue`,
      auth: undefined,
    });
    await notifier.stop();
  });

  it('reports a proxy that refuses the tunnel as a retryable network failure, without its password', async () => {
    const refusing = createServer();
    refusing.on('connect', (_request: IncomingMessage, client: Socket) =>
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'),
    );
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    const notifier = createPagerDutyNotifier({
      routing_key: KEY,
      url: `${https.url}/v2/enqueue`,
      http_config: {
        proxy_url: `http://u:pr0xy-s3cret@127.0.0.1:${(refusing.address() as AddressInfo).port}`,
      },
    });
    const result = await notifier.notify(notification, options);
    expect(result).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    expect(JSON.stringify(result)).toContain('407');
    expect(JSON.stringify(result)).not.toContain('pr0xy-s3cret');
    await notifier.stop();
    refusing.close();
  });
});
