import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApi } from '@phoenix-alerting/source-prometheus/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { silenceBody, startServer, startSink, waitFor } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness | undefined;
let sink: Awaited<ReturnType<typeof startSink>> | undefined;
afterEach(async () => {
  await harness?.server.stop();
  await sink?.close();
  harness = sink = undefined;
});

/** The value of one series in a text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const config = (url: string) => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: hook
    webhook_configs: [{ url: '${url}' }]
`;

describe('/metrics', () => {
  it('exposes Alertmanager and Phoenix metrics fed by traffic', async () => {
    sink = await startSink();
    harness = await startServer({ configText: config(sink.url) });
    await harness.server.reload(); // a successful reload
    await harness.post('/api/v2/alerts', [
      { labels: { alertname: 'A' } },
      {
        labels: { alertname: 'B' },
        startsAt: '2024-05-31T00:00:00Z',
        endsAt: '2024-05-31T01:00:00Z',
      },
      { labels: {} },
    ]);
    await harness.post('/api/v2/silences', silenceBody({ alertname: 'B' }));
    await harness.clock.advance(1);
    await waitFor(() => sink!.requests.length === 1);

    const response = await harness.get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(sample(text, 'alertmanager_alerts_received_total{status="firing",version="v2"}')).toBe(
      2,
    );
    expect(sample(text, 'alertmanager_alerts_received_total{status="resolved",version="v2"}')).toBe(
      1,
    );
    expect(sample(text, 'alertmanager_alerts_invalid_total{version="v2"}')).toBe(1);
    expect(sample(text, 'alertmanager_alerts{state="active"}')).toBe(1);
    expect(sample(text, 'alertmanager_alerts{state="suppressed"}')).toBe(0);
    expect(sample(text, 'alertmanager_silences{state="active"}')).toBe(1);
    expect(sample(text, 'alertmanager_silences{state="expired"}')).toBe(0);
    expect(sample(text, 'alertmanager_notifications_total{integration="webhook"}')).toBe(1);
    expect(sample(text, 'alertmanager_notification_requests_total{integration="webhook"}')).toBe(1);
    expect(
      sample(text, 'alertmanager_notification_requests_failed_total{integration="webhook"}'),
    ).toBe(0);
    expect(
      sample(text, 'alertmanager_notification_latency_seconds_count{integration="webhook"}'),
    ).toBe(1);
    expect(sample(text, 'alertmanager_notifications_total{integration="email"}')).toBe(0);
    expect(sample(text, 'alertmanager_config_last_reload_successful')).toBe(1);
    expect(sample(text, 'alertmanager_config_last_reload_success_timestamp_seconds')).toBe(
      Date.parse('2024-06-01T00:00:00Z') / 1000,
    );
    expect(text).toMatch(/^alertmanager_config_hash \d+$/m);
    expect(text).toMatch(
      /^alertmanager_build_info\{version="0.25.0",revision="phoenix-alerting@[^"]+",branch="",goversion="node v[\d.]+",goos="\w+",goarch="\w+"\} 1$/m,
    );
    expect(sample(text, 'alertmanager_cluster_enabled')).toBe(0);
    expect(sample(text, 'alertmanager_dispatcher_aggregation_groups')).toBe(1);
    expect(sample(text, 'phoenix_ingest_queue_depth')).toBe(0);
    expect(sample(text, 'phoenix_delivery_queue_depth{integration="hook/webhook/0"}')).toBe(0);
    expect(text).toContain('# TYPE phoenix_plugin_failures_total counter');
  });

  it('counts failed notifications by integration and Alertmanager reason', async () => {
    sink = await startSink(400);
    harness = await startServer({ configText: config(sink.url) });
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'A' } }]);
    await harness.clock.advance(1);
    await waitFor(() => sink!.requests.length === 1);
    await harness.server.stop(); // drains: the failure is recorded
    const text = await harness.server.metrics.metrics();
    expect(sample(text, 'alertmanager_notifications_total{integration="webhook"}')).toBe(1);
    expect(
      sample(
        text,
        'alertmanager_notifications_failed_total{integration="webhook",reason="clientError"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'alertmanager_notification_requests_failed_total{integration="webhook"}'),
    ).toBe(1);
  });

  it('gives each server its own registry', async () => {
    const first = await startServer();
    const second = await startServer();
    await first.post('/api/v2/alerts', [{ labels: { alertname: 'A' } }]);
    const count = async (server: Harness) =>
      sample(
        await server.server.metrics.metrics(),
        'alertmanager_alerts_received_total{status="firing",version="v2"}',
      );
    expect(await count(first)).toBe(1);
    expect(await count(second)).toBe(0);
    await first.server.stop();
    await second.server.stop();
  });

  it('exposes Prometheus’ rule metrics and health-check gauges, monotonic across reloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-metrics-'));
    const rules = join(dir, 'rules.yml');
    writeFileSync(
      rules,
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n',
    );
    const fake = await startFakeApi(() => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [] } },
    }));
    try {
      harness = await startServer({
        configText: `${config('http://127.0.0.1:9/hook')}
sources:
  - type: prometheus
    name: prom
    url: ${fake.url}
    rule_files: ['${rules}']
  - type: healthcheck
    name: probes
    checks: [{ name: self, type: tcp, address: '127.0.0.1:9', interval: 1m }]
`,
      });
      const h = harness;
      const group = `source="prom",rule_group="${rules};g"`;
      const scrape = async () => (await h.get('/metrics')).body;
      let text = await scrape();
      expect(text).toContain('# TYPE prometheus_rule_evaluations_total counter');
      expect(sample(text, `prometheus_rule_evaluations_total{${group}}`)).toBe(0);
      expect(sample(text, `prometheus_rule_group_rules{${group}}`)).toBe(1);
      expect(
        sample(text, `prometheus_rule_group_last_evaluation_timestamp_seconds{${group}}`),
      ).toBe(0);
      // Before its first run a check has no `up` yet.
      expect(sample(text, 'phoenix_healthcheck_up{source="probes",check="self"}')).toBeUndefined();
      expect(sample(text, 'phoenix_healthcheck_firing{source="probes",check="self"}')).toBe(0);

      await h.clock.advance(0);
      await waitFor(() => fake.requests.length === 1);
      await h.server.reload();
      await h.clock.advance(0);
      await waitFor(() => fake.requests.length === 2);
      await h.clock.advance(0);
      let evaluations: number | undefined;
      await waitFor(() => {
        void scrape().then((body) => {
          text = body;
          evaluations = sample(body, `prometheus_rule_evaluations_total{${group}}`);
        });
        return evaluations === 2;
      });
      expect(sample(text, `prometheus_rule_evaluation_failures_total{${group}}`)).toBe(0);
      expect(
        sample(text, `prometheus_rule_group_last_evaluation_timestamp_seconds{${group}}`),
      ).toBe(Date.parse('2024-06-01T00:00:00Z') / 1000);
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
