import { join } from 'node:path';
import { ConfigError, PhoenixError, createLogger } from '@phoenix-alerting/core';
import { FakeClock, buildAlerts } from '@phoenix-alerting/core/testing';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import {
  commitThreads,
  count,
  silence,
  statsReach,
  useTempStores,
} from './__fixtures__/temp-stores.js';
import { defaultDatabaseFileName } from './options.js';
import { createSqliteStore } from './sqlite-store.js';

const temp = useTempStores();
const { open, peer } = temp;

describe.each(commitThreads)(
  'createSqliteStore write-behind alerts, commitThread %s',
  (commitThread) => {
    it('buffers alert writes, reads through the buffer, and commits them all in one transaction per interval', async () => {
      const clock = new FakeClock();
      const store = open({ clock, batchFlushIntervalMs: 100, commitThread });
      const db = peer();
      const alerts = buildAlerts(300);
      for (let i = 0; i < 300; i += 100) await store.alerts.upsert(alerts.slice(i, i + 100));
      await store.alerts.delete([alerts[0]!.fingerprint]);

      expect(count(db, 'alerts')).toBe(0);
      expect(await store.alerts.get(alerts[1]!.fingerprint)).toEqual(alerts[1]);
      expect(await store.alerts.get(alerts[0]!.fingerprint)).toBeUndefined();
      expect(await store.alerts.list()).toHaveLength(299);
      expect(store.stats()).toMatchObject({ pendingAlertWrites: 300, flushes: 0 });
      expect(clock.pendingTimers).toBe(1);

      await clock.advance(99);
      expect(count(db, 'alerts')).toBe(0);
      await clock.advance(1);
      // Handed over: still pending, and still read from the batch, until the commit answers.
      expect(await store.alerts.get(alerts[0]!.fingerprint)).toBeUndefined();
      expect(await store.alerts.list()).toHaveLength(299);
      await statsReach(store, { flushes: 1 });
      expect(count(db, 'alerts')).toBe(299);
      expect(store.stats()).toEqual({
        commitThread,
        pendingWrites: 0,
        pendingAlertWrites: 0,
        pendingGroupWrites: 0,
        pendingLogWrites: 0,
        pendingAttemptWrites: 0,
        flushes: 1,
        flushedAlertWrites: 300,
        flushedGroupWrites: 0,
        flushedLogWrites: 0,
        flushedAttemptWrites: 0,
        failedFlushes: 0,
        commits: 1,
      });
      expect(clock.pendingTimers).toBe(0);
      expect(await store.alerts.list()).toHaveLength(299);
    });

    it('reads merge a buffered delete or replacement over committed rows', async () => {
      const clock = new FakeClock();
      const store = open({ clock, commitThread });
      const [a, b] = buildAlerts(2);
      await store.alerts.upsert([a!, b!]);
      await store.flush();
      const replaced = { ...b!, endsAt: b!.startsAt + 1, updatedAt: b!.updatedAt + 1 };
      await store.alerts.delete([a!.fingerprint]);
      await store.alerts.upsert([replaced]);
      expect(count(peer(), 'alerts')).toBe(2);
      expect(await store.alerts.get(a!.fingerprint)).toBeUndefined();
      expect(await store.alerts.get(b!.fingerprint)).toEqual(replaced);
      expect(await store.alerts.list()).toEqual([replaced]);
    });

    it('reads see the newest write across the batch being committed and the buffer', async () => {
      const clock = new FakeClock();
      const store = open({ clock, commitThread });
      const [a, b, c] = buildAlerts(3);
      await store.alerts.upsert([a!, b!]);
      await clock.advance(100); // hands a and b over
      const newer = { ...a!, updatedAt: a!.updatedAt + 1 };
      await store.alerts.upsert([newer, c!]);
      await store.alerts.delete([b!.fingerprint]);
      const expected = [newer, c!].sort((x, y) => x.fingerprint.localeCompare(y.fingerprint));
      const listed = async () =>
        (await store.alerts.list()).sort((x, y) => x.fingerprint.localeCompare(y.fingerprint));
      expect(await listed()).toEqual(expected);
      expect(await store.alerts.get(a!.fingerprint)).toEqual(newer);
      expect(await store.alerts.get(b!.fingerprint)).toBeUndefined();
      await statsReach(store, { flushes: 1, pendingAlertWrites: 3 });
      expect(await listed()).toEqual(expected);
      await clock.advance(100);
      await statsReach(store, { flushes: 2, pendingWrites: 0 });
      expect(await listed()).toEqual(expected);
      expect(count(peer(), 'alerts')).toBe(2);
    });

    it('arms no timer while idle, one per interval while writes arrive', async () => {
      const clock = new FakeClock();
      const store = open({ clock, batchFlushIntervalMs: 50, commitThread });
      expect(clock.pendingTimers).toBe(0);
      const alerts = buildAlerts(10);
      await store.alerts.upsert(alerts.slice(0, 5));
      await clock.advance(30);
      await store.alerts.upsert(alerts.slice(5));
      expect(clock.pendingTimers).toBe(1);
      await clock.advance(20);
      await statsReach(store, { flushes: 1, flushedAlertWrites: 10 });
      expect(clock.pendingTimers).toBe(0);
    });

    it('hands the buffer over once it holds maxBufferedAlertWrites, and makes writers wait while the previous batch commits', async () => {
      const clock = new FakeClock();
      const store = open({ clock, maxBufferedAlertWrites: 100, commitThread });
      await store.commitWorkerReady();
      const alerts = buildAlerts(250);
      for (let i = 0; i < 250; i += 50) await store.alerts.upsert(alerts.slice(i, i + 50));
      // 100 buffered: handed over at the third call; 100 again at the fifth, which waited for the
      // first batch's commit before it handed over the second. The worker answers in a later
      // task, so the second batch is still in flight; the main thread answers in a microtask.
      if (commitThread === 'worker')
        expect(store.stats()).toMatchObject({ flushes: 1, pendingAlertWrites: 150 });
      await statsReach(store, { flushes: 2, flushedAlertWrites: 200, pendingAlertWrites: 50 });
      expect(count(peer(), 'alerts')).toBe(200);
    });

    it('writes through with batchFlushIntervalMs 0', async () => {
      const clock = new FakeClock();
      const store = open({ clock, batchFlushIntervalMs: 0, commitThread });
      await store.alerts.upsert(buildAlerts(3));
      expect(count(peer(), 'alerts')).toBe(3);
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps the writes of a failed flush, reports it to the logger and retries', async () => {
      const clock = new FakeClock();
      const logger = createLogger({ level: 'silent' });
      const error = vi.spyOn(logger, 'error');
      const store = open({ clock, logger, busyTimeoutMs: 0, commitThread });
      await store.silences.upsert(silence('s-1')); // creates the file before the peer locks it
      const locker = temp.connect(join(temp.directory, defaultDatabaseFileName));
      locker.exec('BEGIN IMMEDIATE');
      await store.alerts.upsert(buildAlerts(5));
      await clock.advance(100);
      await statsReach(store, { pendingAlertWrites: 5, flushes: 0, failedFlushes: 1 });
      expect(error).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({
          pendingAlertWrites: 5,
          err: expect.objectContaining({ code: 'SQLITE_BUSY' }),
        }),
        expect.stringMatching(/retrying/),
      );
      expect(await store.alerts.list()).toHaveLength(5);
      await expect(store.silences.upsert(silence('s-2'))).rejects.toThrow(/locked/);

      locker.exec('COMMIT');
      await clock.advance(100);
      await statsReach(store, { pendingAlertWrites: 0, flushes: 1, failedFlushes: 1 });
      expect(count(peer(), 'alerts')).toBe(5);
    });

    it('rejects a write, accepting none of it, when the buffer is full and commits fail', async () => {
      const clock = new FakeClock();
      const logger = createLogger({ level: 'silent' });
      const store = open({
        clock,
        logger,
        busyTimeoutMs: 0,
        maxBufferedAlertWrites: 5,
        commitThread,
      });
      await store.silences.upsert(silence('s-1'));
      const locker = temp.connect(join(temp.directory, defaultDatabaseFileName));
      const alerts = buildAlerts(13);
      locker.exec('BEGIN IMMEDIATE');
      await store.alerts.upsert(alerts.slice(0, 5));
      // Full: the buffer is handed over and the call accepted; that commit fails in the background.
      await store.alerts.upsert(alerts.slice(5, 10));
      await statsReach(store, { failedFlushes: 1, pendingAlertWrites: 10 });
      // Full again while commits fail: the call waits for the buffer's commit, which fails too.
      await expect(store.alerts.upsert(alerts.slice(10))).rejects.toThrow(/locked/);
      expect(store.stats()).toMatchObject({ pendingAlertWrites: 10, failedFlushes: 2 });
      expect(await store.alerts.list()).toHaveLength(10);
      locker.exec('ROLLBACK');
      await store.alerts.upsert(alerts.slice(10));
      await store.flush();
      expect(count(peer(), 'alerts')).toBe(13);
    });
  },
);

