import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('runs due timers in time order, ties in scheduling order, and sets now() to each due time', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 200);
    await clock.advance(150);
    expect(fired).toEqual(['a@100']);
    expect(clock.now()).toBe(150);
    await clock.advance(50);
    expect(fired).toEqual(['a@100', 'b@200', 'c@200']);
  });

  it('runs timers scheduled by timers within the same advance', async () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      if (fired.length < 5) clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    await clock.advance(35);
    expect(fired).toEqual([10, 20, 30]);
    await clock.advance(100);
    expect(fired).toEqual([10, 20, 30, 40, 50]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets async work started by a timer settle before the next timer fires', async () => {
    const clock = new FakeClock(0);
    const log: string[] = [];
    clock.setTimeout(() => {
      void (async () => {
        await Promise.resolve();
        await Promise.resolve();
        log.push('async done');
        clock.setTimeout(() => log.push(`chained at ${clock.now()}`), 5);
      })();
    }, 10);
    clock.setTimeout(() => log.push('second'), 12);
    await clock.advance(20);
    expect(log).toEqual(['async done', 'second', 'chained at 15']);
  });

  it('sleep resolves on advance and rejects on abort; clearTimeout cancels', async () => {
    const clock = new FakeClock(0);
    let slept = false;
    const sleeping = clock.sleep(1_000).then(() => (slept = true));
    const handle = clock.setTimeout(() => {
      throw new Error('must not fire');
    }, 500);
    clock.clearTimeout(handle);
    await clock.advance(999);
    expect(slept).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect(slept).toBe(true);
    const controller = new AbortController();
    const aborted = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses to go back in time and bounds runAll', async () => {
    const clock = new FakeClock('2024-03-10T00:00:00Z');
    expect(clock.now()).toBe(Date.UTC(2024, 2, 10));
    await expect(clock.advanceTo(0)).rejects.toThrow(RangeError);
    const rearm = () => void clock.setTimeout(rearm, 1);
    rearm();
    await expect(clock.runAll(50)).rejects.toThrow('more than 50 timers');
  });
});
