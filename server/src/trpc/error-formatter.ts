import type { TRPCDefaultErrorShape, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { QuotaErrorData } from '@tollgate/shared';
import { InvalidInputError, QuotaExceededError } from '../errors.js';
import type { Context } from './context.js';

export interface InputIssue {
  path: string;
  message: string;
}

export interface ErrorData {
  /** failing input paths of a BAD_REQUEST */
  issues?: InputIssue[];
  /** which limit refused a TOO_MANY_REQUESTS */
  quota?: QuotaErrorData;
}

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Zod issues as paths + messages, quota details, and never a stack in production. */
export function formatError({
  shape,
  error,
  ctx,
}: {
  shape: TRPCDefaultErrorShape;
  error: TRPCError;
  ctx: Context | undefined;
}): TRPCDefaultErrorShape & { data: TRPCDefaultErrorShape['data'] & ErrorData } {
  const data: TRPCDefaultErrorShape['data'] & ErrorData = { ...shape.data };
  const cause = error.cause;
  if (cause instanceof ZodError) {
    data.issues = cause.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
  } else if (cause instanceof InvalidInputError) {
    data.issues = [...cause.issues];
  } else if (cause instanceof QuotaExceededError) {
    data.quota = { ...cause.quota };
  }
  // Stacks and internal messages help only with server faults, and never leave a production server.
  const production = ctx?.deps.config.isProduction !== false;
  const internal = error.code === 'INTERNAL_SERVER_ERROR';
  if (production || !internal) delete data.stack;
  let message = shape.message;
  if (cause instanceof ZodError) {
    message = `Invalid input: ${data.issues?.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  } else if (production && internal) {
    message = 'Internal server error';
  }
  return { ...shape, message, data };
}
