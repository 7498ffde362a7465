import {
  ConfigError,
  createAlert,
  createAlertMarker,
  createLogger,
  createPipelineEvents,
} from '@phoenix-alerting/core';
import type { Alert, AlertInput, PluginContext } from '@phoenix-alerting/core';
import { FakeClock, createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { createDedupProcessor } from './dedup-processor.js';
import type { DedupProcessorOptions } from './dedup-processor.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function setup(options: DedupProcessorOptions = {}, store = createMemoryStore()) {
  const clock = new FakeClock(T0);
  const events = createPipelineEvents();
  const context: PluginContext = {
    clock,
    store,
    events,
    logger: createLogger({ level: 'silent' }),
  };
  const dedup = createDedupProcessor(options);
  const failures: { stage: string; error: unknown }[] = [];
  events.on('plugin-failed', (event) => failures.push(event));
  return {
    clock,
    store,
    context,
    dedup,
    failures,
    process: (alerts: readonly Alert[]) => dedup.process(alerts, { ...context, now: clock.now() }),
    /** An alert received now; `endsAt` absent means a 5m resolve timeout, as the pipeline sets. */
    alert: (input: Partial<AlertInput> = {}, labels: Record<string, string> = {}) =>
      createAlert(
        { ...input, labels: { alertname: 'HighLatency', ...labels } },
        { now: clock.now(), resolveTimeoutMs: 5 * MINUTE },
      ),
  };
}

describe('merging (provider/mem Put)', () => {
  it('keeps the earliest startsAt when the new state overlaps the stored one', async () => {
    const t = setup();
    await t.process([t.alert({ startsAt: T0 })]);
    await t.clock.advance(MINUTE);
    const [merged] = await t.process([t.alert({ startsAt: T0 + 30_000, endsAt: T0 + 6 * MINUTE })]);
    expect(merged).toMatchObject({ startsAt: T0, endsAt: T0 + 6 * MINUTE, updatedAt: T0 + MINUTE });
    expect(t.dedup.get(merged!.fingerprint)).toBe(merged);
  });

  it('replaces the stored state when the activity ranges do not overlap', async () => {
    const t = setup();
    await t.process([t.alert({ startsAt: T0 })]); // ends at T0+5m (resolve timeout)
    await t.clock.advance(10 * MINUTE);
    const [next] = await t.process([t.alert({ startsAt: T0 + 10 * MINUTE })]);
    // A new occurrence: its own start, not the old one's.
    expect(next!.startsAt).toBe(T0 + 10 * MINUTE);
  });

  it('ends the alert when a resolve arrives inside the stored range', async () => {
    const t = setup();
    await t.process([t.alert({ startsAt: T0, endsAt: T0 + 60 * MINUTE })]);
    await t.clock.advance(5 * MINUTE);
    const [resolved] = await t.process([t.alert({ startsAt: T0, endsAt: T0 + 5 * MINUTE })]);
    expect(resolved!.endsAt).toBe(T0 + 5 * MINUTE);
  });

  it('keeps a later explicit endsAt over a newer firing state, but not a resolve-timeout one', async () => {
    const explicit = setup();
    await explicit.process([explicit.alert({ startsAt: T0, endsAt: T0 + 60 * MINUTE })]);
    await explicit.clock.advance(MINUTE);
    const [kept] = await explicit.process([
      explicit.alert({ startsAt: T0 + MINUTE, endsAt: T0 + 30 * MINUTE }),
    ]);
    expect(kept).toMatchObject({ startsAt: T0, endsAt: T0 + 60 * MINUTE });

    const timeout = setup();
    await timeout.process([timeout.alert({ startsAt: T0 })]); // endsAt T0+5m, timeout
    await timeout.clock.advance(MINUTE);
    const [replaced] = await timeout.process([
      timeout.alert({ startsAt: T0 + MINUTE, endsAt: T0 + 3 * MINUTE }),
    ]);
    expect(replaced).toMatchObject({ startsAt: T0, endsAt: T0 + 3 * MINUTE });
  });

  it('merges repeats within one batch and returns one alert per fingerprint, in first-seen order', async () => {
    const t = setup();
    const first = t.alert({ startsAt: T0, endsAt: T0 + 10 * MINUTE });
    const other = t.alert({}, { instance: 'b' });
    const repeat = t.alert({ startsAt: T0 + MINUTE, endsAt: T0 + 5 * MINUTE });
    const out = await t.process([first, other, repeat]);
    expect(out.map((alert) => alert.fingerprint)).toEqual([first.fingerprint, other.fingerprint]);
    expect(out[0]).toMatchObject({ startsAt: T0, endsAt: T0 + 10 * MINUTE });
    expect(t.dedup.size).toBe(2);
  });
});

