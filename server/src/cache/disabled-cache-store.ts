import { systemClock, type Clock } from '../clock.js';
import { CacheCounters } from './cache-stats.js';
import { DEFAULT_CACHE_TTL_SEC, type CacheEntry, type CacheStore, type GetOrComputeOptions } from './cache-store.js';
import { checkAddress, checkGroup, decodeJson, encodeJson, ttlMsOf } from './cache-values.js';

export interface DisabledCacheStoreOptions {
  clock?: Clock;
  /** TTL reported by `set` for entries set without one (CACHE_DEFAULT_TTL_SEC) */
  defaultTtlSec?: number;
}

/**
 * The response cache switched off (CACHE_ENABLED=false): the same interface, storing nothing.
 * Every read misses, `getOrCompute` always computes (no single-flight, no lock: the procedure runs
 * as if it were not cached), `set` checks and returns what a hit would be without keeping it, and
 * there is never anything to evict. Keys, groups, TTLs and values are checked as the real stores
 * check them, so a call that would fail there fails here too.
 */
export function createDisabledCacheStore(options: DisabledCacheStoreOptions = {}): CacheStore {
  const clock = options.clock ?? systemClock;
  const defaultTtlSec = options.defaultTtlSec ?? DEFAULT_CACHE_TTL_SEC;
  ttlMsOf(undefined, defaultTtlSec);
  const counters = new CacheCounters();

  return {
    kind: 'memory',

    async get(key, address) {
      checkAddress(key, address);
      counters.read('miss');
      return null;
    },

    async set<T>(key: string, value: T, options: { group?: string; ttlSec?: number } = {}): Promise<CacheEntry<T>> {
      checkAddress(key, options);
      const ttlMs = ttlMsOf(options.ttlSec, defaultTtlSec);
      return { value: decodeJson<T>(encodeJson(value)), expiresAt: clock() + ttlMs };
    },

    async delete(key, address) {
      checkAddress(key, address);
      return false;
    },

    async has(key, address) {
      checkAddress(key, address);
      return false;
    },

    async deleteGroup(group) {
      checkGroup(group);
      return 0;
    },

    async getOrCompute<T>(key: string, compute: () => T | Promise<T>, options: GetOrComputeOptions<T> = {}) {
      checkAddress(key, options);
      ttlMsOf(options.ttlSec, defaultTtlSec);
      counters.read('miss');
      counters.computes++;
      return { value: await compute(), expiresAt: null, hit: false };
    },

    stats: () => counters.snapshot(),

    async close() {},
  };
}
