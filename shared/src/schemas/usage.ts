import { z } from 'zod';
import { epochMsSchema } from './common.js';

/** Output of `usage.get`. */
export const usageSchema = z.object({
  key: z.object({ id: z.string(), name: z.string() }),
  rate: z.object({
    limit: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative(),
    resetAt: epochMsSchema,
    windowSec: z.number().int().positive(),
  }),
  quota: z.object({
    limit: z.number().int().nonnegative(),
    used: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative(),
    resetAt: epochMsSchema,
  }),
});
export type Usage = z.infer<typeof usageSchema>;
