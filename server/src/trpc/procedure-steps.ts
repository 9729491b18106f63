import { TRPCError } from '@trpc/server';
import { z } from 'zod';

/**
 * The input and output steps of a tRPC procedure (its `.input()` and `.output()` middlewares), as
 * plain functions for code that runs a procedure's steps itself (direct-call.ts): the same values
 * and the same errors. Synchronous schemas (all of ours) answer without a promise.
 */

/** `schema.parseAsync(value)` as tRPC calls it; a schema with asynchronous parts goes the async way. */
function parsed<TSchema extends z.ZodType>(
  schema: TSchema,
  value: unknown,
): z.output<TSchema> | Promise<z.output<TSchema>> {
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof z.core.$ZodAsyncError) return schema.parseAsync(value);
    throw error;
  }
}

/** The parsed input, or tRPC's BAD_REQUEST with the schema's error as its cause. */
export function procedureInput<TSchema extends z.ZodType>(
  schema: TSchema,
  rawInput: unknown,
): z.output<TSchema> | Promise<z.output<TSchema>> {
  const badRequest = (cause: unknown) => new TRPCError({ code: 'BAD_REQUEST', cause });
  try {
    const parsing = parsed(schema, rawInput);
    return parsing instanceof Promise ? parsing.catch((cause: unknown) => Promise.reject(badRequest(cause))) : parsing;
  } catch (cause) {
    throw badRequest(cause);
  }
}

/** The checked output, or tRPC's INTERNAL_SERVER_ERROR "Output validation failed". */
export function procedureOutput<TSchema extends z.ZodType>(
  schema: TSchema,
  data: unknown,
): z.output<TSchema> | Promise<z.output<TSchema>> {
  const failed = (cause: unknown) =>
    new TRPCError({ message: 'Output validation failed', code: 'INTERNAL_SERVER_ERROR', cause });
  try {
    const parsing = parsed(schema, data);
    return parsing instanceof Promise ? parsing.catch((cause: unknown) => Promise.reject(failed(cause))) : parsing;
  } catch (cause) {
    throw failed(cause);
  }
}
