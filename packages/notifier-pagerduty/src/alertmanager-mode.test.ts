// Plain Alertmanager notifications, rendered with @phoenix-alerting/template and Alertmanager's
// default.tmpl, against the fake Events API.
import { buildAlert, buildNotification, buildRoute } from '@phoenix-alerting/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertmanagerDedupKey } from './payload.js';
import { createPagerDutyNotifier } from './pagerduty-notifier.js';
import { startFakePagerDuty } from './testing/fake-pagerduty.js';
import type { FakePagerDuty } from './testing/fake-pagerduty.js';

const KEY = 'R0UTINGKEY0123456789abcdefABCDEF';
const now = Date.UTC(2024, 0, 1);
let fake: FakePagerDuty;
beforeEach(async () => {
  fake = await startFakePagerDuty();
});
afterEach(() => fake.close());

const route = buildRoute({ receiver: 'team-db', routeKey: '{}/{team="db"}' });
const firing = buildNotification(
  [
    buildAlert({
      labels: { alertname: 'DiskFull', instance: 'db-1', team: 'db' },
      annotations: { summary: 'disk 95% full' },
    }),
    buildAlert({ labels: { alertname: 'DiskFull', instance: 'db-2', team: 'db' } }),
  ],
  {
    route,
    receiver: 'team-db',
    groupKey: '{}/{team="db"}:{alertname="DiskFull"}',
    groupLabels: { alertname: 'DiskFull' },
  },
);
const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' };

describe("Alertmanager's default templates", () => {
  it('sends a v2 trigger as Alertmanager renders it', async () => {
    const notifier = createPagerDutyNotifier(
      { routing_key: KEY, url: `${fake.url}/v2/enqueue`, severity: '{{ .CommonLabels.team }}-sev' },
      { externalURL: 'http://am.example.com:9093' },
    );
    // severity 'db-sev' is not one PagerDuty accepts: the fake refuses it, as PagerDuty would.
    expect(await notifier.notify(firing, options)).toMatchObject({
      ok: false,
      retryable: false,
      statusCode: 400,
    });
    const event = fake.events[0]!.event!;
    expect(event).toEqual({
      routing_key: KEY,
      dedup_key: alertmanagerDedupKey('{}/{team="db"}:{alertname="DiskFull"}'),
      event_action: 'trigger',
      payload: {
        summary: '[FIRING:2] DiskFull (db)',
        source: 'Alertmanager',
        severity: 'db-sev',
        custom_details: {
          firing: expect.stringContaining(
            'Labels:\n - alertname = DiskFull\n - instance = db-1\n - team = db\nAnnotations:\n - summary = disk 95% full\n',
          ),
          num_firing: '2',
          num_resolved: '0',
          resolved: '',
        },
      },
      client: 'Alertmanager',
      client_url: 'http://am.example.com:9093/#/alerts?receiver=team-db',
    });
    await notifier.stop();
  });

  it('resolves when every alert is resolved, and uses v1 with a service key', async () => {
    const resolved = buildNotification(
      [
        buildAlert({
          labels: { alertname: 'DiskFull', team: 'db' },
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now - 1_000).toISOString(),
          now,
        }),
      ],
      { route, receiver: 'team-db', groupKey: 'g1', groupLabels: { alertname: 'DiskFull' } },
    );
    const v2 = createPagerDutyNotifier({ routing_key: KEY, url: `${fake.url}/v2/enqueue` });
    expect(await v2.notify(resolved, options)).toEqual({ ok: true, statusCode: 202 });
    expect(fake.events[0]!.event).toMatchObject({
      event_action: 'resolve',
      payload: { summary: '[RESOLVED] DiskFull (db)' },
    });
    await v2.stop();

    const v1 = createPagerDutyNotifier(
      { service_key: 'SERV1CEKEY0123456789abcdefABCDEF' },
      { v1URL: `${fake.url}/generic/2010-04-15/create_event.json` },
    );
    expect(v1.rateLimit).toEqual({ limit: 120, intervalMs: 60_000 });
    expect(await v1.notify(firing, options)).toEqual({ ok: true, statusCode: 200 });
    expect(fake.events[1]!.event).toMatchObject({
      service_key: 'SERV1CEKEY0123456789abcdefABCDEF',
      event_type: 'trigger',
      incident_key: alertmanagerDedupKey('{}/{team="db"}:{alertname="DiskFull"}'),
      description: '[FIRING:2] DiskFull (db)',
      event_action: '',
      payload: null,
      client: 'Alertmanager',
      details: { num_firing: '2', num_resolved: '0' },
    });
    await v1.stop();
  });
});
