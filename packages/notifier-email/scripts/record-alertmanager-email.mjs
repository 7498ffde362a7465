#!/usr/bin/env node
// Records the mail a real Alertmanager 0.25 sends for an email_configs entry into
// src/__fixtures__/alertmanager-email.json: the raw message and the SMTP envelope, received by a
// minimal SMTP listener on 127.0.0.1. Needs Alertmanager (Debian: `apt-get install
// prometheus-alertmanager`); no npm dependencies.
//
//   node scripts/record-alertmanager-email.mjs [path/to/alertmanager]
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { startAlertmanager } from '../../core/scripts/collect-fingerprints.mjs';

const binary = process.argv[2] ?? '/usr/bin/prometheus-alertmanager';
const FIXTURE = new URL('../src/__fixtures__/alertmanager-email.json', import.meta.url);
const EXTERNAL_URL = 'http://alertmanager.example.com:9093';

export const POSTED_ALERTS = [
  {
    labels: { alertname: 'DiskFull', team: 'db', instance: 'db-2', severity: 'critical' },
    annotations: {
      summary: 'disk <95%> full & "rising"',
      runbook_url: 'https://runbooks.example.com/disk',
    },
    startsAt: '2024-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=disk&g0.tab=1',
  },
  {
    labels: { alertname: 'DiskFull', team: 'db', instance: 'db-1', severity: 'critical' },
    annotations: { runbook_url: 'https://runbooks.example.com/disk' },
    startsAt: '2024-01-01T00:00:01Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=disk',
  },
];

// A minimal SMTP listener: enough of RFC 5321 for Alertmanager's client, without AUTH or TLS.
const mails = [];
let onMail = () => {};
const smtp = createServer((socket) => {
  // Alertmanager resets its pooled connection when it is stopped: nothing to record then.
  socket.on('error', () => {});
  socket.write('220 recorder ESMTP\r\n');
  let buffer = '';
  let data = null;
  const envelope = { from: '', to: [] };
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (;;) {
      if (data !== null) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        data += buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 5);
        mails.push({ envelope: { ...envelope, to: [...envelope.to] }, raw: data });
        data = null;
        socket.write('250 OK queued\r\n');
        onMail();
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') socket.write('250-recorder\r\n250 8BITMIME\r\n');
      else if (verb === 'HELO') socket.write('250 recorder\r\n');
      else if (verb === 'MAIL') {
        envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
        envelope.to = [];
        socket.write('250 OK\r\n');
      } else if (verb === 'RCPT') {
        envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
        socket.write('250 OK\r\n');
      } else if (verb === 'DATA') {
        data = '';
        socket.write('354 go ahead\r\n');
      } else if (verb === 'QUIT') socket.end('221 bye\r\n');
      else socket.write('250 OK\r\n');
    }
  });
});
await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = smtp.address().port;

const config = `
route:
  receiver: mail
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
receivers:
  - name: mail
    email_configs:
      - to: 'ops@example.com, {{ .CommonLabels.team }}@example.com'
        from: 'Alertmanager <alertmanager@example.com>'
        smarthost: 127.0.0.1:${smtpPort}
        require_tls: false
        hello: am.example.com
        text: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}{{ "\\n" }}{{ end }}'
        headers:
          Reply-To: noreply@example.com
`;

const { url, output, stop } = await startAlertmanager(binary, {
  config,
  args: [`--web.external-url=${EXTERNAL_URL}`],
  env: { ...process.env, TZ: 'UTC' },
});
try {
  const received = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no mail in time:\n${output.join('')}`)),
      20_000,
    );
    onMail = () => {
      // Only a flush that saw both alerts is the one to record.
      if (!mails.some((mail) => mail.raw.includes('[FIRING:2]'))) return;
      clearTimeout(timer);
      resolve();
    };
  });
  const posted = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(POSTED_ALERTS),
  });
  if (!posted.ok) throw new Error(`POST /api/v2/alerts: ${posted.status}`);
  await received;
} finally {
  await stop();
  smtp.close();
}
const mail = mails.find((candidate) => candidate.raw.includes('[FIRING:2]'));
await writeFile(
  FIXTURE,
  `${JSON.stringify({ alertmanager: '0.25.0', externalURL: EXTERNAL_URL, alerts: POSTED_ALERTS, mail }, null, 2)}\n`,
);
console.log(`recorded ${mail.raw.length} bytes into ${FIXTURE.pathname}`);
