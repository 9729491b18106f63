import { router } from '../trpc.js';
import { adminRouter } from './admin.js';
import { healthRouter } from './health.js';
import { jobsRouter } from './jobs.js';
import { usageRouter } from './usage.js';
import { validationRouter } from './validation.js';

export const appRouter = router({
  health: healthRouter,
  validation: validationRouter,
  jobs: jobsRouter,
  usage: usageRouter,
  admin: adminRouter,
});

/** The type clients import: `import type { AppRouter } from '@tollgate/server'`. */
export type AppRouter = typeof appRouter;
