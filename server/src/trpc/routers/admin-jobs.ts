import {
  adminJobDetailSchema,
  adminJobIdInputSchema,
  adminJobPageSchema,
  listJobsInputSchema,
  type AdminJobDetail,
} from '@tollgate/shared';
import { z } from 'zod';
import { adminProcedure, evictingProcedure, router } from '../trpc.js';
import { notFound } from '../../errors.js';
import type { JobKinds } from '../../jobs/registry.js';
import type { StoredJob } from '../../queue/job-queue.js';
import { jobCacheGroup } from './job-cache.js';

/** Retrying or removing a job changes what `jobs.get` answers: its cached answers go. */
const evictsJob = (input: { id: string }) => [jobCacheGroup(input.id)];

/** A job as admins see it: owner and an input summary, never the input itself. */
function adminDetailOf(job: StoredJob, kinds: JobKinds): AdminJobDetail {
  const { kind, input: data, ...detail } = job;
  const summary = kinds.get(kind)?.summarize(data);
  return summary === undefined ? detail : { ...detail, input: summary };
}

export const adminJobsRouter = router({
  /** One job: result or failure, attempts, owner, and a summary of its input. */
  get: adminProcedure
    .input(adminJobIdInputSchema)
    .output(adminJobDetailSchema)
    .query(async ({ ctx, input }) => {
      const job = await ctx.deps.queue.get(input.id);
      if (job === null) throw notFound('job', input.id);
      return adminDetailOf(job, ctx.deps.kinds);
    }),

  /** Every job, newest first, with its owner key id. */
  list: adminProcedure
    .input(listJobsInputSchema)
    .output(adminJobPageSchema)
    .query(({ ctx, input }) => ctx.deps.queue.list(input)),

  /** Runs a failed (or completed) job again; other states are left as they are. */
  retry: evictingProcedure(adminProcedure, adminJobIdInputSchema, evictsJob)
    .output(adminJobDetailSchema)
    .mutation(async ({ ctx, input }) => {
      const job = await ctx.deps.queue.retry(input.id);
      if (job === null) throw notFound('job', input.id);
      return adminDetailOf(job, ctx.deps.kinds);
    }),

  /** Deletes a job that is not running (a running one is a CONFLICT). */
  remove: evictingProcedure(adminProcedure, adminJobIdInputSchema, evictsJob)
    .output(z.object({ id: z.string(), removed: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.deps.queue.remove(input.id))) throw notFound('job', input.id);
      return { id: input.id, removed: true as const };
    }),
});
