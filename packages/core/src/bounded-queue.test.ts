import { describe, expect, it } from 'vitest';
import { BoundedBatchQueue } from './bounded-queue.js';
import { flushMicrotasks } from './testing/index.js';

describe('BoundedBatchQueue', () => {
  it('makes producers wait while full and admits them in order as room frees', async () => {
    const queue = new BoundedBatchQueue<number>(4);
    await queue.push([1, 2, 3]);
    const admitted: string[] = [];
    const second = queue.push([4, 5]).then(() => admitted.push('second'));
    const third = queue.push([6]).then(() => admitted.push('third'));
    await flushMicrotasks();
    // [6] would fit, but must not overtake the waiting [4, 5].
    expect(admitted).toEqual([]);
    expect(queue.size).toBe(3);
    expect(queue.waiting).toBe(2);
    const first = (await queue.shift())!;
    expect(first).toEqual([1, 2, 3]);
    queue.done(first);
    await Promise.all([second, third]);
    expect(admitted).toEqual(['second', 'third']);
    expect(queue.size).toBe(3);
    expect(await queue.shift()).toEqual([4, 5]);
    expect(await queue.shift()).toEqual([6]);
  });

  it('admits a batch larger than the capacity when empty, so nothing waits forever', async () => {
    const queue = new BoundedBatchQueue<number>(2);
    await queue.push([1, 2, 3, 4, 5]);
    expect(queue.size).toBe(5);
  });

  it('hands out queued batches after close, then undefined; rejects new and waiting pushes', async () => {
    const queue = new BoundedBatchQueue<number>(1);
    await queue.push([1]);
    const waiting = queue.push([2]);
    queue.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_PIPELINE_STOPPED' });
    await expect(queue.push([3])).rejects.toMatchObject({ code: 'ERR_PIPELINE_STOPPED' });
    expect(await queue.shift()).toEqual([1]);
    expect(await queue.shift()).toBeUndefined();
  });

  it('wakes a waiting reader on push and on close', async () => {
    const queue = new BoundedBatchQueue<number>(10);
    const read = queue.shift();
    await queue.push([7]);
    expect(await read).toEqual([7]);
    const pending = queue.shift();
    queue.close();
    expect(await pending).toBeUndefined();
  });
});
