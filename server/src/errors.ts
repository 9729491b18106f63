import { TRPCError } from '@trpc/server';

/** Thrown by a backend that cannot reach Redis; mapped to SERVICE_UNAVAILABLE (HTTP 503). */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(message = 'Redis is unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}

const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'connect ECONNREFUSED',
  'Reached the max retries per request limit',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'LOADING',
];

/** True for the errors ioredis/BullMQ raise while Redis is down, hung or restarting. */
export function isBackendUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof BackendUnavailableError) return true;
    if (current.name === 'MaxRetriesPerRequestError') return true;
    if (UNAVAILABLE_MESSAGES.some((message) => current instanceof Error && current.message.includes(message)))
      return true;
  }
  return false;
}

export function serviceUnavailable(cause: unknown): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Redis is unavailable; try again shortly', cause });
}

/** Error carrying the quota fields copied into `error.data.quota` by the error formatter. */
export class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
  constructor(
    readonly quota: { kind: 'rate' | 'daily'; limit: number; remaining: 0; resetAt: number; retryAfterMs: number },
  ) {
    super(quota.kind === 'rate' ? 'Rate limit exceeded' : 'Daily job quota exceeded');
  }
}

/** A value nested too deep, an invalid JSON Schema, and other input problems found past zod. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** An active job is locked by its worker and cannot be removed. */
export class JobActiveError extends Error {
  override readonly name = 'JobActiveError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} is running and cannot be removed`);
  }
}

export function notFound(what: string, id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No ${what} with id ${id}` });
}

/**
 * Domain errors as tRPC errors, in one place: Redis outages → SERVICE_UNAVAILABLE, input found
 * invalid past zod → BAD_REQUEST, a running job that cannot be removed → CONFLICT. Null for
 * anything else (a real internal error).
 */
export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) return error.code === 'INTERNAL_SERVER_ERROR' ? toTRPCError(error.cause) : error;
  if (error instanceof InvalidInputError)
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof JobActiveError) return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (isBackendUnavailable(error)) return serviceUnavailable(error);
  return null;
}
