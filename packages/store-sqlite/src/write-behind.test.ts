// The write-behind contract of group states and the notification log (they share the alerts'
// buffer and its transaction), and the writes that stay synchronous.
import { rmSync } from 'node:fs';
import { PhoenixError, createLogger } from '@phoenix-alerting/core';
import type { Clock, GroupState, NotificationLogEntry } from '@phoenix-alerting/core';
import { FakeClock, buildAlerts } from '@phoenix-alerting/core/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  commitThreads,
  count,
  group,
  logEntry,
  silence,
  statsReach,
  useTempStores,
} from './__fixtures__/temp-stores.js';

const temp = useTempStores();
const { open, peer } = temp;

/** The FakeClock's time, with timers that fire `lateMs` late: an event loop too busy to run them. */
function withLateTimers(clock: FakeClock, lateMs: number): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs + lateMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
    sleep: (delayMs, signal) => clock.sleep(delayMs, signal),
  };
}

describe.each(commitThreads)(
  'createSqliteStore write-behind group states and notification log, commitThread %s',
  (commitThread) => {
    it('buffers them with the alerts, reads through the buffer, and commits all in one transaction', async () => {
      const clock = new FakeClock();
      const store = open({ clock, commitThread });
      await store.groups.put([group('committed-1'), group('committed-2'), group('committed-3')]);
      await store.notificationLog.put([logEntry('g1'), logEntry('g2')]);
      await store.flush();
      const db = peer();
      expect(store.stats()).toMatchObject({ flushes: 1, commits: 1 });

      const [alert] = buildAlerts(1);
      const replaced = group('committed-2', { nextFlushAt: 2, fingerprints: [] });
      const resent = logEntry('g1', 'team-x/webhook/0', { timestamp: 2 });
      await store.alerts.upsert([alert!]);
      await store.groups.put([group('new'), replaced]);
      await store.groups.delete(['committed-1']);
      await store.groups.put([group('committed-3', { nextFlushAt: 3 })]);
      await store.groups.delete(['committed-3']);
      await store.notificationLog.put([resent, logEntry('g1', 'team-x/slack/0')]);
      await store.notificationLog.put([logEntry('g3')]);

      expect(store.stats()).toMatchObject({
        pendingWrites: 8,
        pendingAlertWrites: 1,
        pendingGroupWrites: 4,
        pendingLogWrites: 3,
      });
      expect([count(db, 'aggregation_groups'), count(db, 'notification_log')]).toEqual([3, 2]);
      const byKey = (a: GroupState, b: GroupState) => a.groupKey.localeCompare(b.groupKey);
      expect((await store.groups.list()).sort(byKey)).toEqual([replaced, group('new')]);
      expect(await store.notificationLog.get('g1', 'team-x/webhook/0')).toEqual(resent);
      expect(await store.notificationLog.get('g2', 'team-x/webhook/0')).toEqual(logEntry('g2'));
      expect(await store.notificationLog.get('g1', 'team-x/email/0')).toBeUndefined();
      const integrations = (entries: NotificationLogEntry[]) =>
        entries.map((entry) => `${entry.groupKey} ${entry.integration} ${entry.timestamp}`).sort();
      expect(integrations(await store.notificationLog.list('g1'))).toEqual([
        'g1 team-x/slack/0 1',
        'g1 team-x/webhook/0 2',
      ]);
      expect(integrations(await store.notificationLog.list())).toEqual([
        'g1 team-x/slack/0 1',
        'g1 team-x/webhook/0 2',
        'g2 team-x/webhook/0 1',
        'g3 team-x/webhook/0 1',
      ]);
      expect(await store.notificationLog.list('g4')).toEqual([]);

      await clock.advance(100);
      await statsReach(store, {
        pendingWrites: 0,
        flushes: 2,
        flushedAlertWrites: 1,
        flushedGroupWrites: 3 + 4,
        flushedLogWrites: 2 + 3,
        commits: 2,
      });
      expect([
        count(db, 'alerts'),
        count(db, 'aggregation_groups'),
        count(db, 'notification_log'),
      ]).toEqual([1, 2, 4]);
      expect((await store.groups.list()).sort(byKey)).toEqual([replaced, group('new')]);
      expect(await store.notificationLog.get('g1', 'team-x/webhook/0')).toEqual(resent);
    });

    it('commits a write at once, itself included, when the last flush is an interval old and the timer has not fired', async () => {
      const clock = new FakeClock();
      const store = open({
        clock: withLateTimers(clock, 1_000),
        batchFlushIntervalMs: 100,
        commitThread,
      });
      const db = peer();
      await store.alerts.upsert(buildAlerts(1));
      await clock.advance(99);
      await store.groups.put([group('g')]);
      expect(store.stats()).toMatchObject({ pendingWrites: 2, flushes: 0 });

      await clock.advance(51); // the timer was due at 100; on this busy event loop it has not run
      expect(store.stats()).toMatchObject({ pendingWrites: 2, flushes: 0 });
      await store.notificationLog.put([logEntry('g')]);
      await statsReach(store, { pendingWrites: 0, flushes: 1, commits: 1 });
      expect([
        count(db, 'alerts'),
        count(db, 'aggregation_groups'),
        count(db, 'notification_log'),
      ]).toEqual([1, 1, 1]);
      expect(clock.pendingTimers).toBe(0);

      // The next writes wait for the next interval again: at most one transaction per interval.
      await store.groups.put([group('g', { nextFlushAt: 2 })]);
      await clock.advance(99);
      await store.groups.delete(['g']);
      expect(store.stats()).toMatchObject({ pendingWrites: 1, flushes: 1 });
      await clock.advance(1);
      await store.alerts.delete([]);
      expect(store.stats()).toMatchObject({ pendingWrites: 1, flushes: 1 }); // an empty call is no write
      await store.notificationLog.put([logEntry('g2')]);
      await statsReach(store, { pendingWrites: 0, flushes: 2 });
      expect(count(db, 'aggregation_groups')).toBe(0);
    });

    it('commits the first write after a quiet interval at once, and arms the timer for the rest', async () => {
      const clock = new FakeClock();
      const store = open({ clock, batchFlushIntervalMs: 100, commitThread });
      await clock.advance(5_000);
      await store.groups.put([group('g1')]);
      await statsReach(store, { pendingWrites: 0, flushes: 1 });
      expect(clock.pendingTimers).toBe(0);
      await clock.advance(30);
      await store.groups.put([group('g2')]);
      expect(clock.nextDue()).toBe(clock.now() + 70); // an interval after the last flush
      await clock.advance(69);
      expect(store.stats()).toMatchObject({ pendingWrites: 1, flushes: 1 });
      await clock.advance(1);
      await statsReach(store, { pendingWrites: 0, flushes: 2 });
    });

    it('counts every kind against maxBufferedWrites, and takes the former maxBufferedAlertWrites', async () => {
      for (const limit of [{ maxBufferedWrites: 4 }, { maxBufferedAlertWrites: 4 }]) {
        const store = open({ clock: new FakeClock(), ...limit, commitThread });
        await store.alerts.upsert(buildAlerts(2));
        await store.groups.put([group('g1')]);
        await store.notificationLog.put([logEntry('g1')]);
        expect(store.stats()).toMatchObject({ pendingWrites: 4, flushes: 0 });
        await store.groups.delete(['g1']);
        await statsReach(store, { pendingWrites: 1, flushes: 1, flushedGroupWrites: 1 });
        await store.stop();
        rmSync(store.path);
      }
      expect(() => open({ maxBufferedWrites: 4, maxBufferedAlertWrites: 4 })).toThrow(
        /maxBufferedAlertWrites: set "maxBufferedWrites" only/,
      );
    });

    it('commits the buffer before collecting expired log entries, buffered ones included', async () => {
      const clock = new FakeClock();
      const store = open({ clock, commitThread });
      await store.notificationLog.put([logEntry('old', 'i/webhook/0', { expiresAt: 10 })]);
      await store.flush();
      await store.notificationLog.put([
        logEntry('old', 'i/webhook/0', { expiresAt: 10_000 }), // renewed in the buffer: kept
        logEntry('expired', 'i/webhook/0', { expiresAt: 20 }),
        logEntry('live', 'i/webhook/0', { expiresAt: 10_000 }),
      ]);
      expect(await store.notificationLog.deleteExpiredBefore(100)).toBe(1);
      expect(store.stats()).toMatchObject({ pendingWrites: 0, flushes: 2, commits: 3 });
      expect((await store.notificationLog.list()).map((entry) => entry.groupKey).sort()).toEqual([
        'live',
        'old',
      ]);
    });

    it('rejects a call with a value SQLite cannot store, accepting none of it', async () => {
      const clock = new FakeClock();
      const store = open({ clock, commitThread });
      const broken = { ...logEntry('g', 'r/webhook/1'), timestamp: null as unknown as number };
      const rejected = (pattern: RegExp) => (error: unknown) =>
        PhoenixError.isInstance(error) && error.code === 'ERR_STORE' && pattern.test(error.message);
      await expect(store.notificationLog.put([logEntry('g'), broken])).rejects.toSatisfy(
        rejected(/notificationLog\.put: cannot store null in column sent_at/),
      );
      await expect(store.groups.put([group('g', { nextFlushAt: Number.NaN })])).rejects.toSatisfy(
        rejected(/groups\.put: cannot store NaN in column next_flush_at/),
      );
      const [alert] = buildAlerts(1);
      await expect(
        store.alerts.upsert([{ ...alert!, generatorURL: undefined as unknown as string }]),
      ).rejects.toSatisfy(
        rejected(/alerts\.upsert: cannot store undefined in column generator_url/),
      );
      expect(store.stats().pendingWrites).toBe(0);
      expect(await store.notificationLog.list()).toEqual([]);
      // Nothing poisoned the buffer: the next writes commit.
      await store.notificationLog.put([logEntry('g')]);
      await clock.advance(100);
      await statsReach(store, { pendingWrites: 0, flushes: 1, failedFlushes: 0 });
    });

    it('keeps group states and log entries of a failed flush buffered and readable until it succeeds', async () => {
      const clock = new FakeClock();
      const logger = createLogger({ level: 'silent' });
      const error = vi.spyOn(logger, 'error');
      const store = open({ clock, logger, busyTimeoutMs: 0, commitThread });
      await store.silences.upsert(silence('s-1'));
      const locker = temp.connect(store.path);
      locker.exec('BEGIN IMMEDIATE');
      await store.groups.put([group('g')]);
      await store.notificationLog.put([logEntry('g')]);
      await clock.advance(100);
      await statsReach(store, { failedFlushes: 1 });
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ pendingWrites: 2, pendingGroupWrites: 1, pendingLogWrites: 1 }),
        expect.stringMatching(/retrying/),
      );
      // A failed flush counts as a flush: the writes after it do not retry at every call (each try
      // may wait busyTimeoutMs); the timer retries an interval later.
      await clock.advance(50);
      await store.groups.put([group('g2')]);
      expect(error).toHaveBeenCalledTimes(1);
      expect(await store.groups.list()).toHaveLength(2);
      expect(await store.notificationLog.get('g', 'team-x/webhook/0')).toEqual(logEntry('g'));
      locker.exec('COMMIT');
      await clock.advance(50);
      await statsReach(store, { pendingWrites: 0, flushes: 1, failedFlushes: 1 });
      expect(count(peer(), 'aggregation_groups')).toBe(2);
    });
  },
);

describe('createSqliteStore synchronous writes', () => {
  it('commits silences before resolving', async () => {
    const store = open({ clock: new FakeClock() });
    await store.silences.upsert(silence('s-1'));
    expect(count(peer(), 'silences')).toBe(1);
    expect(store.stats()).toMatchObject({ flushes: 0, commits: 1 });
  });

  it('with batchFlushIntervalMs 0, commits each group and log call before resolving', async () => {
    const clock = new FakeClock();
    const store = open({ clock, batchFlushIntervalMs: 0 });
    await store.groups.put([group('g1'), group('g2')]);
    await store.groups.delete(['g1']);
    await store.notificationLog.put([logEntry('g2')]);
    const db = peer();
    expect([count(db, 'aggregation_groups'), count(db, 'notification_log')]).toEqual([1, 1]);
    expect(store.stats()).toMatchObject({ pendingWrites: 0, flushes: 3, commits: 3 });
    expect(clock.pendingTimers).toBe(0);
  });
});
