import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as NodeCrypto from 'node:crypto';
import { Writable } from 'node:stream';
import { redactPaths } from '@phoenix-alerting/core';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearerTokenMatches } from './auth.js';
import { silenceBody, startServer } from './test-harness.js';
import type { Harness } from './test-harness.js';

const crypto = vi.hoisted(() => ({ compared: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      crypto.compared++;
      return actual.timingSafeEqual(a, b);
    },
  };
});

let harness: Harness;
afterEach(async () => {
  await harness?.server.stop();
});

const TOKEN = 'phoenix-test-token-1f9c';
const config = (auth: string) => `
route: { receiver: default }
receivers: [{ name: default }]
server:
  auth: ${auth}
`;
const alert = [{ labels: { alertname: 'A' } }];

describe('bearerTokenMatches', () => {
  it('compares SHA-256 digests in constant time, whatever the lengths', () => {
    const before = crypto.compared;
    expect(bearerTokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches('Bearer x', TOKEN)).toBe(false); // shorter
    expect(bearerTokenMatches(`Bearer ${TOKEN}${TOKEN}`, TOKEN)).toBe(false); // longer
    expect(bearerTokenMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(bearerTokenMatches(undefined, TOKEN)).toBe(false);
    expect(bearerTokenMatches('Bearer ', TOKEN)).toBe(false);
    // Every call compared digests, even for a missing or malformed header.
    expect(crypto.compared - before).toBe(7);
  });
});

describe('server.auth', () => {
  it('requires the bearer token on every write endpoint and leaves reads open', async () => {
    harness = await startServer({ configText: config(`{ bearer_token: ${TOKEN} }`) });
    const good = { authorization: `Bearer ${TOKEN}` };

    const refused = await harness.post('/api/v2/alerts', alert);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(refused.json()).toEqual({
      code: 401,
      message: 'unauthorized: this endpoint requires a bearer token',
    });
    expect(
      (await harness.post('/api/v2/alerts', alert, { authorization: 'Bearer nope' })).statusCode,
    ).toBe(401);
    expect(
      (await harness.post('/api/v2/alerts', alert, { authorization: `Basic ${TOKEN}` })).statusCode,
    ).toBe(401);
    expect((await harness.post('/api/v2/alerts', alert, good)).statusCode).toBe(200);

    expect((await harness.post('/api/v2/silences', silenceBody({ a: 'b' }))).statusCode).toBe(401);
    const created = await harness.post('/api/v2/silences', silenceBody({ a: 'b' }), good);
    expect(created.statusCode).toBe(200);
    const url = `/api/v2/silence/${created.json().silenceID}`;
    expect((await harness.inject({ method: 'DELETE', url })).statusCode).toBe(401);
    expect((await harness.inject({ method: 'DELETE', url, headers: good })).statusCode).toBe(200);
    expect((await harness.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(401);
    expect((await harness.inject({ method: 'PUT', url: '/-/reload' })).statusCode).toBe(401);
    expect(
      (await harness.inject({ method: 'POST', url: '/-/reload', headers: good })).statusCode,
    ).toBe(200);

    for (const read of [
      '/api/v2/alerts',
      '/api/v2/alerts/groups',
      '/api/v2/silences',
      '/api/v2/status',
      '/api/v2/receivers',
      '/metrics',
      '/-/healthy',
      '/-/ready',
    ])
      expect((await harness.get(read)).statusCode).toBe(200);
    expect(await harness.json('/api/v2/alerts')).toHaveLength(1);
  });

  it('refuses before reading the body', async () => {
    harness = await startServer({ configText: config(`{ bearer_token: ${TOKEN} }`) });
    const response = await harness.inject({
      method: 'POST',
      url: '/api/v2/alerts',
      headers: { 'content-type': 'application/json' },
      payload: '{ not even json',
    });
    expect(response.statusCode).toBe(401);
  });

  it('reads bearer_token_file relative to the configuration file, trimmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-auth-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    writeFileSync(join(dir, 'phoenix.yml'), config('{ bearer_token_file: token }'));
    harness = await startServer({ configFile: join(dir, 'phoenix.yml') });
    expect((await harness.post('/api/v2/alerts', alert)).statusCode).toBe(401);
    const ok = await harness.post('/api/v2/alerts', alert, { authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
  });

  it('leaves writes open when no auth is configured, as Alertmanager', async () => {
    harness = await startServer({
      configText: 'route: { receiver: x }\nreceivers: [{ name: x }]\n',
    });
    expect((await harness.post('/api/v2/alerts', alert)).statusCode).toBe(200);
  });

  it('never logs the token, even at debug level', async () => {
    let logged = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logged += chunk.toString();
        callback();
      },
    });
    const logger = pino(
      { level: 'debug', redact: { paths: [...redactPaths], censor: '[REDACTED]' } },
      stream,
    );
    harness = await startServer({ configText: config(`{ bearer_token: ${TOKEN} }`), logger });
    await harness.post('/api/v2/alerts', alert, { authorization: `Bearer ${TOKEN}` });
    await harness.post('/api/v2/alerts', alert, { authorization: `Bearer ${TOKEN}x` });
    await harness.inject({
      method: 'POST',
      url: '/-/reload',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await harness.get('/api/v2/status');
    expect(logged).toContain('write request refused');
    expect(logged).toContain('request completed');
    expect(logged).not.toContain(TOKEN);
  });
});
