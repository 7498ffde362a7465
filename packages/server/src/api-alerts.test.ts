import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '@phoenix-alerting/core';
import { definitions, expectGettableAlert, expectShape } from './openapi-shapes.js';
import { T0, silenceBody, startServer } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness;
afterEach(async () => {
  await harness?.server.stop();
});

const critical = { alertname: 'HighLatency', team: 'web', severity: 'critical' };
const warning = { alertname: 'HighLatency', team: 'web', severity: 'warning' };
const info = { alertname: 'DiskFull', team: 'db', instance: 'db-1' };

describe('POST /api/v2/alerts', () => {
  it('accepts alerts, answers 200 with no body, and shows them at once', async () => {
    harness = await startServer();
    const response = await harness.post('/api/v2/alerts', [
      { labels: info, annotations: { summary: 'disk 95% full' } },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    const alerts = await harness.json('/api/v2/alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].labels).toEqual(info);
    expect(alerts[0].annotations).toEqual({ summary: 'disk 95% full' });
  });

  it('sets a missing startsAt to now and a missing endsAt to now + resolve_timeout', async () => {
    harness = await startServer();
    await harness.clock.advance(1_234);
    await harness.post('/api/v2/alerts', [{ labels: info }]);
    const [alert] = await harness.json('/api/v2/alerts');
    expect(alert.startsAt).toBe('2024-06-01T00:00:01.234Z');
    expect(alert.updatedAt).toBe('2024-06-01T00:00:01.234Z');
    expect(alert.endsAt).toBe('2024-06-01T00:05:01.234Z');
  });

  it('keeps explicit times, printed as RFC 3339 with milliseconds in UTC', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [
      {
        labels: info,
        startsAt: '2024-05-31T23:00:00.5+01:00',
        endsAt: '2024-06-01T02:00:00.123456789Z',
        generatorURL: 'http://prometheus:9090/graph',
      },
    ]);
    const [alert] = await harness.json('/api/v2/alerts');
    expect(alert.startsAt).toBe('2024-05-31T22:00:00.500Z');
    expect(alert.endsAt).toBe('2024-06-01T02:00:00.123Z');
    expect(alert.generatorURL).toBe('http://prometheus:9090/graph');
  });

  it('removes empty label values before fingerprinting, as Alertmanager', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: { ...info, empty: '' } }]);
    const [alert] = await harness.json('/api/v2/alerts');
    expect(alert.labels).toEqual(info);
    expect(alert.fingerprint).toBe(fingerprint(info));
  });

  it('merges repeated posts of one alert (earliest start kept)', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: info, startsAt: T0 }]);
    await harness.clock.advance(60_000);
    await harness.post('/api/v2/alerts', [{ labels: info, startsAt: '2024-06-01T00:01:00Z' }]);
    const alerts = await harness.json('/api/v2/alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].startsAt).toBe(T0);
    expect(alerts[0].updatedAt).toBe('2024-06-01T00:01:00.000Z');
  });

  it('stores the valid alerts of a batch and names each invalid one in a 400', async () => {
    harness = await startServer();
    const response = await harness.post('/api/v2/alerts', [
      { labels: info },
      { labels: {} },
      { labels: critical },
      { labels: { '0bad': 'x' } },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const message = response.json();
    expect(message).toMatch(/^alerts\[1\]: at least one label pair required; alerts\[3\]: /);
    expect(message).toContain('0bad');
    const alerts = await harness.json('/api/v2/alerts');
    expect(alerts.map((alert: any) => alert.labels.alertname).sort()).toEqual([
      'DiskFull',
      'HighLatency',
    ]);
  });

  it('answers every one of many concurrent posts of overlapping alerts', async () => {
    harness = await startServer({ pipeline: { ingestQueueSize: 10 } }); // backpressure too
    const posts = Array.from({ length: 50 }, (_, index) =>
      harness.post('/api/v2/alerts', [
        { labels: info },
        { labels: { alertname: 'Load', instance: `i-${index}` } },
        ...(index % 5 === 0 ? [{ labels: {} }] : []),
      ]),
    );
    const statuses = (await Promise.all(posts)).map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(40);
    expect(statuses.filter((status) => status === 400)).toHaveLength(10);
    expect(await harness.json('/api/v2/alerts')).toHaveLength(51);
  });

  it('hides alerts resolved before now', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [
      { labels: info, startsAt: '2024-05-31T23:00:00Z', endsAt: '2024-05-31T23:30:00Z' },
    ]);
    expect(await harness.json('/api/v2/alerts')).toEqual([]);
  });
});

