// Byte-for-byte parity with what Alertmanager 0.25 posted to Slack for the same alerts and the same
// slack_configs (src/__fixtures__/alertmanager-slack.json, recorded by
// scripts/record-alertmanager-slack.mjs from /usr/bin/prometheus-alertmanager).
import { readFileSync } from 'node:fs';
import { createAlert } from '@phoenix-alerting/core';
import type { AlertInput } from '@phoenix-alerting/core';
import { buildNotification, buildRoute } from '@phoenix-alerting/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from './fake-slack.js';
import type { FakeSlack } from './fake-slack.js';
import { createSlackNotifier } from './slack-notifier.js';
import type { SlackConfigInput } from './slack-config.js';

interface Fixture {
  externalURL: string;
  receivers: Record<string, SlackConfigInput>;
  alerts: AlertInput[];
  bodies: Record<string, string>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/alertmanager-slack.json', import.meta.url), 'utf8'),
) as Fixture;
const now = Date.UTC(2024, 0, 1);

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ webhookSecret: 'parity' });
});
afterEach(() => slack.close());

describe('Alertmanager 0.25 parity (incoming webhook)', () => {
  for (const [receiver, entry] of Object.entries(fixture.receivers)) {
    it(`posts the same bytes as Alertmanager for receiver ${receiver}`, async () => {
      const notifier = createSlackNotifier(
        { ...entry, api_url: slack.webhookUrl },
        { externalURL: fixture.externalURL },
      );
      const alerts = fixture.alerts.map((input) => createAlert(input, { now }));
      const notification = buildNotification(alerts, {
        receiver,
        route: buildRoute({ receiver, groupBy: ['alertname'] }),
        groupLabels: { alertname: 'HighLatency' },
        groupKey: '{}:{alertname="HighLatency"}',
        timestamp: now,
      });
      const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' };
      expect(await notifier.notify(notification, options)).toEqual({ ok: true, statusCode: 200 });
      expect(slack.requests[0]!.raw).toBe(fixture.bodies[receiver]);
    });
  }
});
