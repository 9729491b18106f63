import type { CacheStats } from '@tollgate/shared';
import type { CacheStore } from '../cache/cache-store.js';
import type { RedisCacheStore } from '../cache/redis-cache-store.js';

/** Entries in this instance's near cache; null when the store has none (memory backend, or disabled). */
export function nearCacheSize(cache: CacheStore): number | null {
  const near = (cache as Partial<RedisCacheStore>).near;
  return near === undefined || near === null ? null : near.size;
}

/** The cache's counters as the console and `admin.cache.stats` show them. */
export function readCacheStats(cache: CacheStore): CacheStats {
  const { hits, nearHits, misses, evictions } = cache.stats();
  const reads = hits + misses;
  return {
    backend: cache.kind,
    hits,
    nearHits,
    misses,
    hitRatio: reads === 0 ? null : hits / reads,
    evictions,
    nearEntries: nearCacheSize(cache),
  };
}
