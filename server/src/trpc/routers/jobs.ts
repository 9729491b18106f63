import {
  jobIdInputSchema,
  jobPageSchema,
  listJobsInputSchema,
  submitJobInputSchema,
  submitJobOutputSchema,
  type JobUpdate,
} from '@tollgate/shared';
import { guardedMutation, keyProcedure, keyQuery, router } from '../trpc.js';
import { notFound } from '../../errors.js';
import { jobDetailCache } from './job-cache.js';

export const jobsRouter = router({
  /** Queues a validation job. Guarded: one rate slot and one daily job. */
  /** The JSON Schema must compile first: an invalid one is a 400 that consumes nothing. */
  submit: guardedMutation(
    {
      input: submitJobInputSchema,
      output: submitJobOutputSchema,
      meta: { countsDailyJobQuota: true, compilesSchema: true },
    },
    async ({ ctx, input }) => {
      const job = await ctx.deps.queue.add({ kind: 'validate', data: input, ownerKeyId: ctx.apiKey.id });
      return { jobId: job.id, state: job.state };
    },
  ),

  /** One of the caller's jobs, with its result once completed; cached once finished (job-cache.ts). */
  get: keyQuery({ cache: jobDetailCache }, async ({ ctx, input }) => {
    const job = await ctx.deps.queue.get(input.jobId);
    if (job === null || job.ownerKeyId !== ctx.apiKey.id) throw notFound('job', input.jobId);
    const { ownerKeyId: _owner, kind: _kind, input: _input, ...detail } = job;
    return detail;
  }),

  /** The caller's jobs, newest first, without results. */
  list: keyQuery({ input: listJobsInputSchema, output: jobPageSchema }, async ({ ctx, input }) => {
    const page = await ctx.deps.queue.list({ ...input, ownerKeyId: ctx.apiKey.id });
    return { items: page.items.map(({ ownerKeyId: _owner, ...summary }) => summary), nextCursor: page.nextCursor };
  }),

  /** State and progress of one of the caller's jobs until it completes or fails (SSE). */
  onUpdate: keyProcedure.input(jobIdInputSchema).subscription(async function* ({ ctx, input, signal }) {
    const job = await ctx.deps.queue.get(input.jobId);
    if (job === null || job.ownerKeyId !== ctx.apiKey.id) throw notFound('job', input.jobId);
    const updates: AsyncIterable<JobUpdate> = ctx.deps.queue.watch(input.jobId, signal ?? new AbortController().signal);
    yield* updates;
  }),
});
