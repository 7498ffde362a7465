import type { NotificationIncident } from '@phoenix-alerting/core';
import { buildAlerts, buildNotification } from '@phoenix-alerting/core/testing';
import { loadAlertmanagerTemplates } from '@phoenix-alerting/template';
import { describe, expect, it } from 'vitest';
import { incidentParts, notificationParts, SMS_DEFAULT_TEMPLATE } from './message.js';
import { fitSms } from './sms-text.js';

const incident = (overrides: Partial<NotificationIncident> = {}): NotificationIncident => ({
  id: 'inc-9',
  number: 1234,
  title: 'Checkout API\nerror rate > 5%',
  severity: 'critical',
  status: 'new',
  event: 'triggered',
  level: 1,
  recipients: [{ name: 'alice', phone: '+15550200' }],
  url: 'https://phoenix.example.com/incidents/inc-9',
  ...overrides,
});

describe('incidentParts', () => {
  it.each([
    [{}, '[CRITICAL] #1234 Checkout API error rate > 5%', 'Reply ACK 1234 or RESOLVE 1234'],
    [
      { event: 'escalated', level: 2 },
      '[CRITICAL] #1234 Checkout API error rate > 5% (escalated to level 2)',
      'Reply ACK 1234 or RESOLVE 1234',
    ],
    [
      { event: 'repeated' },
      '[CRITICAL] #1234 Checkout API error rate > 5% (reminder)',
      'Reply ACK 1234 or RESOLVE 1234',
    ],
    [
      { event: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'alice' },
      '[ACKNOWLEDGED] #1234 Checkout API error rate > 5% by alice',
      'Reply RESOLVE 1234',
    ],
    [
      { event: 'status-changed', status: 'mitigated' },
      '[CRITICAL] #1234 Checkout API error rate > 5% (now mitigated)',
      'Reply RESOLVE 1234',
    ],
    [
      { event: 'unacknowledged' },
      '[CRITICAL] #1234 Checkout API error rate > 5% (no longer acknowledged)',
      'Reply ACK 1234 or RESOLVE 1234',
    ],
    [
      { event: 'reopened', severity: 'warning' },
      '[WARNING] #1234 Checkout API error rate > 5% (reopened)',
      'Reply ACK 1234 or RESOLVE 1234',
    ],
    [
      { event: 'resolved', status: 'resolved', level: 0 },
      '[RESOLVED] #1234 Checkout API error rate > 5%',
      undefined,
    ],
  ] as const)('%j', (overrides, body, footer) => {
    expect(incidentParts(incident(overrides))).toEqual({
      body,
      link: 'https://phoenix.example.com/incidents/inc-9',
      footer,
    });
  });

  it('keeps the number, link and reply of a long title in one segment', () => {
    const fitted = fitSms(incidentParts(incident({ title: 'Very long title '.repeat(20) })), 1);
    expect(fitted.segments).toBe(1);
    expect(fitted.text).toMatch(
      /^\[CRITICAL\] #1234 Very long title.*\.\.\.\nhttps:\/\/phoenix\.example\.com\/incidents\/inc-9\nReply ACK 1234 or RESOLVE 1234$/,
    );
  });
});

describe('notificationParts', () => {
  const templates = loadAlertmanagerTemplates({ texts: [SMS_DEFAULT_TEMPLATE] });

  it('renders sms.default.text and links to the alerts view of the external URL', () => {
    const notification = buildNotification(
      buildAlerts(3, { labels: { alertname: 'HighLatency', job: 'api' } }),
      { groupLabels: { alertname: 'HighLatency' } },
    );
    expect(
      notificationParts(notification, {
        templates,
        text: '{{ template "sms.default.text" . }}',
        externalURL: 'https://am.example.com',
      }),
    ).toEqual({
      parts: {
        body: '[FIRING:3] HighLatency (api)',
        link: 'https://am.example.com/#/alerts?receiver=default',
      },
    });
  });

  it('defines sms.default.text for templates that lack it, and has no link without a URL', () => {
    const plain = loadAlertmanagerTemplates();
    expect(plain.names()).not.toContain('sms.default.text');
    const notification = buildNotification(
      buildAlerts(1, { labels: { alertname: 'Down' }, annotations: { summary: 'api is down' } }),
      { groupLabels: { alertname: 'Down' } },
    );
    const { parts } = notificationParts(notification, {
      templates: plain,
      text: '{{ template "sms.default.text" . }}',
      externalURL: '',
    });
    expect(parts).toEqual({ body: '[FIRING:1] Down (host-0)\napi is down', link: undefined });
  });
});
