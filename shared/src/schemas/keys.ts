import { z } from 'zod';
import { epochMsSchema } from './common.js';

/** `tg_` followed by at least 22 characters of [A-Za-z0-9_-]. */
export const API_KEY_PATTERN = /^tg_[A-Za-z0-9_-]{22,}$/;

export const rateLimitSchema = z.object({
  limit: z.number().int().min(1).max(1_000_000_000),
  windowSec: z.number().int().min(1).max(86_400),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const keyIdInputSchema = z.object({ id: z.string().min(1).max(64) });

export const createKeyInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  rateLimit: rateLimitSchema.optional(),
  dailyJobQuota: z.number().int().min(0).max(1_000_000_000).optional(),
});
export type CreateKeyInput = z.infer<typeof createKeyInputSchema>;

export const keyUsageSchema = z.object({
  /** calls counted in the current rate window */
  rateUsed: z.number().int().nonnegative(),
  rateRemaining: z.number().int().nonnegative(),
  rateResetAt: epochMsSchema,
  /** jobs submitted this UTC day */
  dailyUsed: z.number().int().nonnegative(),
  dailyRemaining: z.number().int().nonnegative(),
  dailyResetAt: epochMsSchema,
});
export type KeyUsage = z.infer<typeof keyUsageSchema>;

/** An API key as admins see it: never the key itself. */
export const keyRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  rateLimit: rateLimitSchema,
  dailyJobQuota: z.number().int().nonnegative(),
  createdAt: epochMsSchema,
  revokedAt: epochMsSchema.nullable(),
  usage: keyUsageSchema,
});
export type KeyRecord = z.infer<typeof keyRecordSchema>;

export const createdKeySchema = keyRecordSchema.extend({
  /** the plain API key: shown only once, in this response */
  apiKey: z.string().regex(API_KEY_PATTERN),
});
export type CreatedKey = z.infer<typeof createdKeySchema>;

export const keyListSchema = z.object({ items: z.array(keyRecordSchema) });
export type KeyList = z.infer<typeof keyListSchema>;
