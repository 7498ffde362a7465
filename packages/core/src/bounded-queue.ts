import { PhoenixError } from './errors.js';

interface SpaceWaiter<T> {
  batch: T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A FIFO of batches bounded by the total number of items in it. `push` waits while the queue is
 * full (backpressure); a batch larger than the capacity is admitted alone when the queue is empty,
 * so nothing is ever dropped and nothing waits forever.
 */
export class BoundedBatchQueue<T> {
  private readonly batches: T[][] = [];
  private readonly spaceWaiters: SpaceWaiter<T>[] = [];
  private reader: ((batch: T[] | undefined) => void) | undefined;
  private queued = 0;
  private closed = false;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`capacity must be positive, got ${capacity}`);
  }

  /** Items waiting to be taken. */
  get size(): number {
    return this.queued;
  }

  /** Producers waiting for room. */
  get waiting(): number {
    return this.spaceWaiters.length;
  }

  private fits(weight: number): boolean {
    return this.queued === 0 || this.queued + weight <= this.capacity;
  }

  /** Resolves once the batch is in the queue; rejects after `close()`. */
  async push(batch: T[]): Promise<void> {
    if (this.closed)
      throw new PhoenixError(
        'ERR_PIPELINE_STOPPED',
        'the pipeline is stopping and accepts no more alerts',
      );
    if (this.spaceWaiters.length > 0 || !this.fits(batch.length)) {
      // `done` enqueues the batch itself when room frees, so waiters get in strictly in order.
      await new Promise<void>((resolve, reject) =>
        this.spaceWaiters.push({ batch, resolve, reject }),
      );
      return;
    }
    this.enqueue(batch);
  }

  private enqueue(batch: T[]): void {
    if (this.reader) {
      const reader = this.reader;
      this.reader = undefined;
      // Handed straight to the reader: it counts as queued until `done` is called.
      this.queued += batch.length;
      reader(batch);
      return;
    }
    this.batches.push(batch);
    this.queued += batch.length;
  }

  /** The next batch, or `undefined` once closed and empty. Call `done(batch)` after processing. */
  shift(): Promise<T[] | undefined> {
    const batch = this.batches.shift();
    if (batch) return Promise.resolve(batch);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.reader = resolve;
    });
  }

  /** Releases the room a processed batch held, letting waiting producers in. */
  done(batch: T[]): void {
    this.queued -= batch.length;
    while (this.spaceWaiters.length > 0 && this.fits(this.spaceWaiters[0]!.batch.length)) {
      const waiter = this.spaceWaiters.shift()!;
      this.enqueue(waiter.batch);
      waiter.resolve();
    }
  }

  /** Refuses new batches; batches already queued are still handed out. */
  close(): void {
    this.closed = true;
    for (const waiter of this.spaceWaiters.splice(0)) {
      waiter.reject(
        new PhoenixError(
          'ERR_PIPELINE_STOPPED',
          'the pipeline is stopping and accepts no more alerts',
        ),
      );
    }
    if (this.reader && this.batches.length === 0) {
      const reader = this.reader;
      this.reader = undefined;
      reader(undefined);
    }
  }
}
