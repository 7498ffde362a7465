// The three processors in a real core pipeline: dedup, then silences, then inhibition, as the
// reference server composes them.
import { createAlertMarker, createPipeline, fingerprint } from '@phoenix-alerting/core';
import type {
  Alert,
  DispatchContext,
  Dispatcher,
  Notification,
  Notifier,
  TimerHandle,
} from '@phoenix-alerting/core';
import {
  FakeClock,
  buildRoute,
  createMemoryStore,
  flushMicrotasks,
} from '@phoenix-alerting/core/testing';
import { createDedupProcessor } from '@phoenix-alerting/processor-dedup';
import { createInhibitor } from '@phoenix-alerting/processor-inhibit';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createSilenceProcessor } from './silence-processor.js';
import { createSilences } from './silences.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/**
 * Holds every alert it is given and flushes them all as one group every `intervalMs`, as an
 * aggregation group does at `group_interval`: later flushes happen with no new alert arriving.
 */
function createIntervalDispatcher(intervalMs: number): Dispatcher {
  const held = new Map<string, Alert>();
  let context: DispatchContext | undefined;
  let timer: TimerHandle | undefined;
  const arm = () => {
    timer = context!.clock.setTimeout(() => {
      arm();
      if (held.size === 0) return;
      void context!.notify({
        receiver: 'default',
        groupKey: '{}:{}',
        groupLabels: {},
        alerts: [...held.values()],
        timestamp: context!.clock.now(),
        route: buildRoute(),
      });
    }, intervalMs);
  };
  return {
    start(dispatchContext) {
      context = dispatchContext;
      arm();
    },
    dispatch(batch) {
      for (const alert of batch) held.set(alert.fingerprint, alert);
    },
    stop() {
      if (timer !== undefined) context?.clock.clearTimeout(timer);
    },
  };
}

function setup(dispatcher?: (clock: FakeClock) => Dispatcher) {
  const clock = new FakeClock(T0);
  const store = createMemoryStore();
  const logger = pino({ level: 'silent' });
  const marker = createAlertMarker();
  const silences = createSilences({ store, clock, marker, logger });
  const received: Notification[] = [];
  const memory: Notifier = {
    name: 'memory',
    async notify(notification) {
      received.push(notification);
      return { ok: true };
    },
  };
  const pipeline = createPipeline({
    clock,
    store,
    logger,
    processors: [
      createDedupProcessor({ marker }),
      createSilenceProcessor(silences),
      createInhibitor({
        marker,
        rules: [
          {
            source_matchers: ['severity="critical"'],
            target_matchers: ['severity="warning"'],
            equal: ['alertname'],
          },
        ],
      }),
    ],
    receivers: { default: [memory] },
    ...(dispatcher ? { dispatcher: dispatcher(clock) } : {}),
  });
  const muted: Notification[] = [];
  pipeline.events.on('notification-muted', ({ notification }) => muted.push(notification));
  const until = async (condition: () => boolean) => {
    for (let round = 0; round < 50 && !condition(); round++) await flushMicrotasks();
    expect(condition()).toBe(true);
  };
  const names = (notification: Notification | undefined) =>
    notification?.alerts.map((alert) => alert.labels.alertname);
  return { clock, store, marker, silences, pipeline, received, muted, until, names };
}

describe('silences in a pipeline', () => {
  it('does not notify a silenced alert, and the marker shows the silence', async () => {
    const t = setup();
    await t.pipeline.start();
    const silence = await t.silences.create({
      matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }],
      endsAt: T0 + HOUR,
      createdBy: 'oncall',
      comment: 'disk being replaced',
    });
    const disk = { alertname: 'DiskFull', instance: 'db-1' };
    const latency = { alertname: 'HighLatency', instance: 'web-1' };
    await t.pipeline.emit([{ labels: disk }, { labels: latency }]);
    await t.until(() => t.received.length === 1);

    expect(t.names(t.received[0])).toEqual(['HighLatency']);
    expect(t.marker.status(fingerprint(disk))).toEqual({
      state: 'suppressed',
      silencedBy: [silence.id],
      inhibitedBy: [],
    });
    expect(t.marker.status(fingerprint(latency)).state).toBe('active');
    // Dedup stored both alerts, silenced or not.
    expect((await t.store.alerts.list()).length).toBe(2);
    await t.pipeline.stop();
  });

  it('mutes the next notification when the silence is created after the alert arrived', async () => {
    const t = setup(() => createIntervalDispatcher(30_000));
    await t.pipeline.start();
    const labels = { alertname: 'DiskFull', instance: 'db-1' };
    await t.pipeline.emit([{ labels, endsAt: new Date(T0 + HOUR) }]);
    await t.clock.advance(30_000);
    await t.until(() => t.received.length === 1);
    expect(t.names(t.received[0])).toEqual(['DiskFull']);

    const silence = await t.silences.create({
      matchers: [{ name: 'instance', value: 'db-.+', isRegex: true }],
      endsAt: T0 + HOUR,
    });
    // The group flushes again with no new alert: the silence applies at flush time.
    await t.clock.advance(30_000);
    await t.until(() => t.muted.length === 1);
    expect(t.received).toHaveLength(1);
    expect(t.marker.status(fingerprint(labels)).silencedBy).toEqual([silence.id]);

    // Expiring the silence lets the next flush through again.
    await t.silences.expire(silence.id);
    await t.clock.advance(30_000);
    await t.until(() => t.marker.status(fingerprint(labels)).state === 'active');
    expect(t.muted).toHaveLength(1);
    await t.pipeline.stop();
  });

  it('composes with inhibition: the warning is inhibited by the critical alert', async () => {
    const t = setup();
    await t.pipeline.start();
    const critical = { alertname: 'HighLatency', severity: 'critical' };
    const warning = { alertname: 'HighLatency', severity: 'warning' };
    await t.pipeline.emit([{ labels: critical }, { labels: warning }]);
    await t.until(() => t.received.length === 1);
    expect(t.received[0]?.alerts.map((alert) => alert.labels.severity)).toEqual(['critical']);
    expect(t.marker.status(fingerprint(warning))).toEqual({
      state: 'suppressed',
      silencedBy: [],
      inhibitedBy: [fingerprint(critical)],
    });
    await t.pipeline.stop();
  });
});
