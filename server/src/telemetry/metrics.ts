import { metrics, type Counter } from '@opentelemetry/api';
import type { CacheStats } from '../cache/cache-store.js';
import { isStarted } from './state.js';

/** The quota counters, made once the SDK's meter provider is registered (undefined while off). */
let quota: { admitted: Counter; refused: Counter } | undefined;

/** One guard decision: a call admitted or refused (429) by the rate limit or the daily job quota. */
export function recordQuotaDecision(admitted: boolean): void {
  if (!isStarted()) return;
  quota ??= createQuotaCounters();
  (admitted ? quota.admitted : quota.refused).add(1);
}

function createQuotaCounters(): { admitted: Counter; refused: Counter } {
  const meter = metrics.getMeter('tollgate');
  return {
    admitted: meter.createCounter('tollgate.quota.admitted', { description: 'Calls admitted by the quota guard' }),
    refused: meter.createCounter('tollgate.quota.refused', {
      description: 'Calls refused by the rate limit or the daily job quota (429)',
    }),
  };
}

/** Forgets the instruments of a stopped SDK (a restarted one gets new ones). */
export function resetMetrics(): void {
  quota = undefined;
}

/**
 * The response cache's counters (hits, misses, evictions, near hits) as OTel observable counters,
 * read from `stats()` at each export. A no-op while telemetry is off.
 */
export function observeCache(cache: { stats(): CacheStats }): void {
  if (!isStarted()) return;
  const meter = metrics.getMeter('tollgate');
  const counters = {
    hits: meter.createObservableCounter('tollgate.cache.hits', {
      description: 'Response cache reads answered from the cache',
    }),
    nearHits: meter.createObservableCounter('tollgate.cache.near_hits', {
      description: "Cache hits answered from this instance's memory",
    }),
    misses: meter.createObservableCounter('tollgate.cache.misses', {
      description: 'Response cache reads that had to compute',
    }),
    evictions: meter.createObservableCounter('tollgate.cache.evictions', {
      description: 'Response cache entries removed by evictions',
    }),
  };
  meter.addBatchObservableCallback((result) => {
    const stats = cache.stats();
    result.observe(counters.hits, stats.hits);
    result.observe(counters.nearHits, stats.nearHits);
    result.observe(counters.misses, stats.misses);
    result.observe(counters.evictions, stats.evictions);
  }, Object.values(counters));
}
