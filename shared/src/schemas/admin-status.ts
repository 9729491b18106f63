import { z } from 'zod';
import { adminRedisHealthSchema, healthStatusSchema } from './health.js';
import { jobStateSchema } from './jobs.js';
import { epochMsSchema } from './common.js';

/** Live snapshot streamed by `admin.status` (at least once a second). */
export const adminStatusSchema = z.object({
  at: epochMsSchema,
  status: healthStatusSchema,
  version: z.string(),
  environment: z.string(),
  demo_mode: z.boolean(),
  warnings: z.array(z.string()),
  health: adminRedisHealthSchema,
  redis: z.object({
    /** round-trip time of a PING, null when not on Redis or unreachable */
    latencyMs: z.number().nonnegative().nullable(),
    version: z.string().nullable(),
    usedMemoryBytes: z.number().int().nonnegative().nullable(),
  }),
  queue: z.object({
    paused: z.boolean().nullable(),
    counts: z.record(jobStateSchema, z.number().int().nonnegative()).nullable(),
    /** jobs finished (completed + failed) in the last minute */
    jobsPerMinute: z.number().nonnegative().nullable(),
  }),
});
export type AdminStatus = z.infer<typeof adminStatusSchema>;
