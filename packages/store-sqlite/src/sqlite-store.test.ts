import { join } from 'node:path';
import { ConfigError, PhoenixError, createLogger } from '@phoenix-alerting/core';
import { FakeClock, buildAlerts } from '@phoenix-alerting/core/testing';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { count, silence, useTempStores } from './__fixtures__/temp-stores.js';
import { defaultDatabaseFileName } from './options.js';
import { createSqliteStore } from './sqlite-store.js';

const temp = useTempStores();
const { open, peer } = temp;

describe('createSqliteStore write-behind alerts', () => {
  it('buffers alert writes, reads through the buffer, and commits them all in one transaction per interval', async () => {
    const clock = new FakeClock();
    const store = open({ clock, batchFlushIntervalMs: 100 });
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
    expect(count(db, 'alerts')).toBe(299);
    expect(store.stats()).toEqual({
      pendingWrites: 0,
      pendingAlertWrites: 0,
      pendingGroupWrites: 0,
      pendingLogWrites: 0,
      flushes: 1,
      flushedAlertWrites: 300,
      flushedGroupWrites: 0,
      flushedLogWrites: 0,
      failedFlushes: 0,
      commits: 1,
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('reads merge a buffered delete or replacement over committed rows', async () => {
    const clock = new FakeClock();
    const store = open({ clock });
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

  it('arms no timer while idle, one per interval while writes arrive', async () => {
    const clock = new FakeClock();
    const store = open({ clock, batchFlushIntervalMs: 50 });
    expect(clock.pendingTimers).toBe(0);
    const alerts = buildAlerts(10);
    await store.alerts.upsert(alerts.slice(0, 5));
    await clock.advance(30);
    await store.alerts.upsert(alerts.slice(5));
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(20);
    expect(store.stats()).toMatchObject({ flushes: 1, flushedAlertWrites: 10 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('writes the buffer inline once it holds maxBufferedAlertWrites', async () => {
    const clock = new FakeClock();
    const store = open({ clock, maxBufferedAlertWrites: 100 });
    const alerts = buildAlerts(250);
    for (let i = 0; i < 250; i += 50) await store.alerts.upsert(alerts.slice(i, i + 50));
    expect(store.stats()).toMatchObject({ flushes: 2, flushedAlertWrites: 200 });
    expect(store.stats().pendingAlertWrites).toBe(50);
    expect(count(peer(), 'alerts')).toBe(200);
  });

  it('writes through with batchFlushIntervalMs 0', async () => {
    const clock = new FakeClock();
    const store = open({ clock, batchFlushIntervalMs: 0 });
    await store.alerts.upsert(buildAlerts(3));
    expect(count(peer(), 'alerts')).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the writes of a failed flush, reports it to the logger and retries', async () => {
    const clock = new FakeClock();
    const logger = createLogger({ level: 'silent' });
    const error = vi.spyOn(logger, 'error');
    const store = open({ clock, logger, busyTimeoutMs: 0 });
    await store.silences.upsert(silence('s-1')); // creates the file before the peer locks it
    const locker = temp.connect(join(temp.directory, defaultDatabaseFileName));
    locker.exec('BEGIN IMMEDIATE');
    await store.alerts.upsert(buildAlerts(5));
    await clock.advance(100);
    expect(error).toHaveBeenCalledTimes(1);
    expect(store.stats()).toMatchObject({ pendingAlertWrites: 5, flushes: 0, failedFlushes: 1 });
    expect(await store.alerts.list()).toHaveLength(5);
    await expect(store.silences.upsert(silence('s-2'))).rejects.toThrow(/locked/);

    locker.exec('COMMIT');
    await clock.advance(100);
    expect(store.stats()).toMatchObject({ pendingAlertWrites: 0, flushes: 1, failedFlushes: 1 });
    expect(count(peer(), 'alerts')).toBe(5);
  });

  it('rejects a write, accepting none of it, when the buffer is full and cannot be written', async () => {
    const clock = new FakeClock();
    const store = open({ clock, busyTimeoutMs: 0, maxBufferedAlertWrites: 5 });
    await store.silences.upsert(silence('s-1'));
    const locker = temp.connect(join(temp.directory, defaultDatabaseFileName));
    const [first, second] = [buildAlerts(5), buildAlerts(8).slice(5)];
    await store.alerts.upsert(first);
    locker.exec('BEGIN IMMEDIATE');
    await expect(store.alerts.upsert(second)).rejects.toThrow(/locked/);
    expect(store.stats().pendingAlertWrites).toBe(5);
    locker.exec('ROLLBACK');
    await store.alerts.upsert(second);
    expect((await store.alerts.list()).length).toBe(8);
  });
});

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
      /writing 4 buffered writes \(3 alerts, 1 group states, 0 notification-log entries\) at stop failed/,
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
  });

  it('works on :memory: for throwaway use', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    temp.track(store);
    await store.alerts.upsert(buildAlerts(2));
    expect(await store.alerts.list()).toHaveLength(2);
  });
});
