import type { CacheStats } from './cache-store.js';

/** The mutable counters behind `CacheStore.stats()`. */
export class CacheCounters {
  hits = 0;
  nearHits = 0;
  misses = 0;
  sets = 0;
  evictions = 0;
  computes = 0;

  /** Counts one read: a hit (from near memory or not) or a miss. */
  read(outcome: 'near' | 'hit' | 'miss'): void {
    if (outcome === 'miss') {
      this.misses++;
      return;
    }
    this.hits++;
    if (outcome === 'near') this.nearHits++;
  }

  snapshot(): CacheStats {
    return {
      hits: this.hits,
      nearHits: this.nearHits,
      misses: this.misses,
      sets: this.sets,
      evictions: this.evictions,
      computes: this.computes,
    };
  }
}
