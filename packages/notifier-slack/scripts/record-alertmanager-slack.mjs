#!/usr/bin/env node
// Records what a real Alertmanager 0.25 POSTs to Slack incoming webhooks into
// src/__fixtures__/alertmanager-slack.json: the receiver's configuration, the alerts pushed, and
// the raw request bodies, byte for byte. Needs Alertmanager (Debian: `apt-get install
// prometheus-alertmanager`); no npm dependencies.
//
//   node scripts/record-alertmanager-slack.mjs [path/to/alertmanager]
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { startAlertmanager } from '../../core/scripts/collect-fingerprints.mjs';

const binary = process.argv[2] ?? '/usr/bin/prometheus-alertmanager';
const FIXTURE = new URL('../src/__fixtures__/alertmanager-slack.json', import.meta.url);
const EXTERNAL_URL = 'http://alertmanager.example.com:9093';

/** The slack_configs entries recorded, by receiver; `api_url` is added per run. */
export const receivers = {
  defaults: { channel: '#alerts' },
  everything: {
    channel: '#{{ .CommonLabels.team }}',
    send_resolved: true,
    username: 'phoenix <bot>',
    color: '{{ if eq .Status "firing" }}#E01E5A{{ else }}good{{ end }}',
    title: '{{ .CommonLabels.alertname }} & {{ len .Alerts }} alerts',
    title_link: 'https://grafana.example.com/d/{{ .GroupLabels.alertname }}',
    pretext: '{{ .CommonAnnotations.summary }}',
    text: '{{ range .Alerts }}* {{ .Labels.instance }}: {{ .Annotations.description }}\n{{ end }}',
    fields: [
      { title: 'Severity', value: '{{ .CommonLabels.severity }}' },
      { title: 'Count', value: '{{ len .Alerts.Firing }}', short: false },
    ],
    short_fields: true,
    footer: 'phoenix',
    fallback: 'fallback {{ .Status }}',
    callback_id: 'cb-{{ .GroupLabels.alertname }}',
    icon_emoji: ':fire:',
    image_url: 'https://img.example.com/x.png',
    thumb_url: 'https://img.example.com/t.png',
    link_names: true,
    mrkdwn_in: ['text', 'pretext'],
    actions: [
      {
        type: 'button',
        text: 'Runbook',
        url: '{{ (index .Alerts 0).Annotations.runbook_url }}',
        style: 'primary',
      },
      {
        type: 'button',
        text: 'Silence',
        name: 'silence',
        value: '{{ .GroupLabels.alertname }}',
        confirm: { text: 'Sure?', title: 'Silence', ok_text: 'Yes', dismiss_text: 'No' },
      },
    ],
  },
};

export const alerts = [1, 2].map((i) => ({
  labels: { alertname: 'HighLatency', team: 'web', severity: 'warning', instance: `web-${i}:9100` },
  annotations: {
    summary: 'p99 latency above 1s <5m>',
    description: `instance web-${i} is slow`,
    runbook_url: 'https://runbooks.example.com/latency?a=1&b=2',
  },
}));

function config(sink) {
  const lines = [
    'route:',
    "  receiver: 'defaults'",
    '  group_by: [alertname]',
    '  group_wait: 1s',
    '  group_interval: 1m',
    '  repeat_interval: 4h',
    '  routes:',
    "    - receiver: 'defaults'",
    '      continue: true',
    "    - receiver: 'everything'",
    'receivers:',
  ];
  for (const [name, entry] of Object.entries(receivers))
    lines.push(
      `  - name: '${name}'`,
      '    slack_configs:',
      `      - ${JSON.stringify({ ...entry, api_url: `${sink}/services/T0/B0/${name}` })}`,
    );
  return `${lines.join('\n')}\n`;
}

const bodies = {};
const sink = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    bodies[request.url.split('/').pop()] = body;
    response.end('ok');
  });
});
sink.listen(0, '127.0.0.1');
await new Promise((resolve) => sink.once('listening', resolve));
const { url, output, stop } = await startAlertmanager(binary, {
  config: config(`http://127.0.0.1:${sink.address().port}`),
  args: [`--web.external-url=${EXTERNAL_URL}`],
});
try {
  const response = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`pushing alerts: ${response.status} ${await response.text()}`);
  const deadline = Date.now() + 20_000;
  while (Object.keys(bodies).length < Object.keys(receivers).length) {
    if (Date.now() > deadline) throw new Error(`no Slack post within 20 s:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await writeFile(
    FIXTURE,
    `${JSON.stringify({ alertmanager: '0.25.0', externalURL: EXTERNAL_URL, receivers, alerts, bodies }, null, 2)}\n`,
  );
  console.log(`recorded ${Object.keys(bodies).length} Slack posts into ${FIXTURE.pathname}`);
} finally {
  await stop();
  sink.close();
}
