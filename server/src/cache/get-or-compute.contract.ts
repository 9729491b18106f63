import { expect, it } from 'vitest';
import { deferred, type CacheHarness } from './cache-harness.contract.js';

/** getOrCompute's part of the contract (stampede protection within one instance, issue 10 item 5). */
export function getOrComputeContract(fresh: () => Promise<CacheHarness>): void {
  it('computes on a miss and stores; then hits without computing', async () => {
    const { store, clock } = await fresh();
    let runs = 0;
    const compute = () => ({ run: ++runs });
    const first = await store.getOrCompute('k', compute, { group: 'g', ttlSec: 30 });
    expect(first).toEqual({ value: { run: 1 }, expiresAt: clock() + 30_000, hit: false });
    expect(await store.getOrCompute('k', compute, { group: 'g', ttlSec: 30 })).toEqual({ ...first, hit: true });
    expect((await store.get('k', { group: 'g' }))?.value).toEqual({ run: 1 });
    await store.deleteGroup('g');
    expect((await store.getOrCompute('k', compute, { group: 'g' })).value).toEqual({ run: 2 });
    clock.advance(60_000);
    expect(await store.getOrCompute('k', compute, { group: 'g' })).toMatchObject({ value: { run: 3 }, hit: false });
  });

  it('shares one compute among concurrent misses of one entry', async () => {
    const { store } = await fresh();
    const gate = deferred<string>();
    let runs = 0;
    const calls = Array.from({ length: 20 }, () =>
      store.getOrCompute('k', () => {
        runs++;
        return gate.promise;
      }),
    );
    gate.resolve('v');
    const results = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(['v']));
  });

  it('a compute that throws stores nothing and rejects every caller sharing it', async () => {
    const { store } = await fresh();
    let runs = 0;
    const failing = async () => {
      runs++;
      await Promise.resolve();
      throw new Error('boom');
    };
    const calls = [store.getOrCompute('k', failing), store.getOrCompute('k', failing)];
    for (const call of calls) await expect(call).rejects.toThrow('boom');
    expect(runs).toBe(1);
    expect(await store.get('k')).toBeNull();
    expect((await store.getOrCompute('k', () => 'ok')).value).toBe('ok');
  });

  it('an eviction or a write-through during a compute wins: the value computed before it is not kept', async () => {
    const { store } = await fresh();
    const evictions = {
      delete: () => store.delete('k', { group: 'g' }),
      deleteGroup: () => store.deleteGroup('g'),
      'write-through': () => store.set('k', 'written through', { group: 'g' }),
    };
    for (const [kind, evict] of Object.entries(evictions)) {
      const gate = deferred<string>();
      const computing = store.getOrCompute('k', () => gate.promise, { group: 'g' });
      await new Promise((resolve) => setTimeout(resolve, 10)); // the compute has started
      await evict();
      gate.resolve(`computed before the ${kind}`);
      expect(await computing, kind).toEqual({ value: `computed before the ${kind}`, expiresAt: null, hit: false });
      expect((await store.get('k', { group: 'g' }))?.value ?? null, kind).toBe(
        kind === 'write-through' ? 'written through' : null,
      );
      await store.deleteGroup('g');
    }
  });

  it('stores nothing when shouldCache refuses the value', async () => {
    const { store } = await fresh();
    const running = { state: 'active' };
    const result = await store.getOrCompute('job', () => running, { shouldCache: (job) => job.state !== 'active' });
    expect(result).toEqual({ value: running, expiresAt: null, hit: false });
    expect(await store.has('job')).toBe(false);
  });
}
