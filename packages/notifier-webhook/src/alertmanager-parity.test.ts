// The webhook bodies must equal, byte for byte, what Alertmanager 0.25 sends for the same alerts:
// checked against a recording (src/__fixtures__/alertmanager-webhook.json, made by
// scripts/record-alertmanager-webhook.mjs) and, where Alertmanager is installed, against a live one.
import { existsSync, readFileSync } from 'node:fs';
import { createAlert } from '@phoenix-alerting/core';
import type { Alert, Notification } from '@phoenix-alerting/core';
import { buildRoute } from '@phoenix-alerting/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_BINARY,
  FIXTURE_URL,
  POSTED_ALERTS,
  recordWebhookDeliveries,
} from '../scripts/record-alertmanager-webhook.mjs';
import type { PostedAlert, RecordedDelivery } from '../scripts/record-alertmanager-webhook.mjs';
import type { WebhookMessage } from './payload.js';
import { startSink } from './test-servers.js';
import type { Sink } from './test-servers.js';
import { USER_AGENT } from './version.js';
import type { WebhookConfigInput } from './webhook-config.js';
import { createWebhookNotifier } from './webhook-notifier.js';

interface Fixture {
  recordedWith: string;
  externalURL: string;
  postedAlerts: PostedAlert[];
  deliveries: RecordedDelivery[];
}

const fixture = JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as Fixture;

/** Flush time: after every start and after the resolved alert's end. */
const NOW = Date.UTC(2024, 5, 1);

/** The receivers and webhook settings of the recorded Alertmanager configuration, by path. */
const integrations: Record<string, { receiver: string; config: Omit<WebhookConfigInput, 'url'> }> =
  {
    '/all': {
      receiver: 'team.web+ops',
      config: { http_config: { authorization: { credentials: 'fixture-bearer-token' } } },
    },
    '/truncated': {
      receiver: 'truncated',
      config: {
        max_alerts: 2,
        http_config: { basic_auth: { username: 'phoenix', password: 'fixture-password' } },
      },
    },
  };

/** The posted alerts as Phoenix holds them, in the order of Alertmanager's full notification. */
function alertsInAlertmanagerOrder(
  deliveries: RecordedDelivery[],
  resolveTimeoutMs?: number,
): Alert[] {
  const alerts = POSTED_ALERTS.map((input) =>
    createAlert(input, { now: Date.UTC(2024, 0, 1, 0, 0, 5), resolveTimeoutMs }),
  );
  const full = JSON.parse(deliveries.find((d) => d.path === '/all')!.body) as WebhookMessage;
  return full.alerts.map((sent) => alerts.find((alert) => alert.fingerprint === sent.fingerprint)!);
}

async function deliverLikeAlertmanager(
  sink: Sink,
  delivery: RecordedDelivery,
  alerts: readonly Alert[],
): Promise<{ body: string; headers: Record<string, unknown> }> {
  const { receiver, config } = integrations[delivery.path]!;
  const sent = JSON.parse(delivery.body) as WebhookMessage;
  const notification: Notification = {
    receiver,
    groupKey: sent.groupKey,
    groupLabels: sent.groupLabels,
    alerts,
    timestamp: NOW,
    route: buildRoute({ receiver }),
  };
  const notifier = createWebhookNotifier(
    { ...config, url: `${sink.url}${delivery.path}` },
    { externalURL: fixture.externalURL },
  );
  try {
    const result = await notifier.notify(notification, {
      signal: new AbortController().signal,
      attempt: 1,
      idempotencyKey: 'test-key',
    });
    expect(result).toEqual({ ok: true, statusCode: 200 });
  } finally {
    await notifier.stop();
  }
  const request = sink.requests.at(-1)!;
  return { body: request.body, headers: request.headers };
}

async function expectSameRequests(
  sink: Sink,
  deliveries: RecordedDelivery[],
  resolveTimeoutMs?: number,
): Promise<void> {
  for (const delivery of deliveries) {
    const alerts = alertsInAlertmanagerOrder(deliveries, resolveTimeoutMs);
    const ours = await deliverLikeAlertmanager(sink, delivery, alerts);
    expect(ours.body).toBe(delivery.body);
    expect(ours.headers['content-type']).toBe(delivery.headers['content-type']);
    expect(ours.headers.authorization).toBe(delivery.headers.authorization);
    expect(delivery.headers['user-agent']).toMatch(/^Alertmanager\//);
    expect(ours.headers['user-agent']).toBe(USER_AGENT);
  }
}

describe('webhook payload parity with Alertmanager', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.close());

  it('was recorded from Alertmanager 0.25 with both integrations', () => {
    expect(fixture.recordedWith).toBe('alertmanager 0.25.0');
    expect(fixture.deliveries.map((d) => d.path)).toEqual(['/all', '/truncated']);
    expect(fixture.postedAlerts).toEqual(POSTED_ALERTS);
  });

  it('sends the recorded bodies byte for byte, with the same headers', () =>
    expectSameRequests(sink, fixture.deliveries));

  it('hides the end of firing alerts whose endsAt lies ahead (resolve_timeout)', () =>
    expectSameRequests(sink, fixture.deliveries, 365 * 86_400_000));

  it('documents Alertmanager: alerts sorted by job, instance, labels — not firing first', () => {
    const sent = JSON.parse(fixture.deliveries[0]!.body) as WebhookMessage;
    expect(
      sent.alerts.map((a) => `${a.status} ${a.labels.job ?? '-'} ${a.labels.instance ?? '-'}`),
    ).toEqual([
      'resolved api a:9090',
      'firing api b:9090',
      'firing api -',
      'firing db a:9090',
      'firing - a:9090',
    ]);
  });

  it('documents Alertmanager: truncation keeps the first alerts and counts the rest', () => {
    const truncated = JSON.parse(fixture.deliveries[1]!.body) as WebhookMessage;
    expect(truncated.alerts).toHaveLength(2);
    expect(truncated.truncatedAlerts).toBe(3);
    // Common labels are those of the alerts sent, not of the whole group.
    expect(truncated.commonLabels).toEqual({ alertname: 'HighLatency', job: 'api', team: 'web' });
  });

  describe.skipIf(!existsSync(ALERTMANAGER_BINARY))('against a live Alertmanager', () => {
    it('sends what it sends now', async () => {
      const deliveries = await recordWebhookDeliveries();
      expect(deliveries.map((d) => d.path)).toEqual(['/all', '/truncated']);
      await expectSameRequests(sink, deliveries);
    }, 90_000);
  });
});
