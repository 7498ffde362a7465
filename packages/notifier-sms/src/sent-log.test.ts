import type { KeyValueStore } from '@phoenix-alerting/core';
import { createMemoryStore, FakeClock } from '@phoenix-alerting/core/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createSentLog, SENT_LOG_RETENTION_MS } from './sent-log.js';

const logger = pino({ enabled: false });
const namespace = 'notifier-sms:sent';

describe('createSentLog', () => {
  it('remembers recipients per key, in memory without a store', async () => {
    const log = createSentLog({ clock: new FakeClock(0), logger, namespace });
    await log.record('k1', '+15550100', 'SM1');
    await log.record('k1', '+15550101', 'SM2');
    expect(await log.sent('k1')).toEqual({ '+15550100': 'SM1', '+15550101': 'SM2' });
    expect(await log.sent('k2')).toEqual({});
  });

  it("persists in the store's key-value space, so a new instance knows", async () => {
    const { kv } = createMemoryStore();
    const clock = new FakeClock(1_000);
    await createSentLog({ clock, logger, kv, namespace }).record('k1', '+15550100', 'SM1');
    const again = createSentLog({ clock, logger, kv, namespace });
    expect(await again.sent('k1')).toEqual({ '+15550100': 'SM1' });
    expect(await kv!.get(namespace, 'k1')).toEqual({ at: 1_000, sent: { '+15550100': 'SM1' } });
  });

  it('forgets entries after the retention, and prunes them from the store', async () => {
    const { kv } = createMemoryStore();
    const clock = new FakeClock(0);
    const log = createSentLog({ clock, logger, kv, namespace });
    await log.record('old', '+15550100', 'SM1');
    await clock.advance(SENT_LOG_RETENTION_MS + 1);
    expect(await log.sent('old')).toEqual({});
    // The next write (an hour or more after the last prune) removes expired entries.
    await log.record('new', '+15550100', 'SM2');
    expect((await kv!.list(namespace)).map((entry) => entry.key)).toEqual(['new']);
  });

  it('keeps sending when the store fails, remembering in memory', async () => {
    const failing: KeyValueStore = {
      get: () => Promise.reject(new Error('disk gone')),
      put: () => Promise.reject(new Error('disk gone')),
      delete: () => Promise.reject(new Error('disk gone')),
      list: () => Promise.reject(new Error('disk gone')),
    };
    const log = createSentLog({ clock: new FakeClock(0), logger, kv: failing, namespace });
    expect(await log.sent('k1')).toEqual({});
    await log.record('k1', '+15550100', 'SM1');
    expect(await log.sent('k1')).toEqual({ '+15550100': 'SM1' });
  });
});
