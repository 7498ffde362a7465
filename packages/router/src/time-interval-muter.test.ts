import { createLogger, createPipeline, parseAlertmanagerConfig } from '@phoenix-alerting/core';
import type { Notification, Notifier, ProcessContext } from '@phoenix-alerting/core';
import {
  FakeClock,
  buildAlerts,
  buildNotification,
  buildRoute,
  createMemoryStore,
} from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createRouter } from './router.js';
import { createTimeIntervals } from './time-interval.js';
import { createTimeIntervalMuter } from './time-interval-muter.js';

const config = parseAlertmanagerConfig(`
route:
  receiver: ops
  routes:
    - matchers: [team="db"]
      receiver: db
      mute_time_intervals: [weekends, nights]
    - matchers: [team="web"]
      receiver: web
      active_time_intervals: [business-hours]
    - matchers: [team="both"]
      receiver: both
      active_time_intervals: [business-hours]
      mute_time_intervals: [lunch]
receivers:
  - name: ops
  - name: db
  - name: web
  - name: both
time_intervals:
  - name: business-hours
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{ start_time: '09:00', end_time: '17:00' }]
        location: America/Chicago
  - name: lunch
    time_intervals:
      - times: [{ start_time: '12:00', end_time: '13:00' }]
        location: America/Chicago
mute_time_intervals:
  - name: weekends
    time_intervals:
      - weekdays: [saturday, sunday]
  - name: nights
    time_intervals:
      - times: [{ start_time: '00:00', end_time: '06:00' }]
`);

const router = createRouter(config.route);
const muter = createTimeIntervalMuter([...config.mute_time_intervals, ...config.time_intervals]);
const alerts = buildAlerts(2);

function notificationFor(team: string): Notification {
  return buildNotification(alerts, { route: router.match({ team })[0]! });
}

function muteAt(team: string, time: string) {
  const context = { now: Date.parse(time) } as ProcessContext;
  return muter.mute!(notificationFor(team), context);
}

// Monday 2024-06-03; Chicago is UTC-5 (CDT).
describe('createTimeIntervalMuter', () => {
  it('passes routes without time intervals through untouched', () => {
    expect(muteAt('other', '2024-06-01T12:00:00Z')).toBe(alerts);
  });

  it('mutes every alert while the route is in one of its mute time intervals', () => {
    expect(muteAt('db', '2024-06-01T12:00:00Z')).toEqual([]); // Saturday
    expect(muteAt('db', '2024-06-03T05:59:00Z')).toEqual([]); // Monday night
    expect(muteAt('db', '2024-06-03T06:00:00Z')).toBe(alerts);
  });

  it('mutes every alert while the route is outside all of its active time intervals', () => {
    expect(muteAt('web', '2024-06-03T13:59:00Z')).toEqual([]); // 08:59 in Chicago
    expect(muteAt('web', '2024-06-03T14:00:00Z')).toBe(alerts); // 09:00 in Chicago
    expect(muteAt('web', '2024-06-03T21:59:00Z')).toBe(alerts); // 16:59 in Chicago
    expect(muteAt('web', '2024-06-03T22:00:00Z')).toEqual([]); // 17:00 in Chicago
    expect(muteAt('web', '2024-06-01T15:00:00Z')).toEqual([]); // Saturday
  });

  it('applies both: active hours minus the muted lunch hour', () => {
    expect(muteAt('both', '2024-06-03T16:59:00Z')).toBe(alerts); // 11:59
    expect(muteAt('both', '2024-06-03T17:00:00Z')).toEqual([]); // 12:00
    expect(muteAt('both', '2024-06-03T18:00:00Z')).toBe(alerts); // 13:00
  });

  it('uses the time of the pipeline tick, not the notification timestamp', () => {
    const notification = {
      ...notificationFor('db'),
      timestamp: Date.parse('2024-06-01T12:00:00Z'),
    };
    const monday = { now: Date.parse('2024-06-03T12:00:00Z') } as ProcessContext;
    expect(muter.mute!(notification, monday)).toBe(alerts);
  });

  it('accepts compiled intervals and a name', () => {
    const named = createTimeIntervalMuter(createTimeIntervals(config.mute_time_intervals), {
      name: 'quiet-hours',
    });
    expect(named.name).toBe('quiet-hours');
    expect(muter.name).toBe('time-intervals');
  });

  it('throws for a route naming an undefined interval', () => {
    const route = buildRoute({ muteTimeIntervals: ['holidays'] });
    const context = { now: Date.parse('2024-06-03T12:00:00Z') } as ProcessContext;
    expect(() => muter.mute!(buildNotification(alerts, { route }), context)).toThrow(
      'time interval "holidays" doesn\'t exist in config',
    );
  });
});

describe('createTimeIntervalMuter in a pipeline', () => {
  it('holds back notifications of a muted route and delivers the others', async () => {
    const received: Notification[] = [];
    const memory: Notifier = {
      name: 'memory',
      async notify(notification) {
        received.push(notification);
        return { ok: true };
      },
    };
    const pipeline = createPipeline({
      router,
      processors: [muter],
      receivers: { ops: [memory], db: [memory], web: [memory], both: [memory] },
      clock: new FakeClock('2024-06-01T12:00:00Z'), // a Saturday
      store: createMemoryStore(),
      logger: createLogger({ level: 'silent' }),
    });
    const muted: string[] = [];
    pipeline.events.on('notification-muted', ({ notification }) =>
      muted.push(notification.receiver),
    );
    await pipeline.start();
    await pipeline.emit([
      { labels: { alertname: 'Replication', team: 'db' } },
      { labels: { alertname: 'Latency', team: 'web' } },
      { labels: { alertname: 'Disk', team: 'ops' } },
    ]);
    await pipeline.stop();

    expect(received.map((notification) => notification.receiver)).toEqual(['ops']);
    expect(muted.sort()).toEqual(['db', 'web']);
  });
});
