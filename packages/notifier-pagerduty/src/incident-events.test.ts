import type { IncidentEvent, IncidentStatus, NotificationIncident } from '@phoenix-alerting/core';
import { buildAlert, buildNotification, FakeClock } from '@phoenix-alerting/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPagerDutyNotifier } from './pagerduty-notifier.js';
import { startFakePagerDuty } from './testing/fake-pagerduty.js';
import type { FakePagerDuty } from './testing/fake-pagerduty.js';

const KEY = 'R0UTINGKEY0123456789abcdefABCDEF';
const PLATFORM_KEY = 'PLATF0RMKEY0123456789abcdefABCDE';

function incident(overrides: Partial<NotificationIncident> = {}): NotificationIncident {
  return {
    id: 'inc-01HZX3',
    number: 1234,
    title: 'Database down',
    severity: 'critical',
    status: 'new',
    event: 'triggered',
    level: 1,
    recipients: [{ name: 'alice', pagerduty: 'PALICE1' }],
    url: 'http://phoenix.example.com/incidents/inc-01HZX3',
    ...overrides,
  };
}

function incidentNotification(overrides: Partial<NotificationIncident> = {}, team = 'platform') {
  return buildNotification(
    [
      buildAlert({
        labels: { alertname: 'DatabaseDown', instance: 'db-1', team, service: 'postgres' },
        annotations: { runbook_url: 'https://runbooks.example.com/db-down' },
      }),
    ],
    { incident: incident(overrides) },
  );
}

let fake: FakePagerDuty;
beforeEach(async () => {
  fake = await startFakePagerDuty();
});
afterEach(() => fake.close());

const deliver = (
  notifier: ReturnType<typeof createPagerDutyNotifier>,
  notification = incidentNotification(),
) =>
  notifier.notify(notification, {
    signal: new AbortController().signal,
    attempt: 1,
    idempotencyKey: 'key-1',
  });

