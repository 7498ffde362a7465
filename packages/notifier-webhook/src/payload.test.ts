import { buildAlert, buildNotification } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import {
  buildWebhookMessage,
  encodeWebhookMessage,
  formatGoTime,
  goJsonString,
  quoteMeta,
} from './payload.js';

const T0 = Date.UTC(2024, 0, 1);

describe('formatGoTime', () => {
  it.each([
    [0, '0001-01-01T00:00:00Z'],
    [T0, '2024-01-01T00:00:00Z'],
    [T0 + 100, '2024-01-01T00:00:00.1Z'],
    [T0 + 120, '2024-01-01T00:00:00.12Z'],
    [T0 + 123, '2024-01-01T00:00:00.123Z'],
    [T0 + 1_001, '2024-01-01T00:00:01.001Z'],
    [Date.UTC(1999, 11, 31, 23, 59, 59), '1999-12-31T23:59:59Z'],
  ])('prints %s as Go does: %s', (ms, expected) => {
    expect(formatGoTime(ms)).toBe(expected);
  });
});

describe('goJsonString', () => {
  it.each([
    ['plain', '"plain"'],
    ['<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['\b\f\n\r\t\u0000\u001f', '"\\u0008\\u000c\\n\\r\\t\\u0000\\u001f"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['back\\slash', '"back\\\\slash"'],
    ['é 日本 😀 \u007f', '"é 日本 😀 \u007f"'],
    ['lone \udc00 and \ud800x', '"lone \ufffd and \ufffdx"'],
  ])('escapes %j as Go', (input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });

  it('is valid JSON that decodes to the input', () => {
    const samples = ['a"b', '\\\\"', '\u0001\u007f\u0080', '😀😀', '</script>', 'tab\there'];
    for (const sample of samples) expect(JSON.parse(goJsonString(sample))).toBe(sample);
  });
});

describe('quoteMeta', () => {
  it('escapes what Go regexp.QuoteMeta escapes', () => {
    expect(quoteMeta('team.web+ops')).toBe('team\\.web\\+ops');
    expect(quoteMeta('a\\.+*?()|[]{}^$b-_ /')).toBe(
      'a\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$b-_ /',
    );
  });
});

describe('buildWebhookMessage', () => {
  const firing = buildAlert({
    labels: { alertname: 'A', job: 'x', instance: '1' },
    annotations: { summary: 's', team: 'a' },
    startsAt: T0,
  });
  const resolved = buildAlert({
    labels: { alertname: 'A', job: 'x', instance: '2' },
    annotations: { summary: 's' },
    startsAt: T0,
    endsAt: T0 + 60_000,
  });

  it('judges status at the flush time and hides the end of firing alerts', () => {
    const early = buildWebhookMessage(
      buildNotification([firing, resolved], { timestamp: T0 + 30_000 }),
    );
    expect(early.status).toBe('firing');
    expect(early.alerts.map((a) => [a.status, a.endsAt])).toEqual([
      ['firing', '0001-01-01T00:00:00Z'],
      ['firing', '0001-01-01T00:00:00Z'],
    ]);
    const late = buildWebhookMessage(buildNotification([resolved], { timestamp: T0 + 60_000 }));
    expect(late.status).toBe('resolved');
    expect(late.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2024-01-01T00:01:00Z' });
  });

  it('keeps the notification order and computes common labels and annotations', () => {
    const message = buildWebhookMessage(
      buildNotification([resolved, firing], {
        receiver: 'r',
        groupKey: '{}:{alertname="A"}',
        groupLabels: { alertname: 'A' },
        timestamp: T0 + 120_000,
      }),
      { externalURL: 'http://phoenix:9093' },
    );
    expect(message).toEqual({
      receiver: 'r',
      status: 'firing',
      alerts: [
        expect.objectContaining({ fingerprint: resolved.fingerprint, status: 'resolved' }),
        expect.objectContaining({ fingerprint: firing.fingerprint, status: 'firing' }),
      ],
      groupLabels: { alertname: 'A' },
      commonLabels: { alertname: 'A', job: 'x' },
      commonAnnotations: { summary: 's' },
      externalURL: 'http://phoenix:9093',
      version: '4',
      groupKey: '{}:{alertname="A"}',
      truncatedAlerts: 0,
    });
  });

  it('truncates to max_alerts and counts what it left out; 0 sends all', () => {
    const alerts = [firing, resolved];
    const notification = buildNotification(alerts, { timestamp: T0 + 120_000 });
    const one = buildWebhookMessage(notification, { maxAlerts: 1 });
    expect(one.alerts.map((a) => a.fingerprint)).toEqual([firing.fingerprint]);
    expect(one.truncatedAlerts).toBe(1);
    // Status and common labels come from the alerts sent.
    expect(one.status).toBe('firing');
    expect(one.commonLabels).toEqual(firing.labels);
    expect(buildWebhookMessage(notification, { maxAlerts: 0 }).truncatedAlerts).toBe(0);
    expect(buildWebhookMessage(notification, { maxAlerts: 2 }).truncatedAlerts).toBe(0);
  });

  it('encodes compactly, maps with sorted keys, empty maps as {}, and a final newline', () => {
    const alert = buildAlert({ labels: { z: '1', a: '2', alertname: 'B' }, startsAt: T0 });
    const body = encodeWebhookMessage(buildWebhookMessage(buildNotification([alert])));
    expect(body.endsWith('}\n')).toBe(true);
    expect(body).toContain('"labels":{"a":"2","alertname":"B","z":"1"},"annotations":{}');
    expect(body).toContain('"groupLabels":{},');
    expect(body).toContain('"commonAnnotations":{},"externalURL":"","version":"4"');
    expect(JSON.parse(body)).toEqual(buildWebhookMessage(buildNotification([alert])));
    expect(Object.keys(JSON.parse(body) as object)).toEqual([
      'receiver',
      'status',
      'alerts',
      'groupLabels',
      'commonLabels',
      'commonAnnotations',
      'externalURL',
      'version',
      'groupKey',
      'truncatedAlerts',
    ]);
  });
});
