import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('evicts the least recently used entry past its capacity, reads refreshing recency, and reports it', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(3, (key) => evicted.push(key));
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBe(1); // a is now the newest: b is the oldest
    expect(map.get('a')).toBe(1); // reading the newest again changes nothing
    map.set('d', 4);
    expect(evicted).toEqual(['b']);
    expect([...map].map(([key]) => key)).toEqual(['c', 'a', 'd']);
    expect(map.delete('c')).toBe(true);
    expect(map.peek('d')).toBe(4);
  });

  it('keeps the order right when the newest key is deleted, cleared or read after others', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(2, (key) => evicted.push(key));
    map.set('a', 1);
    map.set('b', 2);
    map.delete('b');
    map.set('c', 3);
    expect(map.get('a')).toBe(1); // must refresh: a was not the newest after c
    map.set('d', 4);
    expect(evicted).toEqual(['c']);
    map.clear();
    map.set('x', 1);
    map.set('y', 2);
    expect(map.get('x')).toBe(1);
    map.set('z', 3);
    expect(evicted).toEqual(['c', 'y']);
    expect(map.get('missing')).toBeUndefined();
  });

  it('compares the newest key by identity of value, so an absent value is never mistaken for a hit', () => {
    const map = new LruMap<string | undefined, string>(2);
    expect(map.get(undefined)).toBeUndefined();
    map.set(undefined, 'u');
    expect(map.get(undefined)).toBe('u');
  });
});
