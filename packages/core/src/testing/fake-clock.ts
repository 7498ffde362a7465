import { sleepWith } from '../clock.js';
import type { Clock, TimerHandle } from '../clock.js';

interface FakeTimer {
  id: number;
  due: number;
  callback: () => void;
}

/** Lets every pending promise callback run, including chains of them and I/O-free async work. */
export async function flushMicrotasks(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A Clock that only moves when told. `advance` runs due timers in time order (ties in scheduling
 * order), including timers that timers schedule, and lets the async work they start settle
 * between timers, so code under test sees the same sequence it would in real time.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  /** @param start initial time, ms since epoch (default 2024-01-01T00:00:00Z) */
  constructor(start: number | Date | string = Date.UTC(2024, 0, 1)) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: FakeTimer = {
      id: this.nextId++,
      due: this.current + Math.max(0, delayMs),
      callback,
    };
    // Keep sorted by (due, id); insertion from the back is cheap for the common append case.
    let index = this.timers.length;
    while (index > 0 && this.timers[index - 1]!.due > timer.due) index--;
    this.timers.splice(index, 0, timer);
    return { id: timer.id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as unknown as { id: number }).id;
    this.timers = this.timers.filter((timer) => timer.id !== id);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, delayMs, signal);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** When the next timer is due (ms since epoch), or undefined. */
  nextDue(): number | undefined {
    return this.timers[0]?.due;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time to `target` (ms since epoch or a Date/string), running due timers. */
  async advanceTo(target: number | Date | string): Promise<void> {
    const until = typeof target === 'number' ? target : new Date(target).getTime();
    if (until < this.current) throw new RangeError('a FakeClock cannot go back in time');
    await flushMicrotasks();
    for (let timer = this.timers[0]; timer && timer.due <= until; timer = this.timers[0]) {
      this.timers.shift();
      this.current = timer.due;
      timer.callback();
      await flushMicrotasks();
    }
    this.current = until;
    await flushMicrotasks();
  }

  /** Runs timers until none are left or `limit` have fired (guards against endless re-arming). */
  async runAll(limit = 10_000): Promise<void> {
    for (let fired = 0; this.timers.length > 0; fired++) {
      if (fired >= limit) throw new Error(`FakeClock.runAll: more than ${limit} timers fired`);
      await this.advanceTo(this.timers[0]!.due);
    }
  }
}
