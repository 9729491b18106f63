import { usageSchema } from '@tollgate/shared';
import { toUsage } from '../../keys/key-service.js';
import { keyProcedure, router } from '../trpc.js';

export const usageRouter = router({
  /** The caller's rate window and daily job quota; reading it consumes nothing. */
  get: keyProcedure
    .output(usageSchema)
    .query(async ({ ctx }) => toUsage(ctx.apiKey, await ctx.deps.counters.usage(ctx.apiKey))),
});
