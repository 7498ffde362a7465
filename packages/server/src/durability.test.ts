// A restart on the same SQLite directory keeps alerts, silences, groups and the notification log:
// nothing is lost and nothing already sent is sent again.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { T0, silenceBody, startServer, startSink, waitFor } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness | undefined;
let sink: Awaited<ReturnType<typeof startSink>> | undefined;
afterEach(async () => {
  await harness?.server.stop();
  await sink?.close();
  harness = sink = undefined;
});

const config = (url: string) => `
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs: [{ url: '${url}' }]
`;

describe('restart with SQLite', () => {
  it('keeps alerts and silences and does not resend what was delivered', async () => {
    sink = await startSink();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'phoenix-server-')), 'data');
    const clock = new FakeClock(T0);
    const endsAt = '2024-06-02T00:00:00Z'; // explicit: no resolve_timeout guess

    harness = await startServer({ configText: config(sink.url), dataDir, clock });
    await harness.post('/api/v2/alerts', [
      { labels: { alertname: 'DiskFull', instance: 'db-1' }, endsAt },
      { labels: { alertname: 'Silenced', instance: 'db-1' }, endsAt },
    ]);
    const { silenceID } = (
      await harness.post('/api/v2/silences', silenceBody({ alertname: 'Silenced' }, { endsAt }))
    ).json();
    await clock.advance(10_000); // group_wait
    await waitFor(() => sink!.requests.length === 1);
    const before = await harness.json('/api/v2/alerts');
    await harness.server.stop();
    expect(readdirSync(dataDir)).toContain('phoenix-alerting.sqlite');
    expect(sink.requests[0]!.body.alerts.map((alert: any) => alert.labels.alertname)).toEqual([
      'DiskFull',
    ]);

    await clock.advance(30_000); // down for half a minute
    harness = await startServer({ configText: config(sink.url), dataDir, clock });
    expect(await harness.json('/api/v2/alerts')).toEqual(before);
    const silences = await harness.json('/api/v2/silences');
    expect(silences.map((silence: any) => [silence.id, silence.status.state])).toEqual([
      [silenceID, 'active'],
    ]);

    // The group resumes its cadence; the notification log knows DiskFull was sent.
    await clock.advance(2 * 60_000);
    await harness.post('/api/v2/alerts', [
      { labels: { alertname: 'DiskFull', instance: 'db-1' }, endsAt },
    ]);
    await clock.advance(2 * 60_000);
    await harness.server.stop();
    expect(sink.requests).toHaveLength(1);

    // It still notifies: a repeat is due once repeat_interval has passed since the send.
    harness = await startServer({ configText: config(sink.url), dataDir, clock });
    await clock.advance(60 * 60_000);
    await waitFor(() => sink!.requests.length === 2);
    expect(sink.requests[1]!.body.groupKey).toBe(sink.requests[0]!.body.groupKey);
  });
});
