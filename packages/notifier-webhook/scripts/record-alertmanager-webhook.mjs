#!/usr/bin/env node
// Records what a real Alertmanager POSTs to its webhook receivers into
// src/__fixtures__/alertmanager-webhook.json: the raw request bodies (byte for byte) and
// headers. Needs Alertmanager 0.25 (Debian: `apt-get install prometheus-alertmanager`); no npm
// dependencies.
//
//   node scripts/record-alertmanager-webhook.mjs [path/to/alertmanager]
//
// The functions are exported for the live differential test in src/webhook-notifier.test.ts.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
// Starting Alertmanager and waiting for it is shared with core's fingerprint recorder.
import { startAlertmanager } from '../../core/scripts/collect-fingerprints.mjs';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const FIXTURE_URL = new URL(
  '../src/__fixtures__/alertmanager-webhook.json',
  import.meta.url,
);
export const EXTERNAL_URL = 'http://alertmanager.example.com:9093/am';
export const SECRET_TOKEN = 'fixture-bearer-token';

// Generous: on a loaded CI machine (2 CPUs, every suite at once) Alertmanager has taken over 20 s.
const DELIVERY_TIMEOUT_MS = 60_000;

/** Three integrations over two routes of the same alerts: plain, truncated, and basic auth. */
export function alertmanagerConfig(sinkURL) {
  return `
route:
  receiver: 'null'
  routes:
    - matchers: ['team="web"']
      receiver: 'team.web+ops'
      group_by: [alertname]
      group_wait: 1s
      # Short, so that a flush cut short by a busy machine is followed by a complete one.
      group_interval: 2s
      repeat_interval: 4h
      continue: true
    - matchers: ['team="web"']
      receiver: truncated
      group_by: [alertname, team]
      group_wait: 1s
      # Short, so that a flush cut short by a busy machine is followed by a complete one.
      group_interval: 2s
      repeat_interval: 4h
receivers:
  - name: 'null'
  - name: 'team.web+ops'
    webhook_configs:
      - url: '${sinkURL}/all'
        http_config:
          authorization:
            credentials: '${SECRET_TOKEN}'
  - name: truncated
    webhook_configs:
      - url: '${sinkURL}/truncated'
        max_alerts: 2
        send_resolved: true
        http_config:
          basic_auth:
            username: phoenix
            password: fixture-password
`;
}

/**
 * The posted alerts, one group (`alertname="HighLatency"`): firing and resolved, with and without
 * `job`/`instance` (which lead Alertmanager's sort order), HTML-special and control characters,
 * non-ASCII text and times with trailing-zero milliseconds.
 */
export const POSTED_ALERTS = [
  {
    labels: {
      alertname: 'HighLatency',
      team: 'web',
      job: 'api',
      instance: 'b:9090',
      severity: 'critical',
    },
    annotations: {
      summary: 'p99 <1s> & "rising"',
      description: 'line1\nline2\ttab \b\f é 日本 😀 \u2028\u2029 \\ </script>',
      runbook: 'https://runbooks.example.com/latency',
    },
    startsAt: '2024-01-01T00:00:00.123Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=latency&g0.tab=1',
  },
  {
    labels: {
      alertname: 'HighLatency',
      team: 'web',
      job: 'api',
      instance: 'a:9090',
      severity: 'warning',
    },
    annotations: {
      summary: 'resolved one',
      runbook: 'https://runbooks.example.com/latency',
    },
    startsAt: '2024-01-01T00:00:01Z',
    endsAt: '2024-01-01T01:00:00.5Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
  },
  {
    labels: {
      alertname: 'HighLatency',
      team: 'web',
      job: 'db',
      instance: 'a:9090',
      severity: 'critical',
    },
    annotations: { summary: 'db', runbook: 'https://runbooks.example.com/latency' },
    startsAt: '2024-01-01T00:00:00.1Z',
  },
  {
    labels: { alertname: 'HighLatency', team: 'web', instance: 'a:9090', zone: 'eu-1' },
    annotations: { runbook: 'https://runbooks.example.com/latency' },
    startsAt: '2024-01-01T00:00:02.120Z',
  },
  {
    labels: { alertname: 'HighLatency', team: 'web', job: 'api', severity: 'critical' },
    annotations: { runbook: 'https://runbooks.example.com/latency' },
    startsAt: '2024-01-01T00:00:03Z',
  },
];

async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server.address().port;
}

/**
 * Runs Alertmanager against a local sink, posts {@link POSTED_ALERTS} and resolves to the
 * deliveries it made, one per webhook path: `{ path, headers, body }`, `body` the raw text.
 */
export async function recordWebhookDeliveries(binary = ALERTMANAGER_BINARY) {
  const deliveries = new Map();
  const seen = [];
  let onDelivery = () => {};
  const sink = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // On a busy machine Alertmanager can flush a group before it has inserted every alert of the
      // POST: only a delivery that accounts for all posted alerts is the one to record.
      const message = JSON.parse(body);
      const complete = message.alerts.length + message.truncatedAlerts === POSTED_ALERTS.length;
      seen.push(`${request.url}: ${message.alerts.length} alerts${complete ? '' : ' (partial)'}`);
      if (complete && !deliveries.has(request.url)) {
        const { host: _host, ...headers } = request.headers;
        deliveries.set(request.url, { path: request.url, method: request.method, headers, body });
      }
      response.end();
      onDelivery();
    });
  });
  const sinkURL = `http://127.0.0.1:${await listen(sink)}`;

  let alertmanager;
  try {
    alertmanager = await startAlertmanager(binary, {
      config: alertmanagerConfig(sinkURL),
      args: [`--web.external-url=${EXTERNAL_URL}`, '--web.route-prefix=/'],
      env: { ...process.env, TZ: 'UTC' },
    });
    const { url, output } = alertmanager;
    const received = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no complete webhook delivery to both receivers in ${DELIVERY_TIMEOUT_MS} ms ` +
                `(received: ${seen.join('; ') || 'nothing'}):\n${output.join('')}`,
            ),
          ),
        DELIVERY_TIMEOUT_MS,
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
    if (!posted.ok) throw new Error(`POST /api/v2/alerts: ${posted.status} ${await posted.text()}`);
    await received;
  } finally {
    await alertmanager?.stop();
    sink.closeAllConnections();
    await new Promise((resolve) => sink.close(resolve));
  }
  return [...deliveries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Alertmanager's version, from `--version`. */
export async function alertmanagerVersion(binary = ALERTMANAGER_BINARY) {
  const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', (chunk) => chunks.push(String(chunk)));
  child.stderr.on('data', (chunk) => chunks.push(String(chunk)));
  await new Promise((resolve) => child.once('exit', resolve));
  return /version (\S+)/.exec(chunks.join(''))?.[1] ?? 'unknown';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = process.argv[2] ?? ALERTMANAGER_BINARY;
  const deliveries = await recordWebhookDeliveries(binary);
  const fixture = {
    recordedWith: `alertmanager ${await alertmanagerVersion(binary)}`,
    externalURL: EXTERNAL_URL,
    postedAlerts: POSTED_ALERTS,
    deliveries,
  };
  await writeFile(FIXTURE_URL, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${deliveries.length} deliveries to ${fileURLToPath(FIXTURE_URL)}`);
}
