import { createLogger, createMemoryStore } from '@phoenix-alerting/core';
import type { NotificationAttempt } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { batchAttempts } from './attempt-history.js';

const attempt = (at: number): NotificationAttempt => ({
  at,
  groupKey: 'g',
  receiver: 'r',
  integration: 'r/webhook/0',
  attempt: 1,
  ok: true,
  firing: 1,
  resolved: 0,
});

describe('batchAttempts', () => {
  it('writes a storm of attempts in one store call per interval, and reads see them all', async () => {
    const clock = new FakeClock(0);
    const store = createMemoryStore().attempts!;
    const calls: number[] = [];
    const counted = {
      ...store,
      append: async (batch: readonly NotificationAttempt[]) => {
        calls.push(batch.length);
        await store.append(batch);
      },
    };
    const batched = batchAttempts(counted, { clock, logger: createLogger({ level: 'silent' }) });
    for (let i = 0; i < 50; i++) await batched.append([attempt(i)]);
    expect(calls).toEqual([]);
    await clock.advance(100);
    expect(calls).toEqual([50]);

    await batched.append([attempt(100)]);
    expect((await batched.list({ limit: 1 })).map((entry) => entry.at)).toEqual([100]);
    expect(calls).toEqual([50, 1]); // the read flushed first

    await batched.append([attempt(101)]);
    await batched.stop();
    expect(calls).toEqual([50, 1, 1]);
    await batched.append([attempt(102)]); // after stop: written at once
    expect(calls).toEqual([50, 1, 1, 1]);
  });
});
