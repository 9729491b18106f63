import { systemClock, type Clock } from '../clock.js';
import { CacheCounters } from './cache-stats.js';
import {
  DEFAULT_CACHE_TTL_SEC,
  type CacheEntry,
  type CacheStore,
  type ComputeResult,
  type GetOrComputeOptions,
} from './cache-store.js';
import { checkAddress, checkGroup, decodeJson, encodeJson, ttlMsOf } from './cache-values.js';
import { LruMap } from '../lru-map.js';
import { SingleFlight } from './single-flight.js';

export interface MemoryCacheStoreOptions {
  clock?: Clock;
  /** TTL of entries set without one (CACHE_DEFAULT_TTL_SEC) */
  defaultTtlSec?: number;
  /** entries kept at most; the least recently used goes first */
  maxEntries?: number;
}

export const DEFAULT_MEMORY_CACHE_ENTRIES = 10_000;

interface StoredEntry extends CacheEntry {
  readonly group: string | undefined;
}

/** Ungrouped entries and grouped ones never share an address ('#' is not a group character). */
const addressOf = (key: string, group: string | undefined) => (group === undefined ? `#${key}` : `${group}#${key}`);

/** The cache of one process (DEMO_MODE): same semantics as Redis, bounded by `maxEntries`, TTLs by `clock`. */
export function createMemoryCacheStore(options: MemoryCacheStoreOptions = {}): CacheStore {
  const clock = options.clock ?? systemClock;
  const defaultTtlSec = options.defaultTtlSec ?? DEFAULT_CACHE_TTL_SEC;
  ttlMsOf(undefined, defaultTtlSec);
  const groups = new Map<string, Set<string>>();
  const entries = new LruMap<string, StoredEntry>(options.maxEntries ?? DEFAULT_MEMORY_CACHE_ENTRIES, unindex);
  const counters = new CacheCounters();
  const flights = new SingleFlight<string, ComputeResult<unknown>>();
  /** computes in flight by address; an eviction or a plain set meanwhile supersedes them (as on Redis) */
  const computing = new Map<string, { group: string | undefined; superseded: boolean }>();

  function supersede(address: string | null, group?: string): void {
    for (const [at, run] of computing)
      if (at === address || (group !== undefined && run.group === group)) run.superseded = true;
  }

  function unindex(address: string, entry: StoredEntry): void {
    if (entry.group === undefined) return;
    const members = groups.get(entry.group);
    members?.delete(address);
    if (members?.size === 0) groups.delete(entry.group);
  }

  function remove(address: string): boolean {
    const entry = entries.peek(address);
    if (entry === undefined) return false;
    entries.delete(address);
    unindex(address, entry);
    return entry.expiresAt > clock();
  }

  function live(address: string): StoredEntry | undefined {
    const entry = entries.get(address);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > clock()) return entry;
    remove(address);
    return undefined;
  }

  function put<T>(key: string, value: T, group: string | undefined, ttlSec: number | undefined): CacheEntry<T> {
    const ttlMs = ttlMsOf(ttlSec, defaultTtlSec);
    const stored = { value: decodeJson<T>(encodeJson(value)), expiresAt: clock() + ttlMs, group };
    const address = addressOf(key, group);
    entries.set(address, stored);
    if (group !== undefined) {
      const members = groups.get(group) ?? new Set<string>();
      members.add(address);
      groups.set(group, members);
    }
    counters.sets++;
    return { value: stored.value, expiresAt: stored.expiresAt };
  }

  return {
    kind: 'memory',

    async get<T>(key: string, address?: { group?: string }) {
      const entry = live(addressOf(key, checkAddress(key, address)));
      counters.read(entry === undefined ? 'miss' : 'hit');
      return entry === undefined ? null : { value: entry.value as T, expiresAt: entry.expiresAt };
    },

    async set(key, value, options = {}) {
      const group = checkAddress(key, options);
      supersede(addressOf(key, group));
      return put(key, value, group, options.ttlSec);
    },

    async delete(key, address) {
      const at = addressOf(key, checkAddress(key, address));
      supersede(at);
      const removed = remove(at);
      if (removed) counters.evictions++;
      return removed;
    },

    async has(key, address) {
      return live(addressOf(key, checkAddress(key, address))) !== undefined;
    },

    async deleteGroup(group) {
      checkGroup(group);
      supersede(null, group);
      let removed = 0;
      for (const address of [...(groups.get(group) ?? [])]) if (remove(address)) removed++;
      groups.delete(group);
      counters.evictions += removed;
      return removed;
    },

    async getOrCompute<T>(key: string, compute: () => T | Promise<T>, options: GetOrComputeOptions<T> = {}) {
      const group = checkAddress(key, options);
      ttlMsOf(options.ttlSec, defaultTtlSec);
      const address = addressOf(key, group);
      const result = await flights.run(address, async (): Promise<ComputeResult<unknown>> => {
        const cached = live(address);
        if (cached !== undefined) return { value: cached.value, expiresAt: cached.expiresAt, hit: true };
        counters.computes++;
        const run = { group, superseded: false };
        computing.set(address, run);
        let value: T;
        try {
          value = await compute();
        } finally {
          computing.delete(address);
        }
        if (run.superseded || options.shouldCache?.(value) === false) return { value, expiresAt: null, hit: false };
        return { ...put(key, value, group, options.ttlSec), hit: false };
      });
      counters.read(result.hit ? 'hit' : 'miss');
      return result as ComputeResult<T>;
    },

    stats: () => counters.snapshot(),

    async close() {
      entries.clear();
      groups.clear();
    },
  };
}
