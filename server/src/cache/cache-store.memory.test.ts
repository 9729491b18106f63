import { describe, expect, it } from 'vitest';
import { cacheStoreContract, manualClock, T0 } from './cache-store.contract.js';
import { createMemoryCacheStore } from './memory-cache-store.js';

describe('memory cache store', () => {
  cacheStoreContract(async ({ defaultTtlSec }) => {
    const clock = manualClock(T0);
    return {
      store: createMemoryCacheStore({ clock, ...(defaultTtlSec === undefined ? {} : { defaultTtlSec }) }),
      clock,
    };
  });

  it('stays within maxEntries, dropping the least recently used (and its group membership)', async () => {
    const store = createMemoryCacheStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, key, { group: 'g' });
    await store.get('a', { group: 'g' });
    await store.set('d', 'd', { group: 'g' });
    expect(await store.has('b', { group: 'g' })).toBe(false);
    for (const key of ['a', 'c', 'd']) expect(await store.has(key, { group: 'g' })).toBe(true);
    expect(await store.deleteGroup('g')).toBe(3);
  });

  it('reports itself as the memory backend and never needs Redis', async () => {
    const store = createMemoryCacheStore();
    expect(store.kind).toBe('memory');
    await store.close();
  });
});
