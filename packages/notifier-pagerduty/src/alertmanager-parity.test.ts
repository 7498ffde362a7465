// Byte-for-byte parity with a real Alertmanager 0.25: the events it posted for the same alerts
// (src/__fixtures__/alertmanager-pagerduty.json, recorded by scripts/record-alertmanager-pagerduty.mjs)
// are what this notifier posts, rendered with @phoenix-alerting/template's default.tmpl.
import { readFileSync } from 'node:fs';
import { createAlert } from '@phoenix-alerting/core';
import type { AlertInput } from '@phoenix-alerting/core';
import { buildNotification, buildRoute } from '@phoenix-alerting/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPagerDutyNotifier } from './pagerduty-notifier.js';
import { startFakePagerDuty } from './testing/fake-pagerduty.js';
import type { FakePagerDuty } from './testing/fake-pagerduty.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/alertmanager-pagerduty.json', import.meta.url), 'utf8'),
) as {
  externalURL: string;
  alerts: AlertInput[];
  deliveries: { path: string; body: string }[];
};
const ROUTING_KEY = 'R0UTINGKEY0123456789abcdefABCDEF';
const now = Date.UTC(2024, 0, 1, 0, 5);
// Alertmanager sorts a group's alerts by job, instance, then labels: db-1 first.
const alerts = fixture.alerts
  .map((input) => createAlert(input, { now }))
  .sort((a, b) => (a.labels.instance! < b.labels.instance! ? -1 : 1));

let fake: FakePagerDuty;
beforeEach(async () => {
  fake = await startFakePagerDuty();
});
afterEach(() => fake.close());

const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' };

describe('parity with Alertmanager 0.25', () => {
  it('posts the same bytes for an entry with the defaults', async () => {
    const notifier = createPagerDutyNotifier(
      { routing_key: ROUTING_KEY, url: `${fake.url}/v2/enqueue` },
      { externalURL: fixture.externalURL },
    );
    const notification = buildNotification(alerts, {
      receiver: 'pd-defaults',
      route: buildRoute({ receiver: 'pd-defaults', routeKey: '{}/{team="db"}' }),
      groupKey: '{}/{team="db"}:{alertname="DiskFull"}',
      groupLabels: { alertname: 'DiskFull' },
      timestamp: now,
    });
    expect(await notifier.notify(notification, options)).toEqual({ ok: true, statusCode: 202 });
    expect(fake.events[0]!.body).toBe(
      fixture.deliveries.find((d) => d.path.startsWith('/defaults'))!.body,
    );
    await notifier.stop();
  });

  it('posts the same bytes for an entry with every templated field', async () => {
    const notifier = createPagerDutyNotifier(
      {
        routing_key: ROUTING_KEY,
        url: `${fake.url}/v2/enqueue`,
        client: 'Phoenix {{ .Receiver }}',
        client_url: '{{ .ExternalURL }}/custom',
        description: '{{ .CommonLabels.alertname }} on {{ len .Alerts }} <hosts> & more',
        severity: '{{ .CommonLabels.severity }}',
        class: '{{ .CommonLabels.class }}',
        component: 'database',
        group: '{{ .CommonLabels.team }}',
        source: '{{ .GroupLabels.alertname }}-source',
        details: { firing: '{{ .Alerts.Firing | len }} firing', team: '{{ .CommonLabels.team }}' },
        images: [
          {
            src: 'https://grafana.example.com/render?team={{ .CommonLabels.team }}',
            alt: 'graph',
            href: 'https://grafana.example.com/d/{{ .CommonLabels.team }}',
          },
          { alt: 'no src: dropped' },
        ],
        links: [
          { href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' },
          { text: 'no href: dropped' },
        ],
      },
      { externalURL: fixture.externalURL },
    );
    const notification = buildNotification(alerts, {
      receiver: 'pd-custom',
      route: buildRoute({ receiver: 'pd-custom', routeKey: '{}/{team="db"}' }),
      groupKey: '{}/{team="db"}:{alertname="DiskFull", team="db"}',
      groupLabels: { alertname: 'DiskFull', team: 'db' },
      timestamp: now,
    });
    expect(await notifier.notify(notification, options)).toEqual({ ok: true, statusCode: 202 });
    expect(fake.events[0]!.body).toBe(
      fixture.deliveries.find((d) => d.path.startsWith('/custom'))!.body,
    );
    await notifier.stop();
  });
});
