import { z } from 'zod';
import { epochMsSchema } from './common.js';

export const quotaKindSchema = z.enum(['rate', 'daily']);
export type QuotaKind = z.infer<typeof quotaKindSchema>;

/** `error.data.quota` of a TOO_MANY_REQUESTS error. */
export const quotaErrorDataSchema = z.object({
  kind: quotaKindSchema,
  limit: z.number().int().nonnegative(),
  remaining: z.literal(0),
  resetAt: epochMsSchema,
  retryAfterMs: z.number().int().nonnegative(),
});
export type QuotaErrorData = z.infer<typeof quotaErrorDataSchema>;
