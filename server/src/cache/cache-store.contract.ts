import { afterEach, describe, expect, it } from 'vitest';
import type { CacheStore } from './cache-store.js';
import type { CacheSetup } from './cache-harness.contract.js';
import { getOrComputeContract } from './get-or-compute.contract.js';

export { manualClock, T0, type CacheHarness, type CacheSetup } from './cache-harness.contract.js';

/** The behaviour every CacheStore must have (CONTRACT §10, issue 10 items 1 and 5). */
export function cacheStoreContract(setup: CacheSetup): void {
  const opened: CacheStore[] = [];
  const fresh = async (options: { defaultTtlSec?: number } = {}) => {
    const harness = await setup(options);
    opened.push(harness.store);
    return harness;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  describe('entries', () => {
    it('misses, then answers what was set with its expiry (default TTL)', async () => {
      const { store, clock } = await fresh();
      expect(await store.get('k')).toBeNull();
      expect(await store.has('k')).toBe(false);
      expect(await store.set('k', { n: 1 })).toEqual({ value: { n: 1 }, expiresAt: clock() + 60_000 });
      expect(await store.get('k')).toEqual({ value: { n: 1 }, expiresAt: clock() + 60_000 });
      expect(await store.has('k')).toBe(true);
    });

    it('stores JSON: a read gives the JSON round trip, deep-frozen; null is a value, not a miss', async () => {
      const { store } = await fresh();
      const stored = await store.set('k', { d: new Date(0), u: undefined, list: [1, { x: 'é' }] });
      const read = await store.get<{ d: string; list: [number, { x: string }] }>('k');
      expect(read?.value).toEqual({ d: '1970-01-01T00:00:00.000Z', list: [1, { x: 'é' }] });
      expect(stored.value).toEqual(read?.value);
      expect(Object.isFrozen(read?.value) && Object.isFrozen(read?.value.list[1])).toBe(true);
      for (const value of [null, 0, '', 'text', [], false]) {
        await store.set('scalar', value);
        expect((await store.get('scalar'))?.value).toEqual(value);
      }
    });

    it('refuses values JSON cannot carry and arguments out of range, storing nothing', async () => {
      const { store } = await fresh();
      for (const value of [undefined, () => 1, 1n]) await expect(store.set('k', value)).rejects.toThrow(TypeError);
      for (const ttlSec of [0, -1, Number.NaN, 31 * 86_400]) {
        await expect(store.set('k', 1, { ttlSec })).rejects.toThrow(RangeError);
      }
      await expect(store.set('', 1)).rejects.toThrow(RangeError);
      await expect(store.set('k', 1, { group: 'a}b' })).rejects.toThrow(RangeError);
      await expect(store.deleteGroup('')).rejects.toThrow(RangeError);
      expect(await store.get('k')).toBeNull();
    });

    it('expires each entry at its TTL by the clock; the default TTL comes from the options', async () => {
      const { store, clock } = await fresh({ defaultTtlSec: 5 });
      const start = clock();
      expect((await store.set('default', 1)).expiresAt).toBe(start + 5000);
      expect((await store.set('short', 2, { ttlSec: 0.25 })).expiresAt).toBe(start + 250);
      clock.advance(249);
      expect(await store.get('short')).toEqual({ value: 2, expiresAt: start + 250 });
      clock.advance(1);
      expect(await store.get('short')).toBeNull();
      expect(await store.has('short')).toBe(false);
      clock.advance(4749);
      expect(await store.has('default')).toBe(true);
      clock.advance(1);
      expect(await store.get('default')).toBeNull();
      expect(await store.delete('default')).toBe(false);
    });

    it('takes any key string, in a group or not', async () => {
      const { store } = await fresh();
      const keys = ['job:1/x}{ é', '{cache:g}', 'v:k', '#', 'k'.repeat(1024)];
      for (const [i, key] of keys.entries()) {
        await store.set(key, i);
        await store.set(key, -i - 1, { group: 'g' });
      }
      for (const [i, key] of keys.entries()) {
        expect((await store.get(key))?.value).toBe(i);
        expect((await store.get(key, { group: 'g' }))?.value).toBe(-i - 1);
      }
      expect(await store.deleteGroup('g')).toBe(keys.length);
      for (const key of keys) expect(await store.has(key)).toBe(true);
    });

    it('overwrites value and expiry; delete removes the entry once', async () => {
      const { store, clock } = await fresh();
      await store.set('k', 'old', { ttlSec: 100 });
      await store.set('k', 'new', { ttlSec: 10 });
      expect(await store.get('k')).toEqual({ value: 'new', expiresAt: clock() + 10_000 });
      expect(await store.delete('k')).toBe(true);
      expect(await store.delete('k')).toBe(false);
      expect(await store.get('k')).toBeNull();
    });
  });

  describe('eviction groups', () => {
    it('addresses an entry by key and group', async () => {
      const { store } = await fresh();
      await store.set('k', 'a', { group: 'a' });
      await store.set('k', 'none');
      await store.set('k', 'b', { group: 'b' });
      expect((await store.get('k', { group: 'a' }))?.value).toBe('a');
      expect((await store.get('k'))?.value).toBe('none');
      expect(await store.delete('k', { group: 'a' })).toBe(true);
      expect(await store.has('k', { group: 'a' })).toBe(false);
      expect((await store.get('k', { group: 'b' }))?.value).toBe('b');
    });

    it('drops every live entry of a group at once, and only those', async () => {
      const { store, clock } = await fresh();
      for (const key of ['1', '2', '3']) await store.set(key, key, { group: 'jobs:done' });
      await store.set('gone', 0, { group: 'jobs:done', ttlSec: 1 });
      await store.set('1', 'other', { group: 'jobs' });
      await store.set('1', 'ungrouped');
      clock.advance(1000);
      expect(await store.deleteGroup('jobs:done')).toBe(3);
      for (const key of ['1', '2', '3']) expect(await store.get(key, { group: 'jobs:done' })).toBeNull();
      expect((await store.get('1', { group: 'jobs' }))?.value).toBe('other');
      expect((await store.get('1'))?.value).toBe('ungrouped');
      expect(await store.deleteGroup('jobs:done')).toBe(0);
      await store.set('1', 'again', { group: 'jobs:done' });
      expect((await store.get('1', { group: 'jobs:done' }))?.value).toBe('again');
      expect(await store.deleteGroup('jobs:done')).toBe(1);
    });
  });

  describe('getOrCompute', () => getOrComputeContract(fresh));

  it('counts hits, misses, sets, evictions and computes', async () => {
    const { store } = await fresh();
    await store.get('a');
    await store.set('a', 1, { group: 'g' });
    await store.set('b', 2, { group: 'g' });
    await store.get('a', { group: 'g' });
    await store.getOrCompute('c', () => 3);
    await store.getOrCompute('c', () => 3);
    await store.delete('c');
    await store.deleteGroup('g');
    const stats = store.stats();
    expect({ ...stats, nearHits: 0 }).toEqual({ hits: 2, nearHits: 0, misses: 2, sets: 3, evictions: 3, computes: 1 });
  });
}
