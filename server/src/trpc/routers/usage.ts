import { usageSchema } from '@tollgate/shared';
import { readUsage } from '../../keys/key-service.js';
import { rejectedKey } from '../middleware/auth.js';
import { credentialProcedure, router } from '../trpc.js';

export const usageRouter = router({
  /**
   * The caller's rate window and daily job quota; reading it consumes nothing. One round trip:
   * the key is authenticated by the same script that reads its counters.
   */
  get: credentialProcedure.output(usageSchema).query(async ({ ctx }) => {
    const usage = await readUsage(ctx.deps.counters, ctx.credential);
    if (usage.outcome !== 'ok') throw rejectedKey(usage.outcome);
    return usage.usage;
  }),
});
