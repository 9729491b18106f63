import { TRPCError } from '@trpc/server';

/** `value` as an Error: itself when it is one, else an Error whose message is its text. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Thrown by a backend that cannot reach Redis; mapped to SERVICE_UNAVAILABLE (HTTP 503). */
export class BackendUnavailableError extends Error {
  override readonly name: string = 'BackendUnavailableError';
  constructor(message = 'Redis is unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A deadline of ours expired (see `withDeadline`): Redis did not answer an operation in time.
 * Taken for an outage unless the caller found that Redis does answer (then: CommandTimeoutError).
 */
export class DeadlineExpiredError extends BackendUnavailableError {
  override readonly name = 'DeadlineExpiredError';
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`Redis did not answer ${operation} within ${timeoutMs} ms`);
  }
}

/**
 * Redis answers, but not this operation within its deadline (a reply too big, a write held up):
 * the request timed out, Redis is not down. Still SERVICE_UNAVAILABLE (fail closed), with its own message.
 */
export class CommandTimeoutError extends Error {
  override readonly name = 'CommandTimeoutError';
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`Redis did not answer ${operation} within ${timeoutMs} ms; the request timed out`, options);
  }
}

/** ioredis's message when a command outlives the connection's `commandTimeout`. */
const COMMAND_TIMED_OUT = 'Command timed out';

function* causeChain(error: unknown): Generator<Error> {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    yield current;
  }
}

/** True when `error` is a deadline that expired (ours or ioredis's `commandTimeout`), not a lost connection. */
export function isTimeout(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (current.message.includes(COMMAND_TIMED_OUT)) return true;
  }
  return expiredDeadlineIn(error) !== undefined;
}

/** Our expired deadline in `error`'s cause chain, if that is what it is. */
export function expiredDeadlineIn(error: unknown): DeadlineExpiredError | undefined {
  for (const current of causeChain(error)) if (current instanceof DeadlineExpiredError) return current;
  return undefined;
}

function commandTimeoutIn(error: unknown): CommandTimeoutError | undefined {
  for (const current of causeChain(error)) if (current instanceof CommandTimeoutError) return current;
  return undefined;
}

const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  COMMAND_TIMED_OUT,
  'connect ECONNREFUSED',
  'Reached the max retries per request limit',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'LOADING',
  // Redis Cluster (REDIS_CLUSTER): a failover in progress, slots not served, the cluster unreachable
  'CLUSTERDOWN',
  'TRYAGAIN',
  "Cluster isn't ready",
  'Cluster is ended',
  'Too many Cluster redirections',
  'Failed to refresh slots cache',
  'None of startup nodes is available',
];

/** True for the errors ioredis/BullMQ raise while Redis is down, hung or restarting. */
export function isBackendUnavailable(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (current instanceof BackendUnavailableError) return true;
    if (current.name === 'MaxRetriesPerRequestError') return true;
    if (UNAVAILABLE_MESSAGES.some((message) => current.message.includes(message))) return true;
  }
  return false;
}

export function serviceUnavailable(cause: unknown): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Redis is unavailable; try again shortly', cause });
}

/** A request that timed out on an answering Redis: SERVICE_UNAVAILABLE saying so, not that Redis is down. */
export function requestTimedOut(cause: CommandTimeoutError): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
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

/**
 * Validation that outran its CPU time budget (VALIDATION_BUDGET_MS or JOB_BUDGET_MS): the work
 * was stopped (its worker thread replaced). A call answers UNPROCESSABLE_CONTENT (422).
 */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  constructor(
    readonly budget: 'VALIDATION_BUDGET_MS' | 'JOB_BUDGET_MS',
    readonly budgetMs: number,
    what = 'Validation',
  ) {
    super(`${what} took longer than its budget of ${budgetMs} ms (${budget}) and was stopped`);
  }
}

export function notFound(what: string, id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No ${what} with id ${id}` });
}

/**
 * Domain errors as tRPC errors, in one place: Redis outages → SERVICE_UNAVAILABLE ("Redis is
 * unavailable"; a request that timed out on an answering Redis says so instead), input found
 * invalid past zod → BAD_REQUEST, a running job that cannot be removed → CONFLICT, validation
 * over its budget → UNPROCESSABLE_CONTENT. Null for
 * anything else (a real internal error).
 */
export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) return error.code === 'INTERNAL_SERVER_ERROR' ? toTRPCError(error.cause) : error;
  if (error instanceof InvalidInputError)
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof JobActiveError) return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (error instanceof BudgetExceededError)
    return new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: error.message, cause: error });
  const timedOut = commandTimeoutIn(error);
  if (timedOut !== undefined) return requestTimedOut(timedOut);
  if (isBackendUnavailable(error)) return serviceUnavailable(error);
  return null;
}
