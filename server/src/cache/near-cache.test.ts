import { describe, expect, it } from 'vitest';
import { manualClock, T0 } from './cache-store.contract.js';
import { NearCache } from './near-cache.js';

const entry = (value: unknown, expiresAt = T0 + 1000) => ({ value, expiresAt });

function cacheWith(limits = { maxEntries: 100, maxBytes: 1 << 20 }) {
  const clock = manualClock(T0);
  const near = new NearCache(limits, clock);
  const keep = (key: string, value: unknown, group?: string, bytes = 10, expiresAt = T0 + 1000) =>
    near.endRead(near.beginRead(key, group), entry(value, expiresAt), bytes);
  return { near, clock, keep };
}

describe('near cache', () => {
  it('serves an entry read from Redis until its expiresAt by the clock', () => {
    const { near, clock, keep } = cacheWith();
    keep('k', 'v');
    expect(near.get('k')).toEqual(entry('v'));
    clock.advance(999);
    expect(near.get('k')?.value).toBe('v');
    clock.advance(1);
    expect(near.get('k')).toBeUndefined();
    expect(near.size).toBe(0);
  });

  it('never keeps a read that raced with an invalidation of its entry, its group, or a clear', () => {
    const { near } = cacheWith();
    const raced = [
      { read: near.beginRead('a', undefined), invalidate: () => near.invalidateEntry('a') },
      { read: near.beginRead('b', 'g'), invalidate: () => near.invalidateGroup('g') },
      { read: near.beginRead('c', 'h'), invalidate: () => near.clear() },
    ];
    for (const { read, invalidate } of raced) {
      invalidate();
      near.endRead(read, entry('old'), 3);
      expect(near.get(read.entryKey)).toBeUndefined();
    }
    const unrelated = near.beginRead('d', 'g2');
    near.invalidateEntry('a');
    near.invalidateGroup('g');
    near.endRead(unrelated, entry('fresh'), 5);
    expect(near.get('d')?.value).toBe('fresh');
  });

  it('drops a group by name, nothing else', () => {
    const { near, keep } = cacheWith();
    keep('a', 1, 'g');
    keep('b', 2, 'g');
    keep('c', 3, 'other');
    keep('d', 4);
    near.invalidateGroup('g');
    expect([near.get('a'), near.get('b')]).toEqual([undefined, undefined]);
    expect([near.get('c')?.value, near.get('d')?.value]).toEqual([3, 4]);
  });

  it('stays within its entry and byte limits, least recently used first; never keeps a huge entry', () => {
    const { near, keep } = cacheWith({ maxEntries: 3, maxBytes: 1600 });
    keep('a', 1);
    keep('b', 2);
    keep('c', 3);
    near.get('a');
    keep('d', 4);
    expect(near.get('b')).toBeUndefined();
    keep('huge', 5, undefined, 101); // over maxBytes / 16
    expect(near.get('huge')).toBeUndefined();
    for (const key of ['e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u']) {
      keep(key, key, undefined, 100);
    }
    expect(near.size).toBeLessThanOrEqual(3);
    expect(near.get('u')?.value).toBe('u');
  });

  it('does not keep a miss or an entry that already expired', () => {
    const { near } = cacheWith();
    near.endRead(near.beginRead('miss', undefined), null, 0);
    near.endRead(near.beginRead('old', undefined), entry('x', T0), 1);
    expect(near.size).toBe(0);
  });
});