describe('store writes', () => {
  it('writes each batch with exactly one upsert and never reads the store per alert', async () => {
    const t = setup();
    const upsert = vi.spyOn(t.store.alerts, 'upsert');
    const get = vi.spyOn(t.store.alerts, 'get');
    const list = vi.spyOn(t.store.alerts, 'list');
    await t.dedup.start(t.context);
    const batch = Array.from({ length: 100 }, (_, i) => t.alert({}, { instance: `h${i % 60}` }));
    const out = await t.process(batch);
    expect(out).toHaveLength(60);
    expect(upsert).toHaveBeenCalledTimes(1);
    expect(upsert.mock.calls[0]![0]).toEqual(out);
    await t.process(batch.slice(0, 10));
    expect(upsert).toHaveBeenCalledTimes(2);
    expect(get).not.toHaveBeenCalled();
    expect(list).toHaveBeenCalledTimes(1); // once, at start
    expect(await t.store.alerts.list()).toHaveLength(60);
    await t.dedup.stop();
  });

  it('does not write an empty batch', async () => {
    const t = setup();
    const upsert = vi.spyOn(t.store.alerts, 'upsert');
    expect(await t.process([])).toEqual([]);
    expect(upsert).not.toHaveBeenCalled();
  });

  it('still returns the merged alerts when a write fails, reports it and retries with the next batch', async () => {
    const t = setup();
    await t.dedup.start(t.context);
    const upsert = vi.spyOn(t.store.alerts, 'upsert').mockRejectedValueOnce(new Error('disk full'));
    const a = t.alert({}, { instance: 'a' });
    expect(await t.process([a])).toEqual([a]);
    expect(t.failures).toHaveLength(1);
    expect(t.failures[0]).toMatchObject({ stage: 'store' });
    expect(await t.store.alerts.get(a.fingerprint)).toBeUndefined();

    const b = t.alert({}, { instance: 'b' });
    await t.process([b]);
    expect(upsert.mock.calls[1]![0].map((alert) => alert.fingerprint)).toEqual([
      b.fingerprint,
      a.fingerprint,
    ]);
    expect(await t.store.alerts.get(a.fingerprint)).toEqual(a);
    await t.dedup.stop();
  });
});

describe('restart', () => {
  it('loads the stored alerts at start and merges new states into them', async () => {
    const store = createMemoryStore();
    const before = setup({}, store);
    await before.dedup.start(before.context);
    const [original] = await before.process([before.alert({ startsAt: T0 })]);
    await before.dedup.stop();

    const after = setup({}, store);
    await after.clock.advance(2 * MINUTE);
    await after.dedup.start(after.context);
    expect(after.dedup.alerts()).toEqual([original]);
    const [merged] = await after.process([after.alert({ startsAt: T0 + 2 * MINUTE })]);
    expect(merged!.startsAt).toBe(T0);
    await after.dedup.stop();
  });
});

describe('garbage collection', () => {
  it('removes alerts resolved by the time it runs (every 30m), from the index, the store and the marker', async () => {
    const marker = createAlertMarker();
    const forget = vi.spyOn(marker, 'delete');
    const t = setup({ marker });
    await t.dedup.start(t.context);
    const firing = t.alert({ endsAt: T0 + 60 * MINUTE }, { instance: 'firing' });
    const resolving = t.alert({ endsAt: T0 + 10 * MINUTE }, { instance: 'resolving' });
    await t.process([firing, resolving]);
    marker.setSilenced(resolving.fingerprint, ['some-silence']);

    await t.clock.advance(29 * MINUTE);
    expect(t.dedup.size).toBe(2);
    await t.clock.advance(MINUTE);
    expect(t.dedup.alerts()).toEqual([firing]);
    expect(forget).toHaveBeenCalledWith(resolving.fingerprint);
    expect(marker.status(resolving.fingerprint).state).toBe('unprocessed');
    expect((await t.store.alerts.list()).map((alert) => alert.fingerprint)).toEqual([
      firing.fingerprint,
    ]);

    // The next run, 30 minutes later, collects the alert that resolved in between.
    await t.clock.advance(30 * MINUTE);
    expect(t.dedup.size).toBe(0);
    expect(await t.store.alerts.list()).toEqual([]);
    await t.dedup.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('runs at the configured interval', async () => {
    const t = setup({ gcIntervalMs: MINUTE });
    await t.dedup.start(t.context);
    await t.process([t.alert({ endsAt: T0 + 30_000 })]);
    await t.clock.advance(MINUTE);
    expect(t.dedup.size).toBe(0);
    await t.dedup.stop();
  });

  it('does not let a retried deletion remove an alert that came back', async () => {
    const t = setup();
    await t.dedup.start(t.context);
    const first = t.alert({ endsAt: T0 + MINUTE });
    await t.process([first]);
    const remove = vi.spyOn(t.store.alerts, 'delete').mockRejectedValueOnce(new Error('locked'));
    await t.clock.advance(2 * MINUTE);
    expect(await t.dedup.gc()).toEqual([first]);
    expect(t.failures).toMatchObject([{ stage: 'gc' }]);

    const again = t.alert({ endsAt: T0 + 60 * MINUTE });
    await t.process([again]);
    await t.dedup.gc();
    expect(remove).toHaveBeenCalledTimes(1);
    expect(await t.store.alerts.get(again.fingerprint)).toEqual(again);
    await t.dedup.stop();
  });
});

describe('options', () => {
  it('rejects invalid options with a ConfigError naming each one', () => {
    expect(() => createDedupProcessor({ gcIntervalMs: -1, name: '' })).toThrow(ConfigError);
    expect(() => createDedupProcessor({ gcIntervalMs: -1, name: '' })).toThrow(
      /gcIntervalMs[\s\S]*name|name[\s\S]*gcIntervalMs/,
    );
  });
});
