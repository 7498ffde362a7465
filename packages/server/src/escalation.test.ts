// The channels pages go through: the paging receiver's integrations, under their rate limits,
// with every attempt recorded.
import { createMemoryStore } from '@phoenix-alerting/core';
import type { DeliveryResult, Notifier } from '@phoenix-alerting/core';
import { FakeClock, buildAlert, buildNotification } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { channelRouter } from './escalation.js';

describe('channelRouter', () => {
  it('holds pages to an integration to its rate limit, pauses on Retry-After, records attempts', async () => {
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const store = createMemoryStore();
    const sentAt: number[] = [];
    const answers: DeliveryResult[] = [
      { ok: true },
      {
        ok: false,
        retryable: true,
        reason: 'rate-limited',
        statusCode: 429,
        message: 'slow down',
        retryAfterMs: 5_000,
      },
      { ok: true },
    ];
    const sms: Notifier = {
      name: 'sms',
      rateLimit: { limit: 1, intervalMs: 1_000 },
      async notify() {
        sentAt.push(clock.now());
        return answers.shift()!;
      },
    };
    const router = channelRouter(
      'sms',
      new Map([['oncall', [{ notifier: sms, integration: 'oncall/sms/0', limiters: new Map() }]]]),
      { clock, attempts: () => store.attempts },
    );
    const page = (key: string) =>
      router.notify(
        buildNotification([buildAlert({ labels: { alertname: 'Down' }, now: clock.now() })], {
          receiver: 'oncall',
          timestamp: clock.now(),
        }),
        { signal: new AbortController().signal, attempt: 1, idempotencyKey: key },
      );

    const first = page('a');
    const second = page('b');
    expect(await first).toEqual({ ok: true });
    await clock.advance(999);
    expect(sentAt).toHaveLength(1); // the second waits for the window
    await clock.advance(1);
    expect(await second).toMatchObject({ ok: false, retryAfterMs: 5_000 });
    const third = page('c');
    await clock.advance(4_999);
    expect(sentAt).toHaveLength(2); // held by the 429's Retry-After
    await clock.advance(1);
    expect(await third).toEqual({ ok: true });
    expect(sentAt.map((at) => at - sentAt[0]!)).toEqual([0, 1_000, 6_000]);

    const recorded = await store.attempts!.list();
    expect(recorded.map((entry) => [entry.integration, entry.ok, entry.statusCode])).toEqual([
      ['oncall/sms/0', true, undefined],
      ['oncall/sms/0', false, 429],
      ['oncall/sms/0', true, undefined],
    ]);
  });

  it('fails a page, without retry, for a receiver with no integration of the channel', async () => {
    const router = channelRouter('slack', new Map(), {
      clock: new FakeClock(0),
      attempts: () => undefined,
    });
    const result = await router.notify(buildNotification([], { receiver: 'oncall' }), {
      signal: new AbortController().signal,
      attempt: 1,
      idempotencyKey: 'k',
    });
    expect(result).toMatchObject({ ok: false, retryable: false });
  });
});
