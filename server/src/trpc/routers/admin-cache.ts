import { cacheStatsSchema } from '@tollgate/shared';
import { readCacheStats } from '../../http/cache-report.js';
import { adminProcedure, router } from '../trpc.js';

export const adminCacheRouter = router({
  /** Hits, misses and hit ratio of this instance's response cache (never needs Redis). */
  stats: adminProcedure.output(cacheStatsSchema).query(({ ctx }) => readCacheStats(ctx.deps.cache)),
});
