import type { JobsOptions } from 'bullmq';

/** The job of every job row: a small schema and five documents (two invalid), as jobs.submit takes it. */
export const JOB = {
  schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } }, required: ['id'] },
  documents: [{ id: 1, name: 'a' }, { id: 2 }, { name: 'no id' }, { id: 'x' }, { id: 5, name: 'e' }],
};

/** The BullMQ job name of Tollgate's validation kind. */
export const JOB_NAME = 'validate';

/** What a raw-BullMQ job carries: the same input, under the name the handler reads. */
export interface RawJobData {
  input: typeof JOB;
}

/**
 * The raw queues' job options: Tollgate's defaults (server/src/queue/job-policy.ts: 3 attempts,
 * exponential backoff, at most 1,000 completed and 5,000 failed jobs kept), so that the raw rows
 * store and trim what Tollgate's do.
 */
export const RAW_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};
