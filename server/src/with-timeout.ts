import { DeadlineExpiredError, isTimeout } from './errors.js';

/** Resolves to `fallback` when `promise` has not settled (or rejected) within `ms`. Never throws. */
export async function settleWithin<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long one producer-side queue operation may take before the caller gets a 503. */
export const QUEUE_CALL_TIMEOUT_MS = 800;

/**
 * Decides what a timed-out operation becomes: asked (once its deadline expired, or the connection's
 * `commandTimeout`) with the operation, the deadline and the error; resolves to the error to throw.
 */
export type TimeoutTriage = (timeout: { what: string; ms: number; error: unknown }) => Promise<unknown>;

/**
 * Rejects with DeadlineExpiredError (a BackendUnavailableError) when `promise` has not settled
 * within `ms`: BullMQ calls on the request path are bounded, so a hung Redis never holds a
 * request. With `triage`, a timeout (this deadline or the connection's command timeout) rejects
 * with what the triage decides instead — a CommandTimeoutError when Redis does answer.
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  what: string,
  ms = QUEUE_CALL_TIMEOUT_MS,
  triage?: TimeoutTriage,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExpiredError(what, ms)), ms);
  });
  // The abandoned operation may still fail later: that must not become an unhandled rejection.
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, deadline]);
  } catch (error) {
    clearTimeout(timer);
    if (triage === undefined || !isTimeout(error)) throw error;
    throw await triage({ what, ms, error });
  } finally {
    clearTimeout(timer);
  }
}
