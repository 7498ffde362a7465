import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.js';
import { MINUTE, T0, specConfig } from './test-support.js';

describe('simulate', () => {
  it('shows the critical policy paging at 0, 15 and 30 minutes, then stopping at the ack', async () => {
    const config = specConfig();
    const result = await simulate({
      config,
      labels: { alertname: 'DiskFull', severity: 'critical' },
      at: T0,
    });
    expect(result).toMatchObject({
      severity: 'critical',
      policy: 'critical',
      status: 'new',
      exhausted: true,
    });
    expect(
      result.pages.map((page) => [page.offsetMs / MINUTE, page.level, page.event, page.channels]),
    ).toEqual([
      [0, 1, 'triggered', ['pagerduty', 'sms', 'slack']],
      [15, 2, 'escalated', ['pagerduty', 'sms', 'slack']],
      [30, 3, 'escalated', ['pagerduty', 'sms', 'slack']],
      [30, 3, 'escalated', ['pagerduty', 'sms', 'slack']],
    ]);
    expect(result.pages.slice(2).map((page) => page.person)).toEqual(['dana', 'dave']);

    const acked = await simulate({
      config,
      labels: { alertname: 'DiskFull', severity: 'critical' },
      at: T0,
      ackAfterMs: 20 * MINUTE,
      resolveAfterMs: 30 * MINUTE,
    });
    expect(acked.status).toBe('resolved');
    expect(acked.pages.map((page) => [page.offsetMs / MINUTE, page.event])).toEqual([
      [0, 'triggered'],
      [15, 'escalated'],
      // Both people paged hear of the acknowledgement, then of the resolution.
      ...(acked.pages[0]!.person === acked.pages[1]!.person
        ? [
            [20, 'acknowledged'],
            [30, 'resolved'],
          ]
        : [
            [20, 'acknowledged'],
            [20, 'acknowledged'],
            [30, 'resolved'],
            [30, 'resolved'],
          ]),
    ]);
    expect(acked.timeline.map((event) => event.kind)).toContain('incident-acknowledged');
  });

  it('uses default_severity and its policy for an alert without a known severity', async () => {
    const result = await simulate({
      config: specConfig(),
      labels: { alertname: 'Odd', severity: 'urgent' },
      at: T0,
      horizonMs: 20 * MINUTE,
    });
    expect(result).toMatchObject({ severity: 'warning', policy: 'warning' });
    expect(result.pages.map((page) => page.channels)).toEqual([['pagerduty', 'slack']]);
  });
});