describe('GET /api/v2/alerts', () => {
  it('returns gettableAlerts as the openapi definition has them, sorted by fingerprint', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [
      { labels: info },
      { labels: critical },
      { labels: warning },
    ]);
    const alerts = await harness.json('/api/v2/alerts');
    expect(alerts).toHaveLength(3);
    for (const alert of alerts) expectGettableAlert(alert);
    const fingerprints = alerts.map((alert: any) => alert.fingerprint);
    expect(fingerprints).toEqual([...fingerprints].sort());
    // No generatorURL given: the field is left out (omitempty).
    expect(alerts[0]).not.toHaveProperty('generatorURL');
  });

  it('lists the receivers of every route an alert matches', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: info }, { labels: critical }]);
    const alerts = await harness.json('/api/v2/alerts');
    const byName = Object.fromEntries(alerts.map((a: any) => [a.labels.alertname, a.receivers]));
    expect(byName).toEqual({
      DiskFull: [{ name: 'default' }],
      HighLatency: [{ name: 'pagerduty-critical' }],
    });
  });

  it('reports inhibition in status.inhibitedBy and state suppressed', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: critical }, { labels: warning }]);
    const alerts = await harness.json('/api/v2/alerts');
    const target = alerts.find((alert: any) => alert.labels.severity === 'warning');
    const source = alerts.find((alert: any) => alert.labels.severity === 'critical');
    expect(target.status).toEqual({
      inhibitedBy: [fingerprint(critical)],
      silencedBy: [],
      state: 'suppressed',
    });
    expect(source.status).toEqual({ inhibitedBy: [], silencedBy: [], state: 'active' });
  });

  it('filters by state, matchers and receiver', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [
      { labels: info },
      { labels: critical },
      { labels: warning },
    ]);
    const silence = await harness.post('/api/v2/silences', silenceBody({ alertname: 'DiskFull' }));
    expect(silence.statusCode).toBe(200);
    const names = async (query: string) =>
      (await harness.json(`/api/v2/alerts${query}`))
        .map((alert: any) => `${alert.labels.alertname}/${alert.labels.severity ?? '-'}`)
        .sort();

    expect(await names('')).toEqual(['DiskFull/-', 'HighLatency/critical', 'HighLatency/warning']);
    expect(await names('?silenced=false')).toEqual(['HighLatency/critical', 'HighLatency/warning']);
    expect(await names('?inhibited=false')).toEqual(['DiskFull/-', 'HighLatency/critical']);
    expect(await names('?active=false')).toEqual(['DiskFull/-', 'HighLatency/warning']);
    expect(await names('?silenced=false&inhibited=false')).toEqual(['HighLatency/critical']);
    expect(await names('?unprocessed=false')).toHaveLength(3);
    expect(await names('?filter=alertname%3D%22HighLatency%22')).toEqual([
      'HighLatency/critical',
      'HighLatency/warning',
    ]);
    expect(
      await names('?filter=alertname%3D%22HighLatency%22&filter=severity%3D~%22crit.*%22'),
    ).toEqual(['HighLatency/critical']);
    expect(await names('?filter=severity!%3D%22critical%22')).toEqual([
      'DiskFull/-',
      'HighLatency/warning',
    ]);
    // ... and name!="" where it is present.
    expect(await names('?filter=severity!%3D%22%22')).toEqual([
      'HighLatency/critical',
      'HighLatency/warning',
    ]);
    // Alertmanager's filter semantics: name="" matches where the label is absent.
    expect(await names('?filter=severity%3D%22%22')).toEqual(['DiskFull/-']);
    expect(await names('?receiver=pagerduty-.*')).toEqual([
      'HighLatency/critical',
      'HighLatency/warning',
    ]);
    expect(await names('?receiver=pagerduty')).toEqual([]); // anchored
  });

  it('shows a silence at once, even for an alert already notified', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: critical }]);
    const { silenceID } = (
      await harness.post('/api/v2/silences', silenceBody({ severity: 'critical' }))
    ).json();
    const [alert] = await harness.json('/api/v2/alerts');
    expect(alert.status).toEqual({ inhibitedBy: [], silencedBy: [silenceID], state: 'suppressed' });
    await harness.inject({ method: 'DELETE', url: `/api/v2/silence/${silenceID}` });
    const [after] = await harness.json('/api/v2/alerts');
    expect(after.status).toEqual({ inhibitedBy: [], silencedBy: [], state: 'active' });
  });

  it('answers a pathological regex filter in linear time', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'a'.repeat(5_000) + '!' } }]);
    const started = performance.now();
    const query = encodeURIComponent('alertname=~"(a+)+$"');
    expect(await harness.json(`/api/v2/alerts?filter=${query}`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('GET /api/v2/alerts/groups', () => {
  it('returns alertGroups as the openapi definition has them', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [
      { labels: { ...info, instance: 'db-2' } },
      { labels: info },
      { labels: critical },
    ]);
    const groups = await harness.json('/api/v2/alerts/groups');
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expectShape(group, definitions.alertGroup);
      expectShape(group.receiver, definitions.receiver);
      for (const alert of group.alerts) expectGettableAlert(alert);
    }
    expect(
      groups.map((group: any) => [group.labels, group.receiver.name, group.alerts.length]),
    ).toEqual([
      [{ alertname: 'DiskFull', team: 'db' }, 'default', 2],
      [{ alertname: 'HighLatency', team: 'web' }, 'pagerduty-critical', 1],
    ]);
  });

  it('filters by receiver, state and matchers', async () => {
    harness = await startServer();
    await harness.post('/api/v2/alerts', [
      { labels: info },
      { labels: critical },
      { labels: warning },
    ]);
    const receivers = async (query: string) =>
      (await harness.json(`/api/v2/alerts/groups${query}`)).map((g: any) => g.receiver.name);
    expect(await receivers('')).toEqual(['default', 'pagerduty-critical', 'pagerduty-warning']);
    expect(await receivers('?receiver=default')).toEqual(['default']);
    expect(await receivers('?inhibited=false')).toEqual(['default', 'pagerduty-critical']);
    expect(await receivers('?filter=team%3D%22db%22')).toEqual(['default']);
  });
});
