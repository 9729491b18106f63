import { queuePausedSchema } from '@tollgate/shared';
import { adminProcedure, router } from '../trpc.js';

export const adminQueueRouter = router({
  /** Workers stop taking jobs; queued ones wait (and count in the queue depth). */
  pause: adminProcedure.output(queuePausedSchema).mutation(async ({ ctx }) => {
    await ctx.deps.queue.pause();
    return { paused: await ctx.deps.queue.isPaused() };
  }),

  resume: adminProcedure.output(queuePausedSchema).mutation(async ({ ctx }) => {
    await ctx.deps.queue.resume();
    return { paused: await ctx.deps.queue.isPaused() };
  }),
});
