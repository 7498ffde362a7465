import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { needsUpdate } from './delivery.js';
import { createPipeline } from './pipeline.js';
import type { DeliveryResult, Notifier } from './plugin.js';
import type { NotificationLogEntry } from './store.js';
import { FakeClock, flushMicrotasks } from './testing/index.js';

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
