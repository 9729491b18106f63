import { z } from 'zod';
import { boundedJsonSchema, cursorSchema, epochMsSchema, pageLimitSchema } from './common.js';
import { jsonSchemaSchema, validateOutputSchema } from './validation.js';

export const jobStateSchema = z.enum(['waiting', 'delayed', 'active', 'completed', 'failed']);
export type JobState = z.infer<typeof jobStateSchema>;
export const JOB_STATES = jobStateSchema.options;

/**
 * Documents one job may hold. A result holds an entry (and up to 20 errors) per document, so this
 * bounds what a finished job costs in Redis and what `jobs.get` returns, whatever the body size.
 */
export const MAX_JOB_DOCUMENTS = 10_000;

export const submitJobInputSchema = z.object({
  schema: jsonSchemaSchema,
  documents: z
    .array(boundedJsonSchema)
    .min(1, 'at least one document is required')
    .max(MAX_JOB_DOCUMENTS, `a job holds at most ${MAX_JOB_DOCUMENTS} documents (MAX_JOB_DOCUMENTS); split it`),
});
export type SubmitJobInput = z.infer<typeof submitJobInputSchema>;

export const submitJobOutputSchema = z.object({ jobId: z.string(), state: jobStateSchema });
export type SubmitJobOutput = z.infer<typeof submitJobOutputSchema>;

export const documentResultSchema = validateOutputSchema.extend({ index: z.number().int().nonnegative() });
export type DocumentResult = z.infer<typeof documentResultSchema>;

/** `result` of a completed validation job. */
export const validationJobResultSchema = z.object({
  total: z.number().int().nonnegative(),
  valid: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  results: z.array(documentResultSchema),
});
export type ValidationJobResult = z.infer<typeof validationJobResultSchema>;

export const jobIdInputSchema = z.object({ jobId: z.string().min(1).max(100) });
export const adminJobIdInputSchema = z.object({ id: z.string().min(1).max(100) });

export const jobSummarySchema = z.object({
  id: z.string(),
  state: jobStateSchema,
  progress: z.number().min(0).max(100),
  attemptsMade: z.number().int().nonnegative(),
  createdAt: epochMsSchema,
  finishedAt: epochMsSchema.optional(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const jobDetailSchema = jobSummarySchema.extend({
  result: validationJobResultSchema.optional(),
  failedReason: z.string().optional(),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;

/** Every field is optional, and so is the input itself (`jobs.list` with no input = newest 20). */
export const listJobsInputSchema = z
  .object({
    state: jobStateSchema.optional(),
    limit: pageLimitSchema.default(20),
    cursor: cursorSchema.optional(),
  })
  .prefault({});
export type ListJobsInput = z.infer<typeof listJobsInputSchema>;

export const jobPageSchema = z.object({
  items: z.array(jobSummarySchema),
  nextCursor: z.string().nullable(),
});
export type JobPage = z.infer<typeof jobPageSchema>;

export const adminJobSummarySchema = jobSummarySchema.extend({ ownerKeyId: z.string() });
export type AdminJobSummary = z.infer<typeof adminJobSummarySchema>;

/** What admins see of a job's input: a summary, never the documents themselves. */
export const jobInputSummarySchema = z.object({
  kind: z.string(),
  documents: z.number().int().nonnegative().optional(),
  schemaBytes: z.number().int().nonnegative().optional(),
});
export type JobInputSummary = z.infer<typeof jobInputSummarySchema>;

/** `admin.jobs.get`: one job with its result or failure, its owner and an input summary. */
export const adminJobDetailSchema = jobDetailSchema.extend({
  ownerKeyId: z.string(),
  input: jobInputSummarySchema.optional(),
});
export type AdminJobDetail = z.infer<typeof adminJobDetailSchema>;

export const adminJobPageSchema = z.object({
  items: z.array(adminJobSummarySchema),
  nextCursor: z.string().nullable(),
});
export type AdminJobPage = z.infer<typeof adminJobPageSchema>;

/** One event of `jobs.onUpdate`. */
export const jobUpdateSchema = z.object({
  jobId: z.string(),
  state: jobStateSchema,
  progress: z.number().min(0).max(100),
  failedReason: z.string().optional(),
  at: epochMsSchema,
});
export type JobUpdate = z.infer<typeof jobUpdateSchema>;

export const queuePausedSchema = z.object({ paused: z.boolean() });

/** Kept for type-level reuse by the job registry. */
export const validateJobDataSchema = z.object({ schema: jsonSchemaSchema, documents: z.array(boundedJsonSchema) });
