// The fake Events API, seen through PagerDuty's own SDK (@pagerduty/pdjs): pdjs only takes a host
// (`server`) and always posts to `https://<server>/v2/enqueue`, so the fake runs over TLS with a
// certificate made at test time, and pdjs gets an agent that trusts it. These tests also pin down
// why the notifier posts events itself instead of through pdjs.
import { Agent } from 'node:https';
import { event } from '@pagerduty/pdjs';
import type { EventParameters } from '@pagerduty/pdjs/build/src/events.js';
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
let certificate: SelfSignedCertificate;
let fake: FakePagerDuty;
let agent: Agent;

beforeAll(async () => {
  certificate = createSelfSignedCertificate();
  fake = await startFakePagerDuty({ tls: certificate });
  agent = new Agent({ ca: certificate.cert });
});
afterAll(async () => {
  agent.destroy();
  await fake.close();
});

/** pdjs passes unknown options on to node-fetch, which takes an `agent`. */
const send = (data: EventParameters['data'], extra: Record<string, unknown> = {}) =>
  event({ server: fake.host, data, agent, ...extra } as EventParameters);

describe('the fake Events API through @pagerduty/pdjs', () => {
  it('accepts a valid trigger with 202 and the dedup key', async () => {
    const response = await send({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'inc-42',
      payload: { summary: 'Disk full', source: 'db-1', severity: 'critical' },
    });
    expect(response.status).toBe(202);
    expect(response.data).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'inc-42',
    });
    expect(fake.events.at(-1)!.headers['user-agent']).toMatch(/^pdjs\//);
  });

  it('refuses an invalid event with 400 and the errors', async () => {
    const response = await send({
      routing_key: 'too-short',
      event_action: 'trigger',
      payload: { summary: '', source: 'db-1', severity: 'fatal' as 'critical' },
    });
    expect(response.status).toBe(400);
    expect(response.data).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [
        "Length of 'routing_key' is incorrect (should be 32 characters)",
        "'payload.summary' is missing or blank",
        "'payload.severity' must be one of critical, error, warning or info",
      ],
    });
  });

  it('generates a dedup key when the event has none', async () => {
    const response = await send({
      routing_key: KEY,
      event_action: 'trigger',
      payload: { summary: 'x', source: 'y', severity: 'info' },
    });
    expect(response.data.dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('pdjs retries a 429 by itself (up to 4 requests per call), so the notifier does not use it', async () => {
    const before = fake.events.length;
    const throttled = {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '60' },
      body: '{"status":"throttle event"}',
    };
    fake.enqueue(throttled, throttled, throttled, throttled);
    const response = await send(
      {
        routing_key: KEY,
        event_action: 'trigger',
        payload: { summary: 'x', source: 'y', severity: 'info' },
      },
      { retryTimeout: 1 },
    );
    expect(response.status).toBe(429);
    expect(fake.events.length - before).toBe(4);
  });

  it('pdjs loses the status of an error answered without JSON', async () => {
    fake.enqueue({ status: 502, body: '<html>Bad Gateway</html>' });
    await expect(
      send({
        routing_key: KEY,
        event_action: 'trigger',
        payload: { summary: 'x', source: 'y', severity: 'info' },
      }),
    ).rejects.toThrow(/json/i);
  });
});

describe('the notifier over TLS', () => {
  it('verifies the server against tls_config.ca_file and delivers', async () => {
    const notifier = createPagerDutyNotifier({
      routing_key: KEY,
      url: `${fake.url}/v2/enqueue`,
      http_config: { tls_config: { ca_file: certificate.certFile } },
    });
    const notification = buildNotification([buildAlert()], {
      incident: {
        id: 'inc-tls',
        number: 1,
        title: 'TLS',
        severity: 'warning',
        status: 'new',
        event: 'triggered',
        level: 1,
        recipients: [],
      },
    });
    const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' };
    expect(await notifier.notify(notification, options)).toEqual({ ok: true, statusCode: 202 });
    await notifier.stop();

    const untrusting = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
    const refused = await untrusting.notify(notification, options);
    expect(refused).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    expect(refused.ok ? '' : refused.message).toMatch(/self[- ]signed/i);
    await untrusting.stop();
  });
});