describe('createSqliteStore lifecycle', () => {
  it('opens in the factory, in WAL mode with the chosen synchronous level and foreign keys', () => {
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    const full = open();
    expect(full.path).toBe(join(temp.directory, defaultDatabaseFileName));
    expect(peer().pragma('journal_mode', { simple: true })).toBe('wal');
    const settings = pragma.mock.calls.map(([source]) => source);
    expect(settings).toEqual(
      expect.arrayContaining(['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON']),
    );
    pragma.mockClear();
    temp.track(
      createSqliteStore({ path: join(temp.directory, 'b.sqlite'), synchronous: 'normal' }),
    );
    expect(pragma.mock.calls.map(([source]) => source)).toContain('synchronous = NORMAL');
    pragma.mockRestore();
  });

  it('stop flushes the buffer, closes the file and is idempotent; later calls reject', async () => {
    const clock = new FakeClock();
    const store = open({ clock });
    await store.alerts.upsert(buildAlerts(7));
    const first = store.stop();
    expect(store.stop()).toBe(first);
    await first;
    expect(clock.pendingTimers).toBe(0);
    expect(count(peer(), 'alerts')).toBe(7);
    const stopped = (error: unknown) =>
      PhoenixError.isInstance(error) && error.code === 'ERR_STORE' && /stopped/.test(error.message);
    await expect(store.alerts.list()).rejects.toSatisfy(stopped);
    await expect(store.alerts.upsert(buildAlerts(1))).rejects.toSatisfy(stopped);
    await expect(store.silences.upsert(silence('s'))).rejects.toSatisfy(stopped);
    expect(() => store.start()).toThrow(/stopped/);
  });

  it('stop still closes when the last commit fails, and rejects naming what was lost', async () => {
    const store = open({ clock: new FakeClock(), busyTimeoutMs: 0 });
    await store.silences.upsert(silence('s-1'));
    const locker = temp.connect(store.path);
    locker.exec('BEGIN IMMEDIATE');
    await store.alerts.upsert(buildAlerts(3));
    await store.groups.delete(['g']);
    await expect(store.stop()).rejects.toThrow(
      /writing 4 buffered writes \(3 alerts, 1 group states, 0 notification-log entries, 0 delivery attempts\) at stop failed/,
    );
    await expect(store.alerts.list()).rejects.toThrow(/stopped/);
    locker.exec('ROLLBACK');
  });

  it("adopts the pipeline's logger at start unless the options gave one", async () => {
    const clock = new FakeClock();
    const logger = createLogger({ level: 'silent' });
    const error = vi.spyOn(logger, 'error');
    const store = open({ clock, busyTimeoutMs: 0 });
    store.start({ logger });
    await store.silences.upsert(silence('s-1'));
    const locker = temp.connect(store.path);
    locker.exec('BEGIN IMMEDIATE');
    await store.alerts.upsert(buildAlerts(1));
    await clock.advance(100);
    await statsReach(store, { failedFlushes: 1 });
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ pendingAlertWrites: 1 }),
      expect.stringMatching(/retrying/),
    );
    locker.exec('ROLLBACK');
  });

  it('creates the directory, and refuses a file that is not a database with ERR_STORE', () => {
    const nested = join(temp.directory, 'a', 'b');
    const store = createSqliteStore({ directory: nested });
    temp.track(store);
    expect(store.path).toBe(join(nested, defaultDatabaseFileName));
    expect(() => createSqliteStore({ path: join(import.meta.dirname, 'options.ts') })).toThrow(
      /cannot open the SQLite store .*options\.ts: file is not a database/,
    );
  });

  it('rejects invalid options with one ConfigError naming each', () => {
    const attempt = (options: unknown) => () => createSqliteStore(options as never);
    expect(attempt({})).toThrow(ConfigError);
    expect(attempt({})).toThrow(/exactly one of "path" and "directory"/);
    expect(attempt({ path: 'a', directory: 'b' })).toThrow(/exactly one/);
    expect(
      attempt({ directory: temp.directory, batchFlushIntervalMs: -1, clock: {}, dir: 'x' }),
    ).toThrow(/batchFlushIntervalMs[\s\S]*clock: expected a Clock[\s\S]*unknown option "dir"/);
    expect(attempt({ directory: temp.directory, commitThread: 'elsewhere' })).toThrow(
      /commitThread/,
    );
    expect(attempt({ path: ':memory:', commitThread: 'worker' })).toThrow(
      /commitThread: a :memory: database has no file a worker could open/,
    );
  });

  it('works on :memory: for throwaway use, committing on the main thread', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    temp.track(store);
    await store.alerts.upsert(buildAlerts(2));
    expect(await store.alerts.list()).toHaveLength(2);
    await store.flush();
    expect(store.stats()).toMatchObject({ commitThread: 'main', flushes: 1 });
    expect(open().stats().commitThread).toBe('worker'); // the default for a file
  });
});

