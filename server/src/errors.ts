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
    if (UNAVAILABLE_MESSAGES.some((message) => current instanceof Error && current.message.includes(message))) return true;
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
