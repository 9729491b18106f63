import {
  createdKeySchema,
  createKeyInputSchema,
  keyIdInputSchema,
  keyListSchema,
  keyRecordSchema,
} from '@tollgate/shared';
import { createApiKey, listKeyRecords, resetKeyUsage, revokeApiKey } from '../../keys/key-service.js';
import { notFound } from '../../errors.js';
import { adminProcedure, router } from '../trpc.js';

function found<T>(value: T | null, id: string): T {
  if (value === null) throw notFound('API key', id);
  return value;
}

export const adminKeysRouter = router({
  /** The plain key is in this response only. */
  create: adminProcedure
    .input(createKeyInputSchema)
    .output(createdKeySchema)
    .mutation(({ ctx, input }) => createApiKey(ctx.deps.counters, ctx.deps.config, ctx.deps.clock, input)),

  list: adminProcedure
    .output(keyListSchema)
    .query(async ({ ctx }) => ({ items: await listKeyRecords(ctx.deps.counters) })),

  revoke: adminProcedure
    .input(keyIdInputSchema)
    .output(keyRecordSchema)
    .mutation(async ({ ctx, input }) => found(await revokeApiKey(ctx.deps.counters, input.id), input.id)),

  resetUsage: adminProcedure
    .input(keyIdInputSchema)
    .output(keyRecordSchema)
    .mutation(async ({ ctx, input }) => found(await resetKeyUsage(ctx.deps.counters, input.id), input.id)),
});