describe('incident pages', () => {
  it('triggers one alert keyed by the incident id, with severity, links and details', async () => {
    const notifier = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
    const result = await deliver(notifier);
    expect(result).toEqual({ ok: true, statusCode: 202 });
    expect(fake.events).toHaveLength(1);
    const event = fake.events[0]!.event!;
    expect(event).toMatchObject({
      routing_key: KEY,
      dedup_key: 'inc-01HZX3',
      event_action: 'trigger',
      client: 'Phoenix Alerting',
      client_url: 'http://phoenix.example.com/incidents/inc-01HZX3',
      payload: {
        summary: '[#1234] Database down',
        source: 'db-1',
        severity: 'critical',
        component: 'postgres',
        group: 'platform',
        class: 'DatabaseDown',
        timestamp: '2024-01-01T00:00:00.000Z',
        custom_details: {
          incident_id: 'inc-01HZX3',
          incident_number: '1234',
          level: '1',
          paged: 'alice',
          status: 'new',
        },
      },
    });
    expect(event.links).toEqual([
      { href: 'http://phoenix.example.com/incidents/inc-01HZX3', text: 'Incident #1234' },
      { href: 'https://runbooks.example.com/db-down', text: 'Runbook' },
    ]);
    expect(fake.events[0]!.headers['user-agent']).toMatch(/^Phoenix-Alerting\//);
    await notifier.stop();
  });

  const actions: [IncidentEvent, IncidentStatus, string][] = [
    ['triggered', 'new', 'trigger'],
    ['escalated', 'new', 'trigger'],
    ['reopened', 'new', 'trigger'],
    ['repeated', 'new', 'trigger'],
    ['acknowledged', 'acknowledged', 'acknowledge'],
    ['status-changed', 'mitigated', 'acknowledge'],
    ['status-changed', 'resolved', 'resolve'],
    ['resolved', 'resolved', 'resolve'],
  ];
  for (const [event, status, action] of actions) {
    it(`sends ${action} for a ${event} (${status}) incident, with the same dedup key`, async () => {
      const notifier = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
      expect((await deliver(notifier, incidentNotification({ event, status }))).ok).toBe(true);
      expect(fake.events[0]!.event).toMatchObject({
        event_action: action,
        dedup_key: 'inc-01HZX3',
      });
      await notifier.stop();
    });
  }

  for (const [severity, expected] of [
    ['critical', 'critical'],
    ['warning', 'warning'],
    ['info', 'info'],
    ['high', 'error'],
    ['page', 'error'],
  ]) {
    it(`maps severity ${severity} to ${expected}`, async () => {
      const notifier = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
      expect((await deliver(notifier, incidentNotification({ severity: severity! }))).ok).toBe(
        true,
      );
      expect(fake.events[0]!.event!.payload.severity).toBe(expected);
      await notifier.stop();
    });
  }

  it("routes a team's pages to its service from the pagerduty section, others to the default key", async () => {
    const notifier = createPagerDutyNotifier(
      { routing_key: KEY, url: `${fake.url}/v2/enqueue` },
      {
        section: {
          service_key: KEY,
          services: {
            platform: { name: 'Platform Alerts', id: 'PPLAT01', routing_key: PLATFORM_KEY },
            backend: { name: 'Backend Alerts', id: 'PBACK01' },
          },
        },
      },
    );
    await deliver(notifier, incidentNotification({}, 'platform'));
    await deliver(notifier, incidentNotification({}, 'backend'));
    await deliver(notifier, incidentNotification({}, 'unknown'));
    expect(fake.events.map((event) => event.event!.routing_key)).toEqual([PLATFORM_KEY, KEY, KEY]);
    await notifier.stop();
  });

  it('renders a templated routing key for incident pages too', async () => {
    const notifier = createPagerDutyNotifier({
      routing_key: `{{ if eq .CommonLabels.team "platform" }}${PLATFORM_KEY}{{ else }}${KEY}{{ end }}`,
      url: `${fake.url}/v2/enqueue`,
    });
    await deliver(notifier, incidentNotification({}, 'platform'));
    await deliver(notifier, incidentNotification({}, 'web'));
    expect(fake.events.map((event) => event.event!.routing_key)).toEqual([PLATFORM_KEY, KEY]);
    await notifier.stop();
  });

  it('reports a 400 invalid event with the API errors, not retryable and without the key', async () => {
    const notifier = createPagerDutyNotifier({
      routing_key: 'short-key',
      url: `${fake.url}/v2/enqueue`,
    });
    const result = await deliver(notifier);
    expect(result).toEqual({
      ok: false,
      retryable: false,
      reason: 'client',
      statusCode: 400,
      message:
        "pagerduty: unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)",
    });
    await notifier.stop();
  });

  it('reports 429 as rate-limited with Retry-After, and 500 as retryable', async () => {
    const notifier = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
    fake.enqueue(
      { status: 429, headers: { 'retry-after': '30' }, body: '{"status":"throttle event"}' },
      { status: 500, body: 'oops' },
    );
    expect(await deliver(notifier)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'rate-limited',
      statusCode: 429,
      retryAfterMs: 30_000,
    });
    expect(await deliver(notifier)).toMatchObject({
      ok: false,
      retryable: true,
      reason: 'server',
      statusCode: 500,
    });
    expect(await deliver(notifier)).toEqual({ ok: true, statusCode: 202 });
    await notifier.stop();
  });

  it('waits for a slow answer within the timeout, and refuses what is not JSON as PagerDuty does', async () => {
    const notifier = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
    fake.enqueue({ delayMs: 50 });
    expect(await deliver(notifier)).toEqual({ ok: true, statusCode: 202 });
    const response = await fetch(`${fake.url}/v2/enqueue`, { method: 'POST', body: 'not json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['Invalid JSON'],
    });
    await notifier.stop();
  });

  it('times out on the clock when PagerDuty does not answer', async () => {
    const clock = new FakeClock(Date.UTC(2024, 0, 1));
    const notifier = createPagerDutyNotifier(
      { routing_key: KEY, url: `${fake.url}/v2/enqueue`, timeout: '5s' },
      { clock },
    );
    fake.enqueue({ hang: true });
    const received = fake.nextEvent();
    const pending = deliver(notifier);
    await received;
    await clock.advance(5_000);
    expect(await pending).toEqual({
      ok: false,
      retryable: true,
      reason: 'timeout',
      message: 'pagerduty: no response within 5s',
    });
    await notifier.stop();
  });

  it('reads routing_key_file at every attempt, and retries while it is unreadable', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pd-key-'));
    const notifier = createPagerDutyNotifier(
      { routing_key_file: 'key.txt', url: `${fake.url}/v2/enqueue` },
      { configDir: dir },
    );
    const missing = await deliver(notifier);
    expect(missing).toMatchObject({ ok: false, retryable: true, reason: 'network' });
    writeFileSync(join(dir, 'key.txt'), `${KEY}\n`);
    expect((await deliver(notifier)).ok).toBe(true);
    expect(fake.events[0]!.event!.routing_key).toBe(KEY);
    await notifier.stop();
  });
});
