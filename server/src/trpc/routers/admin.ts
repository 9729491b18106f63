import { adminRedisHealthSchema } from '@tollgate/shared';
import { readAdminRedisHealth } from '../../http/health-report.js';
import { adminProcedure, router } from '../trpc.js';
import { adminCacheRouter } from './admin-cache.js';
import { adminKeysRouter } from './admin-keys.js';
import { adminJobsRouter } from './admin-jobs.js';
import { adminQueueRouter } from './admin-queue.js';
import { adminStatusProcedure } from './admin-status.js';

export const adminRouter = router({
  health: router({
    redis: adminProcedure.output(adminRedisHealthSchema).query(({ ctx }) => readAdminRedisHealth(ctx.deps)),
  }),
  status: adminStatusProcedure,
  keys: adminKeysRouter,
  jobs: adminJobsRouter,
  queue: adminQueueRouter,
  cache: adminCacheRouter,
});
