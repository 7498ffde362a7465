// When the write-behind buffer is committed, and what happens to it meanwhile. One batch is with
// the committer at a time: writes accepted while it commits wait in a new buffer, which is handed
// over when the commit answers (at once if it has fallen due by then). Reads see both, the batch
// in flight under the buffer, until the commit answers. A failed batch takes back its place under
// the buffer and is retried an interval later.
import type { Clock, TimerHandle } from '@phoenix-alerting/core';
import type { Committer } from './committer.js';
import { WriteBuffer } from './write-buffer.js';
import type { PendingWrites } from './write-buffer.js';

export interface WriteBehindOptions {
  intervalMs: number;
  maxBufferedWrites: number;
  clock: Clock;
  committer: Committer;
  /** Throws when the store no longer takes writes; checked again after a call had to wait. */
  assertOpen(): void;
  /** A commit nobody awaits failed; its writes are buffered again and will be retried. */
  onBackgroundFailure(error: unknown, pending: PendingWrites): void;
}

/** The counters of committed batches (`stats()`). */
export interface WriteBehindCounters {
  flushes: number;
  flushedAlertWrites: number;
  flushedGroupWrites: number;
  flushedLogWrites: number;
  flushedAttemptWrites: number;
  failedFlushes: number;
}

const ignore = () => {};

export class WriteBehind {
  readonly counters: WriteBehindCounters = {
    flushes: 0,
    flushedAlertWrites: 0,
    flushedGroupWrites: 0,
    flushedLogWrites: 0,
    flushedAttemptWrites: 0,
    failedFlushes: 0,
  };
  /** Takes the writes accepted since the last hand-over. */
  private buffer = new WriteBuffer();
  /** The batch the committer has, until it answers. */
  private inFlight: WriteBuffer | undefined;
  private committing: Promise<void> | undefined;
  private timer: TimerHandle | undefined;
  /** When a batch was last handed over (opening counts): the next one is due an interval later. */
  private lastFlushAt: number;
  /** The last commit failed: a full buffer then waits for proof that commits go through. */
  private failing = false;
  private closed = false;

  constructor(private readonly options: WriteBehindOptions) {
    this.lastFlushAt = options.clock.now();
  }

  /** The buffered writes, oldest first: the batch being committed, then the buffer. */
  get layers(): readonly WriteBuffer[] {
    return this.inFlight ? [this.inFlight, this.buffer] : [this.buffer];
  }

  /** Writes accepted and not yet committed, the batch in flight included. */
  counts(): PendingWrites {
    const counts = this.buffer.counts();
    if (this.inFlight) {
      const flying = this.inFlight.counts();
      counts.pendingWrites += flying.pendingWrites;
      counts.pendingAlertWrites += flying.pendingAlertWrites;
      counts.pendingGroupWrites += flying.pendingGroupWrites;
      counts.pendingLogWrites += flying.pendingLogWrites;
      counts.pendingAttemptWrites += flying.pendingAttemptWrites;
    }
    return counts;
  }

  /**
   * Takes a call's writes. Their rows are already checked, so `apply` cannot fail half-way. With an
   * interval of 0 the call's writes are committed, as their own batch, before it resolves.
   */
  async accept(count: number, apply: (writes: WriteBuffer) => void): Promise<void> {
    if (count === 0) return;
    const { clock, intervalMs, maxBufferedWrites } = this.options;
    if (intervalMs === 0) {
      const writes = new WriteBuffer();
      apply(writes);
      while (this.committing) await this.committing.catch(ignore);
      this.options.assertOpen();
      // Not retried: the call rejects, so its caller knows nothing of it was written.
      await this.start(writes, clock.now(), false);
      return;
    }
    // Full: the buffer goes to the committer before it takes more. If a batch is still being
    // committed the call waits for it (backpressure); while commits fail it waits for the buffer's
    // own commit and rejects, accepting nothing, if that fails too: never a silent drop, and never
    // a buffer that grows without bound.
    while (this.buffer.size >= maxBufferedWrites) {
      if (this.committing) {
        await this.committing;
        continue;
      }
      this.flushInBackground(clock.now());
      if (this.failing && this.committing) await this.committing;
    }
    this.options.assertOpen(); // the store may have been stopped while this call waited
    apply(this.buffer);
    const now = clock.now();
    // The flush is due an interval after the last one. A timer runs late on a busy event loop,
    // which is when writes pour in, so the write that finds it due hands the buffer over itself.
    if (now - this.lastFlushAt >= intervalMs) this.flushInBackground(now);
    else this.arm(now);
  }

  /** Commits everything accepted so far; rejects if that fails (its writes stay buffered). */
  async flush(): Promise<void> {
    while (this.committing) await this.committing.catch(ignore);
    if (this.buffer.size === 0) return;
    await this.start(this.takeBuffer(), this.options.clock.now(), true);
  }

  /** Stops the timer and takes no more writes; then commits what is buffered (see `flush`). */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.flush();
  }

  private takeBuffer(): WriteBuffer {
    const batch = this.buffer;
    this.buffer = new WriteBuffer();
    return batch;
  }

  /** Hands the buffer over unless a batch is in flight (its answer hands it over then). */
  private flushInBackground(now: number): void {
    if (this.committing || this.buffer.size === 0) return;
    this.start(this.takeBuffer(), now, true).catch((error: unknown) =>
      this.options.onBackgroundFailure(error, this.counts()),
    );
  }

  private start(batch: WriteBuffer, now: number, retry: boolean): Promise<void> {
    this.clearTimer();
    this.lastFlushAt = now;
    this.inFlight = batch;
    const attempt = this.options.committer.commit(batch.toOps()).then(
      () => {
        this.inFlight = undefined;
        this.committing = undefined;
        this.failing = false;
        const counters = this.counters;
        counters.flushes++;
        counters.flushedAlertWrites += batch.alerts.size;
        counters.flushedGroupWrites += batch.groups.size;
        counters.flushedLogWrites += batch.log.size;
        counters.flushedAttemptWrites += batch.attempts.length;
        this.afterCommit();
      },
      (error: unknown) => {
        this.inFlight = undefined;
        this.committing = undefined;
        this.failing = true;
        this.counters.failedFlushes++;
        if (retry) {
          // Back under the writes made since, which are newer; retried an interval after this try.
          this.buffer = batch.absorb(this.buffer);
          this.arm(this.options.clock.now());
        }
        throw error;
      },
    );
    this.committing = attempt;
    return attempt;
  }

  private afterCommit(): void {
    if (this.closed || this.buffer.size === 0) return;
    const now = this.options.clock.now();
    const due = now - this.lastFlushAt >= this.options.intervalMs;
    if (due || this.buffer.size >= this.options.maxBufferedWrites) this.flushInBackground(now);
    else this.arm(now);
  }

  /** Arms the timer for when the buffer falls due: an interval after the last hand-over. */
  private arm(now: number): void {
    if (this.timer !== undefined || this.closed) return;
    const { clock, intervalMs } = this.options;
    // Never longer than an interval, even if the wall clock went back since the last flush.
    const delayMs = Math.min(intervalMs, Math.max(0, this.lastFlushAt + intervalMs - now));
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground(clock.now());
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
