import { describe, expect, it } from 'vitest';
import { TickBatcher } from './tick-batcher.js';

describe('TickBatcher', () => {
  it('flushes the requests of one turn together, in order, each getting its own result', async () => {
    const flushed: number[][] = [];
    const batcher = new TickBatcher<number, number>(async (items) => {
      flushed.push(items);
      return items.map((item) => item * 10);
    });
    const first = await Promise.all([1, 2, 3].map((n) => batcher.run(n)));
    const second = await batcher.run(4);
    expect(first).toEqual([10, 20, 30]);
    expect(second).toBe(40);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('fails one item for an Error result, every item of the batch for a rejection', async () => {
    let reject = false;
    const batcher = new TickBatcher<number, number>(async (items) => {
      if (reject) throw new Error('connection lost');
      return items.map((item) => (item < 0 ? new Error(`refused ${item}`) : item));
    });
    const mixed = await Promise.allSettled([1, -2, 3].map((n) => batcher.run(n)));
    expect(mixed.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((mixed[1] as PromiseRejectedResult).reason).toEqual(new Error('refused -2'));
    reject = true;
    const failed = await Promise.allSettled([5, 6].map((n) => batcher.run(n)));
    expect(failed.every((outcome) => outcome.status === 'rejected')).toBe(true);
  });

  it('flushes early at maxBatch and rejects items a flush answered nothing for', async () => {
    const sizes: number[] = [];
    const batcher = new TickBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items.length === 1 ? [] : items;
    }, 3);
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.run(n)));
    expect(sizes).toEqual([3, 1]);
    expect(results.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  });
});
