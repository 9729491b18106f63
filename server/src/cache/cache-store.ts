import type { BackendKind } from '@tollgate/shared';

/**
 * One cached answer. `value` is what JSON.parse(JSON.stringify(stored value)) gives, deep-frozen
 * (a hit may be shared by many callers); `expiresAt` is epoch ms, so `Cache-Control: max-age` is
 * `ceil((expiresAt - now) / 1000)`.
 */
export interface CacheEntry<T = unknown> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Where an entry lives. An entry is addressed by its key AND its eviction group: the same key in
 * two groups names two entries, so reads, deletions and write-throughs pass the group they were
 * declared with (the key builder of a procedure produces both).
 */
export interface CacheAddress {
  /** eviction group, dropped at once by `deleteGroup`; 1–100 of `[A-Za-z0-9_.:/-]` */
  readonly group?: string;
}

export interface CacheSetOptions extends CacheAddress {
  /** seconds the entry lives (may be fractional, > 0, ≤ 30 days); default: the store's defaultTtlSec */
  readonly ttlSec?: number;
}

export interface GetOrComputeOptions<T> extends CacheSetOptions {
  /** decides whether a computed value is stored (e.g. only finished jobs); default: always */
  readonly shouldCache?: (value: T) => boolean;
}

export interface ComputeResult<T> {
  readonly value: T;
  /** when the stored entry expires; null when the computed value was not stored (`shouldCache`) */
  readonly expiresAt: number | null;
  /** true when the value came from the cache (this instance's or one computed by another instance) */
  readonly hit: boolean;
}

/** Counters since the store was created, per process (for /metrics and the console). */
export interface CacheStats {
  /** reads answered from the cache, near-cache hits included */
  readonly hits: number;
  /** reads answered from this instance's memory without a Redis round trip (subset of hits) */
  readonly nearHits: number;
  readonly misses: number;
  readonly sets: number;
  /** live entries removed by delete / deleteGroup */
  readonly evictions: number;
  /** compute functions run by getOrCompute */
  readonly computes: number;
}

/**
 * The response cache (CONTRACT §10). Values are JSON. Keys live under the Redis prefix; the memory
 * twin is bounded in size. Every method fails closed: while Redis is down or hung, it rejects with a
 * BackendUnavailableError (mapped to 503 upstream) instead of serving or swallowing anything.
 */
export interface CacheStore {
  readonly kind: BackendKind;
  get<T = unknown>(key: string, address?: CacheAddress): Promise<CacheEntry<T> | null>;
  /** Stores `value` (JSON-serialisable; TypeError otherwise) and returns it as a hit would. */
  set<T>(key: string, value: T, options?: CacheSetOptions): Promise<CacheEntry<T>>;
  /** True when a live entry was removed. */
  delete(key: string, address?: CacheAddress): Promise<boolean>;
  has(key: string, address?: CacheAddress): Promise<boolean>;
  /** Drops every entry of `group` at once; resolves to the number of live entries removed. */
  deleteGroup(group: string): Promise<number>;
  /**
   * The cached value, or `compute()` stored and returned. Concurrent misses of one entry compute
   * once per instance (single-flight) and, on Redis, once across instances (a short lock with a
   * bounded wait). A compute that throws stores nothing and rejects every caller sharing it.
   */
  getOrCompute<T>(
    key: string,
    compute: () => T | Promise<T>,
    options?: GetOrComputeOptions<T>,
  ): Promise<ComputeResult<T>>;
  stats(): CacheStats;
  /** Releases what the store owns (timers, its subscriber connection); not the command connection. */
  close(): Promise<void>;
}

export const DEFAULT_CACHE_TTL_SEC = 60;
