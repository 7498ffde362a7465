import {
  buildAlert,
  buildNotification,
  describeNotifierConformance,
} from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createSlackNotifier } from './slack-notifier.js';

const BOT_TOKEN = 'xoxb-conformance-b0t-t0ken';
const WEBHOOK_SECRET = 'c0nformanceWebhookSecret';

// Incoming webhook: the URL's last segment is the credential; Slack answers `ok`.
describeNotifierConformance(
  'slack (incoming webhook)',
  { describe, it, expect },
  ({ url, logger }) => ({
    notifier: createSlackNotifier(
      { api_url: `${url}/services/T000/B000/${WEBHOOK_SECRET}`, channel: '#alerts' },
      { logger },
    ),
    secrets: [WEBHOOK_SECRET],
    success: { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' },
  }),
);

// Bot token through the Web API: `{"ok":true}` with the message's channel and ts.
describeNotifierConformance(
  'slack (bot token, Web API)',
  { describe, it, expect },
  ({ url, logger }) => ({
    notifier: createSlackNotifier(
      { token: BOT_TOKEN, channel: '#alerts' },
      { slackApiUrl: `${url}/api/`, logger },
    ),
    secrets: [BOT_TOKEN],
    success: {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"ok":true,"channel":"C0ALERTS","ts":"1700000000.000100"}',
    },
  }),
);

// An incident page: the message carries buttons and mentions, and is remembered for updates.
describeNotifierConformance(
  'slack (bot token, incident page)',
  { describe, it, expect },
  ({ url, logger }) => ({
    notifier: createSlackNotifier(
      { token: BOT_TOKEN, channel: '#alerts' },
      { slackApiUrl: `${url}/api/`, logger, section: { mentions: { critical: '<!here>' } } },
    ),
    secrets: [BOT_TOKEN],
    success: {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"ok":true,"channel":"C0ALERTS","ts":"1700000000.000100"}',
    },
    notification: buildNotification(
      [buildAlert({ labels: { alertname: 'DiskFull', severity: 'critical' } })],
      {
        incident: {
          id: 'inc-1',
          number: 7,
          title: 'Disk full',
          severity: 'critical',
          status: 'new',
          event: 'triggered',
          level: 1,
          recipients: [{ name: 'alice', slack: 'U0ALICE' }],
        },
      },
    ),
  }),
);
