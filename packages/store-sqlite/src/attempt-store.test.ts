// The attempt history is written behind with the alerts: appends are buffered, read through, and
// committed in the batch's transaction; deleteBefore commits the buffer first.
import { PhoenixError, createLogger } from '@phoenix-alerting/core';
import type { NotificationAttempt } from '@phoenix-alerting/core';
import { FakeClock, buildAlerts, buildNotificationAttempt } from '@phoenix-alerting/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { commitThreads, count, statsReach, useTempStores } from './__fixtures__/temp-stores.js';

const temp = useTempStores();
const { open, peer } = temp;

const attempt = buildNotificationAttempt;

const failed = (at: number, extra: Partial<NotificationAttempt> = {}): NotificationAttempt => {
  const { latencyMs: _latency, ...rest } = attempt(at, {
    ok: false,
    reason: 'server',
    statusCode: 503,
    message: 'HTTP 503',
    willRetry: true,
    ...extra,
  });
  return rest;
};

describe.each(commitThreads)('createSqliteStore attempts, commitThread %s', (commitThread) => {
  it('buffers appends, reads them newest first with the committed ones, and commits them with the alerts', async () => {
    const clock = new FakeClock();
    const store = open({ clock, commitThread });
    const attempts = store.attempts;
    await attempts.append([attempt(10), failed(30, { receiver: 'team-b' })]);
    await store.flush();
    const db = peer();
    expect(count(db, 'notification_attempts')).toBe(2);

    // Buffered: one tie with a committed attempt (at 30), which it follows (a higher id).
    const [alert] = buildAlerts(1);
    await store.alerts.upsert([alert!]);
    await attempts.append([attempt(30, { attempt: 2 }), attempt(20, { incidentId: 'i-1' })]);
    await attempts.append([attempt(40, { receiver: 'team-b' })]);
    expect(count(db, 'notification_attempts')).toBe(2);
    expect(store.stats()).toMatchObject({ pendingWrites: 4, pendingAttemptWrites: 3 });

    const ats = (list: NotificationAttempt[]) =>
      list.map((entry) => `${entry.at}/${entry.attempt}`);
    expect(ats(await attempts.list())).toEqual(['40/1', '30/2', '30/1', '20/1', '10/1']);
    expect(await attempts.list({ receiver: 'team-b' })).toEqual([
      attempt(40, { receiver: 'team-b' }),
      failed(30, { receiver: 'team-b' }),
    ]);
    expect(await attempts.list({ incidentId: 'i-1' })).toEqual([
      attempt(20, { incidentId: 'i-1' }),
    ]);
    expect(ats(await attempts.list({ since: 20, limit: 3 }))).toEqual(['40/1', '30/2', '30/1']);
    expect(ats(await attempts.list({ receiver: 'team-a', limit: 2 }))).toEqual(['30/2', '20/1']);
    expect(await attempts.list({ groupKey: 'other' })).toEqual([]);

    await clock.advance(100);
    await statsReach(store, {
      pendingWrites: 0,
      flushes: 2,
      flushedAlertWrites: 1,
      flushedAttemptWrites: 5,
      commits: 2,
    });
    expect(count(db, 'notification_attempts')).toBe(5);
    expect(ats(await attempts.list())).toEqual(['40/1', '30/2', '30/1', '20/1', '10/1']);
  });

  it('deleteBefore commits the buffer first, then removes and counts the old attempts', async () => {
    const clock = new FakeClock();
    const store = open({ clock, commitThread });
    await store.attempts.append([attempt(10)]);
    await store.flush();
    await store.attempts.append([attempt(5), attempt(20)]);
    expect(await store.attempts.deleteBefore(15)).toBe(2);
    expect((await store.attempts.list()).map((entry) => entry.at)).toEqual([20]);
    expect(store.stats()).toMatchObject({ pendingWrites: 0, flushes: 2, commits: 3 });
    expect(await store.attempts.deleteBefore(15)).toBe(0);
    expect(store.stats()).toMatchObject({ commits: 3 });
  });

  it('keeps the attempts of a failed flush readable, and commits them at the retry', async () => {
    const clock = new FakeClock();
    const logger = createLogger({ level: 'silent' });
    const error = vi.spyOn(logger, 'error');
    const store = open({ clock, logger, busyTimeoutMs: 0, commitThread });
    await store.attempts.append([attempt(10)]);
    const locker = temp.connect(store.path);
    locker.exec('BEGIN IMMEDIATE');
    await clock.advance(100);
    await statsReach(store, { failedFlushes: 1 });
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ pendingWrites: 1, pendingAttemptWrites: 1 }),
      expect.stringMatching(/retrying/),
    );
    await store.attempts.append([attempt(20)]);
    expect((await store.attempts.list()).map((entry) => entry.at)).toEqual([20, 10]);
    locker.exec('COMMIT');
    await clock.advance(100);
    await statsReach(store, { pendingWrites: 0, flushes: 1, flushedAttemptWrites: 2 });
    expect(count(peer(), 'notification_attempts')).toBe(2);
  });
});

describe('createSqliteStore attempts, checked and write-through', () => {
  it('rejects an attempt SQLite cannot store, accepting none of the call', async () => {
    const store = open({ clock: new FakeClock() });
    const broken = { ...attempt(20), receiver: undefined as unknown as string };
    await expect(store.attempts.append([attempt(10), broken])).rejects.toSatisfy(
      (error) =>
        PhoenixError.isInstance(error) &&
        error.code === 'ERR_STORE' &&
        /attempts\.append: cannot store undefined in column receiver/.test(error.message),
    );
    expect(store.stats().pendingWrites).toBe(0);
    expect(await store.attempts.list()).toEqual([]);
  });

  it('with batchFlushIntervalMs 0, commits each append before it resolves', async () => {
    const clock = new FakeClock();
    const store = open({ clock, batchFlushIntervalMs: 0 });
    await store.attempts.append([attempt(10), failed(20)]);
    expect(count(peer(), 'notification_attempts')).toBe(2);
    expect(store.stats()).toMatchObject({ pendingWrites: 0, flushes: 1, commits: 1 });
    expect(await store.attempts.list()).toEqual([failed(20), attempt(10)]);
  });
});
