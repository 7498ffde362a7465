#!/usr/bin/env node
// Records what a real Alertmanager 0.25 POSTs to the PagerDuty Events API v2 into
// src/__fixtures__/alertmanager-pagerduty.json: the raw request bodies, byte for byte, for two
// pagerduty_configs entries (defaults only, and every templated field set). Needs Alertmanager
// (Debian: `apt-get install prometheus-alertmanager`); no npm dependencies.
//
//   node scripts/record-alertmanager-pagerduty.mjs [path/to/alertmanager]
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { startAlertmanager } from '../../core/scripts/collect-fingerprints.mjs';

const binary = process.argv[2] ?? '/usr/bin/prometheus-alertmanager';
const FIXTURE = new URL('../src/__fixtures__/alertmanager-pagerduty.json', import.meta.url);
export const EXTERNAL_URL = 'http://alertmanager.example.com:9093';
export const ROUTING_KEY = 'R0UTINGKEY0123456789abcdefABCDEF';

const config = (sink) => `
route:
  receiver: 'null'
  routes:
    - matchers: ['team="db"']
      receiver: pd-defaults
      group_by: [alertname]
      group_wait: 1s
      group_interval: 2s
      continue: true
    - matchers: ['team="db"']
      receiver: pd-custom
      group_by: [alertname, team]
      group_wait: 1s
      group_interval: 2s
receivers:
  - name: 'null'
  - name: pd-defaults
    pagerduty_configs:
      - routing_key: ${ROUTING_KEY}
        url: ${sink}/defaults/v2/enqueue
  - name: pd-custom
    pagerduty_configs:
      - routing_key: ${ROUTING_KEY}
        url: ${sink}/custom/v2/enqueue
        client: 'Phoenix {{ .Receiver }}'
        client_url: '{{ .ExternalURL }}/custom'
        description: '{{ .CommonLabels.alertname }} on {{ len .Alerts }} <hosts> & more'
        severity: '{{ .CommonLabels.severity }}'
        class: '{{ .CommonLabels.class }}'
        component: database
        group: '{{ .CommonLabels.team }}'
        source: '{{ .GroupLabels.alertname }}-source'
        details:
          firing: '{{ .Alerts.Firing | len }} firing'
          team: '{{ .CommonLabels.team }}'
        images:
          - src: 'https://grafana.example.com/render?team={{ .CommonLabels.team }}'
            alt: graph
            href: 'https://grafana.example.com/d/{{ .CommonLabels.team }}'
          - alt: 'no src: dropped'
        links:
          - href: '{{ .CommonAnnotations.runbook_url }}'
            text: Runbook
          - text: 'no href: dropped'
`;

export const POSTED_ALERTS = [
  {
    labels: {
      alertname: 'DiskFull',
      team: 'db',
      instance: 'db-2',
      severity: 'critical',
      class: 'disk',
    },
    annotations: { summary: 'disk <95%> full', runbook_url: 'https://runbooks.example.com/disk' },
    startsAt: '2024-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=disk&g0.tab=1',
  },
  {
    labels: {
      alertname: 'DiskFull',
      team: 'db',
      instance: 'db-1',
      severity: 'critical',
      class: 'disk',
    },
    annotations: { runbook_url: 'https://runbooks.example.com/disk' },
    startsAt: '2024-01-01T00:00:01Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=disk',
  },
];

const deliveries = new Map();
let onDelivery = () => {};
const sink = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const event = JSON.parse(body);
    // Only a flush that saw both alerts is the one to record.
    const complete = String(body).includes('db-1') && String(body).includes('db-2');
    if (
      (complete || request.url.startsWith('/custom')) &&
      event.payload &&
      !deliveries.has(request.url)
    ) {
      if (request.url.startsWith('/custom') && !body.includes('2 firing')) {
        response.writeHead(202).end('{"status":"success"}');
        return;
      }
      deliveries.set(request.url, {
        path: request.url,
        userAgent: request.headers['user-agent'],
        body,
      });
    }
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end('{"status":"success","message":"Event processed","dedup_key":"x"}');
    onDelivery();
  });
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkURL = `http://127.0.0.1:${sink.address().port}`;
const { url, output, stop } = await startAlertmanager(binary, {
  config: config(sinkURL),
  args: [`--web.external-url=${EXTERNAL_URL}`],
  env: { ...process.env, TZ: 'UTC' },
});
try {
  const received = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no delivery in time:\n${output.join('')}`)),
      20_000,
    );
    onDelivery = () => {
      if (deliveries.size < 2) return;
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
  sink.closeAllConnections();
  sink.close();
}
const fixture = {
  alertmanager: '0.25.0',
  externalURL: EXTERNAL_URL,
  alerts: POSTED_ALERTS,
  deliveries: [...deliveries.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
};
await writeFile(FIXTURE, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${fixture.deliveries.length} deliveries to ${FIXTURE.pathname}`);
