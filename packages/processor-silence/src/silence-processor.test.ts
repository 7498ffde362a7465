import {
  createAlert,
  createAlertMarker,
  createLogger,
  createPipelineEvents,
  fingerprint,
} from '@phoenix-alerting/core';
import type { Labels, PluginContext } from '@phoenix-alerting/core';
import { FakeClock, buildNotification, createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createSilenceProcessor } from './silence-processor.js';
import { createSilences } from './silences.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

function setup() {
  const clock = new FakeClock(T0);
  const store = createMemoryStore();
  const marker = createAlertMarker();
  const logger = createLogger({ level: 'silent' });
  const silences = createSilences({ store, clock, marker, logger });
  const processor = createSilenceProcessor(silences);
  const context: PluginContext = { clock, store, logger, events: createPipelineEvents() };
  const alert = (labels: Labels, endsAt?: number) =>
    createAlert({ labels, startsAt: T0 - HOUR, endsAt }, { now: clock.now() });
  const mute = (...alerts: ReturnType<typeof alert>[]) =>
    processor.mute(buildNotification(alerts), { ...context, now: clock.now() });
  return { clock, store, marker, silences, processor, alert, mute };
}

describe('createSilenceProcessor', () => {
  it('removes silenced alerts and records the silences muting each alert', async () => {
    const t = setup();
    await t.processor.start();
    const byName = await t.silences.create({
      matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }],
      endsAt: T0 + HOUR,
    });
    const byRegex = await t.silences.create({
      matchers: [{ name: 'instance', value: 'db-.*', isRegex: true }],
      endsAt: T0 + HOUR,
    });
    const both = t.alert({ alertname: 'DiskFull', instance: 'db-1' });
    const one = t.alert({ alertname: 'DiskFull', instance: 'web-1' });
    const none = t.alert({ alertname: 'HighLatency', instance: 'web-1' });
    // Resolved alerts are muted too: the mute stage sees every alert of a notification.
    const resolved = t.alert({ alertname: 'CpuHot', instance: 'db-2' }, T0 - 1);

    expect(t.mute(both, one, none, resolved)).toEqual([none]);
    expect(t.marker.status(both.fingerprint)).toEqual({
      state: 'suppressed',
      silencedBy: [byName.id, byRegex.id].sort(),
      inhibitedBy: [],
    });
    expect(t.marker.status(one.fingerprint).silencedBy).toEqual([byName.id]);
    expect(t.marker.status(resolved.fingerprint).silencedBy).toEqual([byRegex.id]);
    expect(t.marker.status(none.fingerprint)).toEqual({
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
    });
    await t.processor.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('clears the mark when the silence is expired', async () => {
    const t = setup();
    const alert = t.alert({ alertname: 'DiskFull' });
    const { id } = await t.silences.create({
      matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }],
      endsAt: T0 + HOUR,
    });
    expect(t.mute(alert)).toEqual([]);
    await t.silences.expire(id);
    expect(t.mute(alert)).toEqual([alert]);
    expect(t.marker.status(alert.fingerprint).state).toBe('active');
    await t.silences.stop();
  });

  it('answers for the API like Silencer.Mutes, recording the marker', async () => {
    const t = setup();
    const { id } = await t.silences.create({
      matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }],
      startsAt: T0 + HOUR,
      endsAt: T0 + 2 * HOUR,
    });
    const labels = { alertname: 'DiskFull' };
    expect(t.processor.mutes(labels, T0)).toBe(false);
    expect(t.marker.status(fingerprint(labels)).state).toBe('active');
    expect(t.processor.mutes(labels, T0 + HOUR)).toBe(true);
    expect(t.marker.status(fingerprint(labels)).silencedBy).toEqual([id]);
    await t.silences.stop();
  });
});
