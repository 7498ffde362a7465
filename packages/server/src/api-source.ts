// The Alertmanager push API as a pipeline Source. `emit` resolves when the batch is in the ingest
// queue; the API answers only once the batch has been merged and grouped, so that a client reading
// right after writing sees its alerts, as with Alertmanager's synchronous `Put`.
import type {
  Alert,
  AlertInput,
  Dispatcher,
  EmitResult,
  Processor,
  Source,
  SourceContext,
} from '@phoenix-alerting/core';
import { PhoenixError } from '@phoenix-alerting/core';

interface Waiter {
  remaining: Set<string>;
  resolve: () => void;
}

/** What the API waits on for one request's alerts. */
export interface Expectation {
  /** Resolves once every expected alert has been grouped (or the pipeline stopped). */
  done: Promise<void>;
  /** Stops waiting for alerts the pipeline rejected. */
  forget(fingerprints: Iterable<string>): void;
}

/**
 * Tracks accepted alerts through the pipeline. Its `dispatcher()` wrapper reports a batch once it
 * is grouped; its `processor` (placed after the processors that must have seen a batch) releases
 * what an earlier batch left waiting, should routing have failed for it.
 *
 * A request registers its fingerprints before it emits, so its batch cannot pass unseen. A batch
 * queued earlier with one of the same alerts may release it first; the request's own batch is
 * then next in the queue.
 */
export class IngestTracker {
  // One waiter per fingerprint is the rule (a Set only when requests overlap): allocating a Set
  // per alert in flight showed in the storm benchmark's profile.
  private readonly byFingerprint = new Map<string, Waiter | Set<Waiter>>();
  private readonly waiters = new Set<Waiter>();
  private previous: readonly Alert[] = [];

  /** Registers alerts about to be emitted. */
  expect(fingerprints: Iterable<string>): Expectation {
    const waiter: Waiter = { remaining: new Set(fingerprints), resolve: () => {} };
    const done = new Promise<void>((resolve) => (waiter.resolve = resolve));
    if (waiter.remaining.size === 0) waiter.resolve();
    else {
      this.waiters.add(waiter);
      for (const fingerprint of waiter.remaining) this.add(fingerprint, waiter);
    }
    return {
      done,
      forget: (fingerprints) => {
        for (const fingerprint of fingerprints) this.release(waiter, fingerprint);
      },
    };
  }

  /** Marks alerts as through the pipeline. */
  seen(alerts: readonly Alert[]): void {
    if (this.waiters.size === 0) return;
    for (const alert of alerts) {
      const found = this.byFingerprint.get(alert.fingerprint);
      if (found === undefined) continue;
      if (found instanceof Set)
        for (const waiter of [...found]) this.release(waiter, alert.fingerprint);
      else this.release(found, alert.fingerprint);
    }
  }

  private add(fingerprint: string, waiter: Waiter): void {
    const found = this.byFingerprint.get(fingerprint);
    if (found === undefined) this.byFingerprint.set(fingerprint, waiter);
    else if (found instanceof Set) found.add(waiter);
    else if (found !== waiter) this.byFingerprint.set(fingerprint, new Set([found, waiter]));
  }

  private remove(fingerprint: string, waiter: Waiter): void {
    const found = this.byFingerprint.get(fingerprint);
    if (found === waiter) this.byFingerprint.delete(fingerprint);
    else if (found instanceof Set) {
      found.delete(waiter);
      if (found.size === 0) this.byFingerprint.delete(fingerprint);
    }
  }

  private release(waiter: Waiter, fingerprint: string): void {
    if (!waiter.remaining.delete(fingerprint)) return;
    this.remove(fingerprint, waiter);
    if (waiter.remaining.size === 0) this.finish(waiter);
  }

  /** Releases every waiter (at shutdown). */
  releaseAll(): void {
    for (const waiter of [...this.waiters]) this.finish(waiter);
    this.byFingerprint.clear();
  }

  private finish(waiter: Waiter): void {
    if (!this.waiters.delete(waiter)) return;
    for (const fingerprint of waiter.remaining) this.remove(fingerprint, waiter);
    waiter.resolve();
  }

  /** A processor that passes batches through; batches run one at a time, in order. */
  readonly processor: Processor = {
    name: 'api-tracker',
    process: (batch) => {
      // The previous batch has finished its whole trip (routing and grouping included).
      this.seen(this.previous);
      this.previous = batch;
      return batch;
    },
  };

  /** Wraps a dispatcher so that a batch is reported once it has been grouped. */
  dispatcher<T extends Dispatcher>(inner: T): T {
    return new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property !== 'dispatch') {
          const value = Reflect.get(target, property, receiver) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: Parameters<Dispatcher['dispatch']>) => {
          try {
            await target.dispatch(...args);
          } finally {
            // The whole processed batch: alerts the router failed on are not dispatched, but
            // they are stored, and their senders are answered.
            const processed = this.previous;
            this.previous = [];
            this.seen(processed);
            this.seen(args[0]);
          }
        };
      },
    });
  }
}

/** The source the API pushes through. */
export interface ApiSource extends Source {
  /** Hands a batch to the pipeline. @throws PhoenixError `ERR_PIPELINE_STOPPED` when not running. */
  emit(alerts: readonly AlertInput[]): Promise<EmitResult>;
}

export function createApiSource(): ApiSource {
  let emit: SourceContext['emit'] | undefined;
  return {
    name: 'api',
    start(context) {
      emit = context.emit;
    },
    stop() {
      emit = undefined;
    },
    emit(alerts) {
      if (!emit)
        return Promise.reject(
          new PhoenixError('ERR_PIPELINE_STOPPED', 'the pipeline is not accepting alerts'),
        );
      return emit(alerts);
    },
  };
}
