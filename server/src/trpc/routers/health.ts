import { healthBodySchema } from '@tollgate/shared';
import { readHealth } from '../../http/health-report.js';
import { publicProcedure, router } from '../trpc.js';

export const healthRouter = router({
  /** The `/health` body, as data, in every state (never throws for an outage). */
  check: publicProcedure.output(healthBodySchema).query(({ ctx }) => readHealth(ctx.deps)),
});
