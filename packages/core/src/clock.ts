/** An opaque handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  readonly __timer: unique symbol;
}

/**
 * The only source of time in Phoenix. Nothing reads `Date.now()` or calls `setTimeout` directly,
 * so tests can drive hours of grouping and escalation in milliseconds with the FakeClock from
 * `@phoenix-alerting/core/testing`.
 */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Runs `callback` once after `delayMs` milliseconds (negative delays run as soon as possible).
   * System timers are `unref()`'d: a pending timer never keeps the process alive on its own.
   */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /** Resolves after `delayMs`; rejects with the signal's reason when `signal` aborts first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** Builds `sleep` on top of a clock's own timers, so fake and real clocks share one behaviour. */
export function sleepWith(
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
  delayMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Node's timers overflow (and fire at once) past 2^31-1 ms; long waits are chained.
const MAX_TIMER_MS = 2_147_483_647;

class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const box: { timer?: NodeJS.Timeout } = {};
    const due = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const remaining = due - Date.now();
      box.timer = setTimeout(
        remaining > MAX_TIMER_MS ? arm : callback,
        Math.min(Math.max(0, remaining), MAX_TIMER_MS),
      );
      box.timer.unref();
    };
    arm();
    return box as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const box = handle as unknown as { timer?: NodeJS.Timeout };
    if (box.timer) clearTimeout(box.timer);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, delayMs, signal);
  }
}

/** The production clock: wall time and Node timers. */
export const systemClock: Clock = new SystemClock();