describe('createSqliteStore with the commit worker and the main connection together', () => {
  it('never fails a write with SQLITE_BUSY: each connection waits for the other (busyTimeoutMs)', async () => {
    const clock = new FakeClock();
    const logger = createLogger({ level: 'silent' });
    const error = vi.spyOn(logger, 'error');
    const store = open({ clock, logger, maxBufferedWrites: 1_000, commitThread: 'worker' });
    const alerts = buildAlerts(20_000);
    for (let i = 0; i < alerts.length; i += 500) {
      // Every other call hands a batch of 1 000 to the worker; the synchronous writes right after
      // it run while the worker holds, or is about to take, the write lock.
      await store.alerts.upsert(alerts.slice(i, i + 500));
      await new Promise((resolve) => setImmediate(resolve));
      await store.silences.upsert(silence(`s-${i}`));
      await store.kv.put('bench', [{ key: `k-${i}`, value: i }]);
    }
    await store.flush();
    expect(store.stats()).toMatchObject({
      flushes: 20,
      failedFlushes: 0,
      flushedAlertWrites: 20_000,
      commits: 20 + 2 * 40,
    });
    expect(error).not.toHaveBeenCalled();
    const db = peer();
    expect([count(db, 'alerts'), count(db, 'silences'), count(db, 'kv')]).toEqual([20_000, 40, 40]);
  });

  it('stop waits for the batch the worker is committing, then for the rest', async () => {
    const clock = new FakeClock();
    const store = open({ clock, maxBufferedWrites: 1_000, commitThread: 'worker' });
    await store.commitWorkerReady();
    const alerts = buildAlerts(2_500);
    for (let i = 0; i < alerts.length; i += 500)
      await store.alerts.upsert(alerts.slice(i, i + 500));
    // The fifth call waited for the first batch; the second is in flight, 500 are buffered.
    expect(store.stats()).toMatchObject({ flushes: 1, pendingAlertWrites: 1_500 });
    await store.stop();
    expect(count(peer(), 'alerts')).toBe(2_500);
    expect(store.stats()).toMatchObject({ pendingWrites: 0, flushedAlertWrites: 2_500 });
  });
});
