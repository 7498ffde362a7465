import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DeliveryQueue, needsUpdate } from './delivery.js';
import { createPipelineEvents } from './events.js';
import { createMemoryStore } from './memory-store.js';
import { createPipeline } from './pipeline.js';
import type { DeliveryResult, Notifier } from './plugin.js';
import type { NotificationLogEntry } from './store.js';
import { buildAlerts, buildNotification, FakeClock, flushMicrotasks } from './testing/index.js';

const silent = pino({ level: 'silent' });

function scripted(results: DeliveryResult[], sendResolved = true) {
  const attempts: number[] = [];
  const notifier: Notifier = {
    name: 'scripted',
    sendResolved,
    async notify(_notification, { attempt }) {
      attempts.push(attempt);
      return results[Math.min(attempt - 1, results.length - 1)]!;
    },
  };
  return { notifier, attempts };
}

const serverError: DeliveryResult = {
  ok: false,
  retryable: true,
  reason: 'server',
  statusCode: 503,
  message: 'unavailable',
};
const clientError: DeliveryResult = {
  ok: false,
  retryable: false,
  reason: 'client',
  statusCode: 400,
  message: 'bad request',
};

async function run(notifier: Notifier, clock = new FakeClock()) {
  const pipeline = createPipeline({
    clock,
    logger: silent,
    receivers: { default: [notifier] },
    retry: { initialBackoffMs: 1_000, random: () => 0.5 },
  });
  const sent: number[] = [];
  pipeline.events.on('notification-sent', ({ attempts }) => sent.push(attempts));
  await pipeline.start();
  await pipeline.emit([{ labels: { alertname: 'Retry' } }]);
  await flushMicrotasks(5);
  return { pipeline, clock, sent };
}

