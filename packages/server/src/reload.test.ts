import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function configFile(text: string): { file: string; write(text: string): void } {
  const file = join(mkdtempSync(join(tmpdir(), 'phoenix-reload-')), 'phoenix.yml');
  writeFileSync(file, text);
  return { file, write: (next) => writeFileSync(file, next) };
}

const before = `
route:
  receiver: team-a
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: team-a
    console_configs: [{}]
`;

const after = (url: string) => `
route:
  receiver: team-a
  group_by: [alertname]
  group_wait: 0s
  routes:
    - matchers: [team="b"]
      receiver: team-b
receivers:
  - name: team-a
    console_configs: [{}]
  - name: team-b
    webhook_configs: [{ url: '${url}' }]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
`;

const metric = async (harness: Harness, name: string) =>
  Number(
    (await harness.server.metrics.metrics())
      .split('\n')
      .find((line) => line.startsWith(`${name} `))
      ?.split(' ')[1],
  );

describe('POST /-/reload', () => {
  it('swaps routes, receivers and inhibition rules; alerts and silences carry over', async () => {
    sink = await startSink();
    const config = configFile(before);
    harness = await startServer({ configFile: config.file });
    await harness.post('/api/v2/alerts', [
      { labels: { alertname: 'A', team: 'b', severity: 'critical' } },
      { labels: { alertname: 'A', team: 'b', severity: 'warning' } },
    ]);
    const { silenceID } = (await harness.post('/api/v2/silences', silenceBody({ x: 'y' }))).json();
    expect((await harness.json('/api/v2/alerts'))[0].receivers).toEqual([{ name: 'team-a' }]);

    config.write(after(sink.url));
    const reloaded = await harness.inject({ method: 'POST', url: '/-/reload' });
    expect(reloaded.statusCode).toBe(200);

    expect(await harness.json('/api/v2/receivers')).toEqual([
      { name: 'team-a' },
      { name: 'team-b' },
    ]);
    const alerts = await harness.json('/api/v2/alerts');
    expect(alerts).toHaveLength(2);
    expect(alerts.map((alert: any) => alert.receivers)).toEqual([
      [{ name: 'team-b' }],
      [{ name: 'team-b' }],
    ]);
    const warning = alerts.find((alert: any) => alert.labels.severity === 'warning');
    expect(warning.status.state).toBe('suppressed'); // the new inhibition rule applies
    expect((await harness.json('/api/v2/silences')).map((s: any) => s.id)).toEqual([silenceID]);
    expect((await harness.json('/api/v2/status')).config.original).toContain('team-b');

    // The new receiver works: a new alert for team b reaches the webhook.
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'C', team: 'b' } }]);
    await harness.clock.advance(1);
    await waitFor(() =>
      sink!.requests.some((request) => request.body.commonLabels.alertname === 'C'),
    );
    expect(await metric(harness, 'alertmanager_config_last_reload_successful')).toBe(1);
  });

  it('keeps the old configuration running when the new one is bad, and says why', async () => {
    const config = configFile(before);
    harness = await startServer({ configFile: config.file });
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'A' } }]);
    config.write('route:\n  receiver: nobody\nreceivers:\n  - name: team-a\n');

    const response = await harness.inject({ method: 'PUT', url: '/-/reload' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/^failed to reload config: invalid configuration:/);
    expect(response.body).toContain(`${config.file}: route.receiver`);
    expect(response.body).toContain('nobody');

    expect(await harness.json('/api/v2/receivers')).toEqual([{ name: 'team-a' }]);
    expect(await harness.json('/api/v2/alerts')).toHaveLength(1);
    expect(
      (await harness.post('/api/v2/alerts', [{ labels: { alertname: 'B' } }])).statusCode,
    ).toBe(200);
    expect((await harness.get('/-/ready')).statusCode).toBe(200);
    expect(await metric(harness, 'alertmanager_config_last_reload_successful')).toBe(0);

    // A bad receiver setting fails the same way.
    config.write(`${before}    webhook_configs: [{ url: 'not a url' }]\n`);
    const again = await harness.inject({ method: 'POST', url: '/-/reload' });
    expect(again.statusCode).toBe(500);
    expect(again.body).toContain('receivers[0].webhook_configs[0].url');

    config.write(before);
    expect((await harness.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
    expect(await metric(harness, 'alertmanager_config_last_reload_successful')).toBe(1);
  });

  it('hands alerts posted during a reload to the new pipeline', async () => {
    const config = configFile(before);
    harness = await startServer({ configFile: config.file });
    const posts = Array.from({ length: 20 }, (_, index) =>
      harness!.post('/api/v2/alerts', [{ labels: { alertname: `A${index}` } }]),
    );
    const reloads = [harness.server.reload(), harness.server.reload()];
    const statuses = (await Promise.all(posts)).map((response) => response.statusCode);
    await Promise.all(reloads);
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await harness.json('/api/v2/alerts')).toHaveLength(20);
  });
});
