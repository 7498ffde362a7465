// The server sends through the channel packages: PagerDuty's Events API for plain receivers (as
// Alertmanager) and for incident pages of a receiver with an escalation policy.
import { startFakePagerDuty } from '@phoenix-alerting/notifier-pagerduty/testing';
import type { FakePagerDuty } from '@phoenix-alerting/notifier-pagerduty/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, waitFor } from './test-harness.js';
import type { Harness } from './test-harness.js';

const KEY = '0123456789abcdef0123456789abcdef';

const config = (url: string) => `
route:
  receiver: pager
  group_by: [alertname]
  group_wait: 0s
  routes:
    - matchers: [severity="critical"]
      receiver: oncall
receivers:
  - name: pager
    pagerduty_configs:
      - routing_key: ${KEY}
        url: ${url}/v2/enqueue
  - name: oncall
    escalation_policy: critical
    pagerduty_configs:
      - routing_key: ${KEY}
        url: ${url}/v2/enqueue
severities:
  critical:
    channels: [pagerduty]
teams:
  backend:
    members: [{ name: alice, pagerduty: PABC123 }]
oncall_rotations:
  primary:
    shift_length_hours: 24
    handoff_time: "09:00"
    timezone: UTC
    members: [{ team: backend }]
escalation_policies:
  critical:
    - responders: [{ type: rotation, name: primary }]
      timeout_minutes: 15
`;

describe('channel receivers', () => {
  let harness: Harness | undefined;
  let pagerduty: FakePagerDuty | undefined;

  afterEach(async () => {
    await harness?.server.stop();
    await pagerduty?.close();
    harness = pagerduty = undefined;
  });

  it('sends pagerduty_configs events as Alertmanager does, and incident pages keyed by incident', async () => {
    pagerduty = await startFakePagerDuty();
    const fake = pagerduty;
    harness = await startServer({ configText: config(fake.url) });
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'Plain', severity: 'warning' } }]);
    await harness.clock.advance(1);
    await waitFor(() => fake.events.length >= 1);
    const plain = fake.events[0]!.event!;
    expect(plain).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      payload: { summary: expect.stringContaining('Plain'), severity: 'error' },
    });
    expect(plain.dedup_key).toMatch(/^[0-9a-f]{64}$/);

    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'Disk', severity: 'critical' } }]);
    await harness.clock.advance(1);
    await waitFor(() => fake.events.length >= 2);
    const [incident] = await harness.json('/api/phoenix/v1/incidents');
    const page = fake.events[1]!.event!;
    expect(page).toMatchObject({ event_action: 'trigger', dedup_key: incident.id });

    await harness.post(`/api/phoenix/v1/incidents/${incident.id}/acknowledge`, { by: 'alice' });
    await harness.clock.advance(1);
    await waitFor(() => fake.events.length >= 3);
    expect(fake.events[2]!.event).toMatchObject({
      event_action: 'acknowledge',
      dedup_key: incident.id,
    });
  });

  it('records every delivery attempt and its outcome in /api/phoenix/v1/notifications', async () => {
    pagerduty = await startFakePagerDuty();
    const fake = pagerduty;
    fake.enqueue({ status: 503, body: '{"status":"unavailable"}' });
    harness = await startServer({ configText: config(fake.url) });
    await harness.post('/api/v2/alerts', [{ labels: { alertname: 'Plain', severity: 'warning' } }]);
    await harness.clock.advance(1);
    await waitFor(() => fake.events.length >= 1);
    // The first attempt got a 503; the retry comes after the backoff.
    await harness.clock.advance(2_000);
    await waitFor(() => fake.events.length >= 2);
    let attempts: any[] = [];
    await waitFor(() => {
      void harness!
        .json('/api/phoenix/v1/notifications?receiver=pager')
        .then((list) => (attempts = list));
      return attempts.length >= 2;
    });
    expect(attempts.map((entry) => [entry.attempt, entry.ok, entry.statusCode])).toEqual([
      [2, true, null],
      [1, false, 503],
    ]);
    expect(attempts[1]).toMatchObject({
      integration: 'pager/pagerduty/0',
      reason: 'server',
      willRetry: true,
      firing: 1,
    });
    expect(attempts[1].message).not.toContain(KEY);
  });

  it('reports a bad pagerduty_configs entry with its path', async () => {
    await expect(
      startServer({
        configText: config('http://127.0.0.1:9').replace(`routing_key: ${KEY}`, 'client: x'),
      }),
    ).rejects.toThrow(/receivers\[0\]\.pagerduty_configs\[0\]/);
  });
});
