import { describe, expect, it } from 'vitest';
import { createDisabledCacheStore } from './disabled-cache-store.js';

describe('disabled cache store (CACHE_ENABLED=false)', () => {
  it('never stores: set answers like a hit would, but get misses and has is false', async () => {
    const store = createDisabledCacheStore({ clock: () => 1_000, defaultTtlSec: 60 });
    const entry = await store.set('k', { a: [1] }, { group: 'g' });
    expect(entry).toEqual({ value: { a: [1] }, expiresAt: 61_000 });
    expect(Object.isFrozen(entry.value)).toBe(true);
    expect(await store.set('k', 'v', { ttlSec: 2 })).toEqual({ value: 'v', expiresAt: 3_000 });
    expect(await store.get('k', { group: 'g' })).toBeNull();
    expect(await store.get('k')).toBeNull();
    expect(await store.has('k', { group: 'g' })).toBe(false);
    expect(await store.delete('k', { group: 'g' })).toBe(false);
    expect(await store.deleteGroup('g')).toBe(0);
  });

  it('computes on every getOrCompute, stores nothing and reports a miss', async () => {
    const store = createDisabledCacheStore();
    let runs = 0;
    const compute = () => ({ run: ++runs });
    expect(await store.getOrCompute('k', compute, { group: 'g', ttlSec: 3600 })).toEqual({
      value: { run: 1 },
      expiresAt: null,
      hit: false,
    });
    const concurrent = await Promise.all([1, 2, 3].map(() => store.getOrCompute('k', async () => compute())));
    expect(concurrent.map((result) => result.value)).toEqual([{ run: 2 }, { run: 3 }, { run: 4 }]);
    await expect(store.getOrCompute('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await store.get('k');
    expect(store.stats()).toEqual({ hits: 0, nearHits: 0, misses: 6, sets: 0, evictions: 0, computes: 5 });
    await store.close();
  });

  it('checks keys, groups, TTLs and values as the real stores do', async () => {
    const store = createDisabledCacheStore();
    await expect(store.get('')).rejects.toThrow(RangeError);
    await expect(store.has('k', { group: 'bad group' })).rejects.toThrow(RangeError);
    await expect(store.deleteGroup('')).rejects.toThrow(RangeError);
    await expect(store.set('k', 1, { ttlSec: 0 })).rejects.toThrow(RangeError);
    await expect(store.set('k', () => 1)).rejects.toThrow(TypeError);
    await expect(store.getOrCompute('k', () => 1, { ttlSec: -1 })).rejects.toThrow(RangeError);
    expect(() => createDisabledCacheStore({ defaultTtlSec: 0 })).toThrow(RangeError);
  });
});
