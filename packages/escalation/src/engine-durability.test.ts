import { createMemoryEscalationStore } from '@phoenix-alerting/core';
import { FakeClock } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { MINUTE, T0, alert, group, startHarness } from './test-support.js';

const levelsPaged = async (h: Awaited<ReturnType<typeof startHarness>>) => {
  const [incident] = await h.engine.listIncidents();
  const timeline = await h.store.timeline(incident!.id);
  return timeline
    .filter((event) => event.kind === 'level-paged')
    .map((event) => [(event.at - T0) / MINUTE, event.data.level]);
};

describe('page delivery', () => {
  it('retries a retryable failure with backoff, with the same idempotency key every attempt', async () => {
    const attempts: [number, string, number][] = [];
    const h = await startHarness({
      respond: (notification, attempt) => {
        attempts.push([attempt, notification.incident!.recipients[0]!.name, 0]);
        return attempt < 3
          ? { ok: false, retryable: true, reason: 'server', statusCode: 503, message: 'HTTP 503' }
          : { ok: true };
      },
    });
    await h.notify(group('Disk', [alert('Disk', 'info', { now: T0 })], T0));
    await h.advance(5_000);
    expect(attempts.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    // Backoff 1 s, then 2 s: delivered at 3 s.
    expect(h.pages.map((page) => [page.at - T0, page.attempt])).toEqual([[3_000, 3]]);
    const [incident] = await h.engine.listIncidents();
    const [page] = await h.store.pages(incident!.id);
    expect(page).toMatchObject({ status: 'sent', attempts: 3 });
    expect(h.pages[0]!.idempotencyKey).toBe(page!.key);
  });

  it('gives up a non-retryable failure at once and records it on the timeline', async () => {
    const h = await startHarness({
      respond: () => ({
        ok: false,
        retryable: false,
        reason: 'client',
        statusCode: 400,
        message: 'HTTP 400',
      }),
    });
    await h.notify(group('Disk', [alert('Disk', 'info', { now: T0 })], T0));
    await h.advance(MINUTE);
    const [incident] = await h.engine.listIncidents();
    const details = await h.engine.getIncident(incident!.id);
    expect(details.timeline.at(-1)).toMatchObject({
      kind: 'page-failed',
      data: { channel: 'slack', reason: 'client', attempts: 1 },
    });
    expect((await h.store.pages(incident!.id))[0]!.status).toBe('failed');
  });
});

describe('durable timers', () => {
  it('after a restart, fires late steps at once and every step exactly once', async () => {
    const store = createMemoryEscalationStore();
    const clock = new FakeClock(T0);
    const first = await startHarness({ store, clock });
    await first.notify(group('Disk', [alert('Disk', 'critical', { now: T0 })], T0));
    await first.advance(5 * MINUTE);
    await first.engine.stop();
    // Down from 5 to 40 minutes: level 2 (due at 15) is late.
    await clock.advance(35 * MINUTE);
    const second = await startHarness({ store, clock });
    await second.advance(0);
    await second.advance(3 * 60 * MINUTE);
    expect(await levelsPaged(second)).toEqual([
      [0, 1],
      [40, 2],
      [55, 3],
    ]);
    const [incident] = await second.engine.listIncidents();
    expect(incident!.exhausted).toBe(true);
    // Level 1 on three channels before the crash; levels 2 and 3 (two managers) after it.
    expect([first.paging().length, second.paging().length]).toEqual([3, 9]);
  });

  it('takes over a step claimed by a worker that died, once its lease ends', async () => {
    const store = createMemoryEscalationStore();
    const clock = new FakeClock(T0);
    const first = await startHarness({ store, clock });
    await first.notify(group('Disk', [alert('Disk', 'critical', { now: T0 })], T0));
    await first.engine.stop();
    await clock.advance(15 * MINUTE);
    // A worker claimed level 2 and died before firing it.
    expect(await store.claimDueSteps(clock.now(), 'dead', MINUTE, 10)).toHaveLength(1);
    const second = await startHarness({ store, clock });
    await second.advance(MINUTE - 1);
    expect(await levelsPaged(second)).toEqual([[0, 1]]);
    await second.advance(1);
    expect(await levelsPaged(second)).toEqual([
      [0, 1],
      [16, 2],
    ]);
  });

  it('two engines on one store fire each step once and send each page once', async () => {
    const store = createMemoryEscalationStore();
    const clock = new FakeClock(T0);
    const a = await startHarness({ store, clock, engine: { workerId: 'a' } });
    const b = await startHarness({ store, clock, engine: { workerId: 'b' } });
    await a.notify(group('Disk', [alert('Disk', 'critical', { now: T0 })], T0));
    for (let minute = 0; minute < 90; minute++) {
      await a.advance(0);
      await b.advance(0);
      await clock.advance(MINUTE);
    }
    await a.engine.idle();
    await b.engine.idle();
    expect(await levelsPaged(a)).toEqual([
      [0, 1],
      [15, 2],
      [30, 3],
    ]);
    const keys = [...a.pages, ...b.pages].map((page) => page.idempotencyKey);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
  });

  it('fires the other steps of a batch on time when one was finished meanwhile', async () => {
    const store = createMemoryEscalationStore();
    const claim = store.claimDueSteps.bind(store);
    // Right after the engine claims the level-2 steps, a person on another replica acknowledges
    // the first incident, which cancels its step under the engine's claim.
    store.claimDueSteps = async (...rest) => {
      const steps = await claim(...rest);
      const first = steps.find((step) => step.level === 2);
      if (first)
        await store.commit({ at: T0, completeSteps: [{ id: first.id, status: 'canceled' }] });
      return steps;
    };
    const h = await startHarness({ store });
    await h.notify(group('A', [alert('A', 'critical', { now: T0 })], T0));
    await h.notify(group('B', [alert('B', 'critical', { now: T0 })], T0));
    await h.advance(15 * MINUTE);
    const levels = h.paging().filter(([minute]) => minute === 15);
    // One incident's level 2 was canceled; the other's is paged at 15 minutes, not a lease later.
    expect(levels.map(([, level]) => level)).toEqual([2, 2, 2]);
  });
});
