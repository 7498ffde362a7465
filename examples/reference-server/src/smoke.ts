// Smoke test: the example's configuration on an ephemeral port, one alert in, the same alert out.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { buildSources, serve } from '@phoenix-alerting/server';
import { createLogger } from '@phoenix-alerting/core';

const configFile = fileURLToPath(new URL('../phoenix.yml', import.meta.url));
const running = await serve({
  configFile,
  listen: '127.0.0.1:0',
  dataDir: ':memory:',
  logger: createLogger({ level: 'warn' }),
  handleSignals: false,
});
try {
  const labels = { alertname: 'SmokeTest', severity: 'warning', team: 'platform' };
  const posted = await fetch(`${running.address}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels, annotations: { summary: 'smoke test' } }]),
  });
  assert.equal(posted.status, 200, await posted.text());

  const alerts = (await (await fetch(`${running.address}/api/v2/alerts`)).json()) as {
    labels: Record<string, string>;
    receivers: { name: string }[];
    status: { state: string };
  }[];
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.labels, labels);
  assert.deepEqual(alerts[0]!.receivers, [{ name: 'pagerduty-warning' }]);
  assert.equal(alerts[0]!.status.state, 'active');

  const receivers = (await (await fetch(`${running.address}/api/v2/receivers`)).json()) as unknown;
  assert.deepEqual(receivers, [
    { name: 'default' },
    { name: 'pagerduty-critical' },
    { name: 'pagerduty-warning' },
    { name: 'slack-info' },
  ]);
  assert.equal((await fetch(`${running.address}/-/ready`)).status, 200);

  // The health-check source of phoenix.yml runs (it probes 127.0.0.1:9093, not this test's port,
  // and needs three failures in a row 30 s apart to fire, so it is not firing here).
  const metrics = await (await fetch(`${running.address}/metrics`)).text();
  assert.match(metrics, /^phoenix_healthcheck_firing\{source="self",check="phoenix-healthy"\} 0$/m);

  // The commented-out prometheus source loads the spec's rule files as phoenix.yml describes it.
  const [prometheus] = buildSources(
    {
      rule_files: ['rules/*.yml'],
      sources: [{ type: 'prometheus', url: 'http://127.0.0.1:9090' }],
    },
    { file: configFile },
  );
  assert.ok(prometheus && prometheus.type !== 'healthcheck');
  assert.deepEqual(
    prometheus.source.rules().map((rule) => rule.name),
    [
      'HighErrorRate',
      'HighLatency',
      'AgentUnhealthy',
      'HighCPUUsage',
      'HighMemoryUsage',
      'DiskSpaceCritical',
    ],
  );
  console.log(`reference server smoke test passed (${running.address})`);
} finally {
  await running.close();
}