describe('delivery retries', () => {
  it('retries 5xx with exponential backoff until it succeeds', async () => {
    const { notifier, attempts } = scripted([serverError, serverError, { ok: true }]);
    const { clock, sent } = await run(notifier);
    expect(attempts).toEqual([1]);
    await clock.advance(999);
    expect(attempts).toEqual([1]);
    await clock.advance(1);
    expect(attempts).toEqual([1, 2]);
    // Backoff doubles: the third attempt comes 2 s after the second.
    await clock.advance(1_999);
    expect(attempts).toEqual([1, 2]);
    await clock.advance(1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(sent).toEqual([3]);
  });

  it('does not retry a 4xx', async () => {
    const { notifier, attempts } = scripted([clientError, { ok: true }]);
    const { clock, sent } = await run(notifier);
    await clock.advance(60_000);
    expect(attempts).toEqual([1]);
    expect(sent).toEqual([]);
  });

  it('honours Retry-After and stops retrying at the deadline (group_interval, at least 10 s)', async () => {
    const { notifier, attempts } = scripted([
      { ...serverError, reason: 'rate-limited', statusCode: 429, retryAfterMs: 7_000 },
      serverError,
    ]);
    const { clock } = await run(notifier);
    await clock.advance(6_999);
    expect(attempts).toEqual([1]);
    await clock.advance(1);
    expect(attempts).toEqual([1, 2]);
    await clock.advance(10 * 60_000);
    // Default route group_interval is 5m: attempts stop before the 5 minute deadline.
    const count = attempts.length;
    expect(count).toBeGreaterThan(3);
    expect(count).toBeLessThan(20);
    await clock.advance(60 * 60_000);
    expect(attempts.length).toBe(count);
  });
});

describe('needsUpdate (Alertmanager DedupStage)', () => {
  const entry: NotificationLogEntry = {
    groupKey: 'g',
    integration: 'r/webhook/0',
    firingAlerts: ['a', 'b'],
    resolvedAlerts: [],
    timestamp: 1_000,
    expiresAt: 0,
  };
  it.each([
    ['first notification with firing alerts', undefined, ['a'], [], true, true],
    ['first notification with only resolved alerts', undefined, [], ['a'], true, false],
    ['a new firing alert', entry, ['a', 'c'], [], true, true],
    ['fewer firing alerts, nothing resolved for this receiver', entry, ['a'], [], false, false],
    ['fewer firing alerts, send_resolved and a new resolved one', entry, ['a'], ['b'], true, true],
    ['all resolved after firing was sent', entry, [], ['a', 'b'], false, true],
    ['all resolved but never sent firing', { ...entry, firingAlerts: [] }, [], ['a'], true, false],
  ] as const)('%s', (_name, logged, firing, resolved, sendResolved, expected) => {
    expect(
      needsUpdate(
        logged as NotificationLogEntry | undefined,
        firing,
        resolved,
        sendResolved,
        60_000,
        2_000,
      ),
    ).toBe(expected);
  });

  it('repeats an unchanged group only after repeat_interval', () => {
    expect(needsUpdate(entry, ['a', 'b'], [], true, 60_000, 61_000)).toBe(false);
    expect(needsUpdate(entry, ['a', 'b'], [], true, 60_000, 61_001)).toBe(true);
  });
});

describe('rate limits', () => {
  const rateLimited = (retryAfterMs: number): DeliveryResult => ({
    ok: false,
    retryable: true,
    reason: 'rate-limited',
    statusCode: 429,
    message: 'slow down',
    retryAfterMs,
  });

  /** A queue for `notifier` on a FakeClock; `notify(i)` queues a notification of group `g<i>`. */
  function queueFor(notifier: Notifier, clock: FakeClock, concurrency = 4) {
    const shutdown = new AbortController();
    const queue = new DeliveryQueue({
      integration: 'slack-receiver/slack/0',
      notifier,
      clock,
      logger: silent,
      events: createPipelineEvents(),
      notificationLog: createMemoryStore().notificationLog,
      maxQueued: 100,
      concurrency,
      retry: { initialBackoffMs: 1_000, random: () => 0.5 },
      logRetentionMs: 3_600_000,
      shutdownSignal: shutdown.signal,
    });
    // Resolves once queued, with the delivery outcome boxed so that awaiting it does not wait.
    const notify = async (group: number) => {
      const { delivered } = await queue.enqueue(
        buildNotification(buildAlerts(1, { now: clock.now() }), {
          groupKey: `{}:{group="g${group}"}`,
          timestamp: clock.now(),
        }),
      );
      return { delivered };
    };
    return { queue, notify, shutdown };
  }

  /** Records when each attempt started (ms after `t0`) and for which group, answering `answer`. */
  function recording(
    clock: FakeClock,
    answer: (group: string, attempt: number) => DeliveryResult,
    rateLimit?: Notifier['rateLimit'],
  ) {
    const t0 = clock.now();
    const starts: { at: number; group: string; attempt: number }[] = [];
    const notifier: Notifier = {
      name: 'recording',
      ...(rateLimit && { rateLimit }),
      async notify(notification, { attempt }) {
        const group = notification.groupKey.replace(/^.*="(\w+)".*$/, '$1');
        starts.push({ at: clock.now() - t0, group, attempt });
        return answer(group, attempt);
      },
    };
    return { notifier, starts };
  }

  it('starts at most `limit` attempts per interval, in order, losing none', async () => {
    const clock = new FakeClock();
    const { notifier, starts } = recording(clock, () => ({ ok: true }), {
      limit: 2,
      intervalMs: 1_000,
    });
    const { notify, queue } = queueFor(notifier, clock);
    const queued = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(notify));
    await flushMicrotasks(5);
    expect(starts.map((start) => start.at)).toEqual([0, 0]);
    // Two delivered; the queue's four delivery slots now all wait for the limit.
    expect(queue.rateLimited).toBe(4);
    await clock.advance(999);
    expect(starts.length).toBe(2);
    await clock.advance(1);
    expect(starts.map((start) => start.at)).toEqual([0, 0, 1_000, 1_000]);
    await clock.advance(10_000);
    expect(starts.map((start) => start.at)).toEqual([0, 0, 1_000, 1_000, 2_000, 2_000, 3_000]);
    expect(starts.map((start) => start.group)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7']);
    expect(await Promise.all(queued.map((entry) => entry.delivered))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('is a sliding window: a slot frees `intervalMs` after the attempt that used it', async () => {
    const clock = new FakeClock();
    const { notifier, starts } = recording(clock, () => ({ ok: true }), {
      limit: 2,
      intervalMs: 1_000,
    });
    const { notify } = queueFor(notifier, clock);
    await notify(1);
    await clock.advance(600);
    await notify(2);
    await notify(3);
    await flushMicrotasks(5);
    expect(starts.map((start) => start.at)).toEqual([0, 600]);
    await clock.advance(399);
    expect(starts.length).toBe(2);
    await clock.advance(1);
    expect(starts.map((start) => start.at)).toEqual([0, 600, 1_000]);
  });

  it('frees a slot `intervalMs` after its attempt answered, so a slow answer cannot bunch requests', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const starts: number[] = [];
    const notifier: Notifier = {
      name: 'slow',
      rateLimit: { limit: 1, intervalMs: 1_000 },
      async notify() {
        starts.push(clock.now() - t0);
        await clock.sleep(3_000);
        return { ok: true };
      },
    };
    const { notify } = queueFor(notifier, clock);
    await notify(1);
    await notify(2);
    await clock.advance(3_999);
    expect(starts).toEqual([0]);
    await clock.advance(1);
    expect(starts).toEqual([0, 4_000]);
  });

  it('counts retries against the limit', async () => {
    const clock = new FakeClock();
    const { notifier, starts } = recording(
      clock,
      (group, attempt) => (group === 'g1' && attempt === 1 ? serverError : { ok: true }),
      { limit: 1, intervalMs: 1_000 },
    );
    const { notify } = queueFor(notifier, clock, 1);
    await notify(1);
    await notify(2);
    await clock.advance(5_000);
    // g1 fails at 0 and retries after its 1 s backoff, taking the slot g2 would have had.
    expect(starts).toEqual([
      { at: 0, group: 'g1', attempt: 1 },
      { at: 1_000, group: 'g1', attempt: 2 },
      { at: 2_000, group: 'g2', attempt: 1 },
    ]);
  });

  it("pauses the whole integration for a 429's Retry-After, not only that notification", async () => {
    const clock = new FakeClock();
    const { notifier, starts } = recording(clock, (group, attempt) =>
      group === 'g1' && attempt === 1 ? rateLimited(30_000) : { ok: true },
    );
    const { notify } = queueFor(notifier, clock);
    await notify(1);
    await flushMicrotasks(5);
    const { delivered: second } = await notify(2);
    await clock.advance(29_999);
    expect(starts.map((start) => `${start.group}@${start.at}`)).toEqual(['g1@0']);
    await clock.advance(1);
    expect(starts.map((start) => `${start.group}@${start.at}`)).toEqual([
      'g1@0',
      'g2@30000',
      'g1@30000',
    ]);
    expect(await second).toBe(true);
  });

  it('limits per key when the notifier gives one, and pauses every key for a Retry-After', async () => {
    const clock = new FakeClock();
    const { notifier, starts } = recording(clock, (group, attempt) =>
      group === 'g4' && attempt === 1 ? rateLimited(10_000) : { ok: true },
    );
    const keyed: Notifier = {
      ...notifier,
      rateLimit: {
        limit: 1,
        intervalMs: 1_000,
        // g1, g3, g5: channel a; g2, g4: channel b
        key: (notification) => (/g[135]/.test(notification.groupKey) ? 'a' : 'b'),
      },
    };
    const { notify } = queueFor(keyed, clock);
    for (const group of [1, 2, 3]) await notify(group);
    await flushMicrotasks(5);
    expect(starts.map((start) => `${start.group}@${start.at}`)).toEqual(['g1@0', 'g2@0']);
    await clock.advance(1_000);
    expect(starts.map((start) => `${start.group}@${start.at}`)).toEqual([
      'g1@0',
      'g2@0',
      'g3@1000',
    ]);
    await notify(4);
    await clock.advance(1_000);
    await notify(5);
    await clock.advance(5_000);
    // g4's 429 at 1000 holds channel a too: g5 (channel a, queued at 2000) waits until 11000.
    expect(starts.map((start) => `${start.group}@${start.at}`)).toEqual([
      'g1@0',
      'g2@0',
      'g3@1000',
      'g4@1000',
    ]);
    await clock.advance(5_000);
    expect(
      starts
        .map((start) => `${start.group}@${start.at}`)
        .slice(4)
        .sort(),
    ).toEqual(['g4@11000', 'g5@11000']);
  });

  it('leaves other integrations alone', async () => {
    const clock = new FakeClock();
    const slow = recording(clock, () => rateLimited(60_000), { limit: 1, intervalMs: 1_000 });
    const fast = recording(clock, () => ({ ok: true }));
    const slowQueue = queueFor(slow.notifier, clock);
    const fastQueue = queueFor(fast.notifier, clock);
    await Promise.all([1, 2, 3].map(slowQueue.notify));
    await Promise.all([1, 2, 3].map(fastQueue.notify));
    await flushMicrotasks(5);
    expect(slow.starts.length).toBe(1);
    expect(fast.starts.map((start) => start.at)).toEqual([0, 0, 0]);
    slowQueue.shutdown.abort(new Error('test over'));
  });

  it('gives up a notification whose deadline passes while it waits for a slot', async () => {
    const clock = new FakeClock();
    const { notifier, starts } = recording(clock, (group) =>
      group === 'g1' ? rateLimited(20 * 60_000) : { ok: true },
    );
    const { notify } = queueFor(notifier, clock);
    const { delivered: first } = await notify(1);
    await flushMicrotasks(5);
    const { delivered: second } = await notify(2);
    // Deadline: the default group_interval (5m) after the attempt began.
    await clock.advance(5 * 60_000);
    expect(await second).toBe(false);
    expect(await first).toBe(false);
    expect(starts.length).toBe(1);
  });

  it('rejects an invalid rate limit when the queue is built, naming the integration', () => {
    const clock = new FakeClock();
    const { notifier } = recording(clock, () => ({ ok: true }), { limit: 0.5, intervalMs: -1 });
    expect(() => queueFor(notifier, clock)).toThrow(
      /rate limit of notifier slack-receiver\/slack\/0[\s\S]*rateLimit\.limit[\s\S]*rateLimit\.intervalMs/,
    );
  });
});
