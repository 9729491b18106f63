import { jobDetailSchema, jobIdInputSchema } from '@tollgate/shared';
import { cacheGroup } from '../cache-key.js';
import { defineQueryCache } from '../query-cache.js';

/** A finished job does not change until it is retried or removed: its answer is kept an hour. */
export const FINISHED_JOB_TTL_SEC = 3600;

/** Every cached answer about job `id`, whoever read it: what retrying or removing it evicts. */
export const jobCacheGroup = (id: string) => cacheGroup('job', id);

/** `jobs.get`: per API key, only once the job is completed or failed (a running job changes). */
export const jobDetailCache = defineQueryCache({
  path: 'jobs.get',
  input: jobIdInputSchema,
  output: jobDetailSchema,
  scope: 'private',
  ttlSec: FINISHED_JOB_TTL_SEC,
  group: (input) => jobCacheGroup(input.jobId),
  shouldCache: (job) => job.state === 'completed' || job.state === 'failed',
});
