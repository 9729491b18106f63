import { z } from 'zod';
import { backendKindSchema } from './health.js';

const countSchema = z.number().int().nonnegative();

/** `admin.cache.stats`: the response cache of the instance that answers, since it started. */
export const cacheStatsSchema = z.object({
  backend: backendKindSchema,
  /** reads answered from the cache, near-cache hits included */
  hits: countSchema,
  /** of which answered from this instance's memory without a Redis round trip */
  nearHits: countSchema,
  misses: countSchema,
  /** hits / (hits + misses); null before the first read */
  hitRatio: z.number().min(0).max(1).nullable(),
  /** entries removed by evictions */
  evictions: countSchema,
  /** entries held in this instance's near cache; null without one (in-memory backend) */
  nearEntries: countSchema.nullable(),
});
export type CacheStats = z.infer<typeof cacheStatsSchema>;
