// Plain Alertmanager notifications: rendered with @phoenix-alerting/template and Alertmanager's
// default.tmpl (email.default.subject, email.default.html), delivered to a real SMTP server.
import {
  buildAlert,
  buildNotification,
  buildRoute,
  FakeClock,
} from '@phoenix-alerting/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailNotifier } from './email-notifier.js';
import type { EmailNotifier } from './email-notifier.js';
import { startSmtpServer } from './test-smtp.js';
import type { TestSmtpServer } from './test-smtp.js';

const NOW = Date.UTC(2024, 0, 1, 12);
let server: TestSmtpServer;
let notifier: EmailNotifier;
afterEach(async () => {
  await notifier.stop();
  await server.close();
});

const notification = buildNotification(
  [
    buildAlert({
      labels: { alertname: 'DiskFull', instance: 'db-1' },
      annotations: { summary: 'disk <95%> full' },
    }),
    buildAlert({ labels: { alertname: 'DiskFull', instance: 'db-2' } }),
  ],
  {
    route: buildRoute({ receiver: 'ops' }),
    receiver: 'ops',
    groupKey: '{}:{alertname="DiskFull"}',
    groupLabels: { alertname: 'DiskFull' },
  },
);

describe('Alertmanager email', () => {
  it("sends Alertmanager's default subject and HTML, custom headers and a text part", async () => {
    server = await startSmtpServer();
    notifier = createEmailNotifier(
      {
        to: 'ops@example.com, {{ .GroupLabels.alertname | toLower }}@example.com',
        from: 'alertmanager@example.com',
        smarthost: server.smarthost,
        require_tls: false,
        text: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}\n{{ end }}',
        headers: { 'reply-to': 'noreply@example.com', 'x-receiver': '{{ .Receiver }}' },
      },
      { externalURL: 'http://am.example.com:9093', clock: new FakeClock(NOW) },
    );
    const options = { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'abc123' };
    expect(await notifier.notify(notification, options)).toEqual({ ok: true });
    const mail = server.mails[0]!;
    expect(mail.envelope).toEqual({
      from: 'alertmanager@example.com',
      to: ['ops@example.com', 'diskfull@example.com'],
    });
    const { parsed } = mail;
    // Alertmanager's subject ends with a space here; mail parsers trim it.
    expect(parsed.subject).toBe('[FIRING:2] DiskFull');
    expect(parsed.messageId).toBe('<abc123@example.com>');
    expect(parsed.headers.get('reply-to')).toMatchObject({ text: 'noreply@example.com' });
    expect(parsed.headers.get('x-receiver')).toBe('ops');
    expect(parsed.text).toBe('db-1: disk <95%> full\ndb-2: \n');
    expect(parsed.html).toContain('<!DOCTYPE html');
    expect(parsed.html).toContain('disk &lt;95%&gt; full');
    expect(parsed.html).toContain('http://am.example.com:9093');
  });
});
