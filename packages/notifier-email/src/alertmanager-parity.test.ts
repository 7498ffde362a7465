// Parity with a real Alertmanager 0.25: the mail it sent for the same alerts and entry
// (src/__fixtures__/alertmanager-email.json, recorded by scripts/record-alertmanager-email.mjs),
// parsed with mailparser, has the same envelope, headers, text and HTML as this notifier's.
import { readFileSync } from 'node:fs';
import { createAlert } from '@phoenix-alerting/core';
import type { AlertInput } from '@phoenix-alerting/core';
import { buildNotification, buildRoute } from '@phoenix-alerting/core/testing';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createEmailNotifier } from './email-notifier.js';
import { startSmtpServer } from './test-smtp.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/alertmanager-email.json', import.meta.url), 'utf8'),
) as {
  externalURL: string;
  alerts: AlertInput[];
  mail: { envelope: { from: string; to: string[] }; raw: string };
};
const now = Date.UTC(2024, 0, 1, 0, 5);

describe('parity with Alertmanager 0.25', () => {
  it('sends the same envelope, headers, text and HTML', async () => {
    const server = await startSmtpServer();
    const notifier = createEmailNotifier(
      {
        to: 'ops@example.com, {{ .CommonLabels.team }}@example.com',
        from: 'Alertmanager <alertmanager@example.com>',
        smarthost: server.smarthost,
        require_tls: false,
        hello: 'am.example.com',
        text: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}{{ "\\n" }}{{ end }}',
        headers: { 'Reply-To': 'noreply@example.com' },
      },
      { externalURL: fixture.externalURL },
    );
    const alerts = fixture.alerts
      .map((input) => createAlert(input, { now }))
      .sort((a, b) => (a.labels.instance! < b.labels.instance! ? -1 : 1));
    const notification = buildNotification(alerts, {
      receiver: 'mail',
      route: buildRoute({ receiver: 'mail' }),
      groupKey: '{}:{alertname="DiskFull"}',
      groupLabels: { alertname: 'DiskFull' },
      timestamp: now,
    });
    const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'k' };
    expect(await notifier.notify(notification, options)).toEqual({ ok: true });
    await notifier.stop();
    await server.close();

    const ours = server.mails[0]!;
    const theirs = await simpleParser(fixture.mail.raw);
    expect(ours.envelope).toEqual(fixture.mail.envelope);
    expect(ours.parsed.subject).toBe(theirs.subject);
    expect(ours.parsed.to).toEqual(theirs.to);
    expect(ours.parsed.from).toEqual(theirs.from);
    expect(ours.parsed.replyTo).toEqual(theirs.replyTo);
    expect(ours.parsed.text).toBe(theirs.text);
    expect(ours.parsed.html).toBe(theirs.html);
  });
});
