import { BackendUnavailableError } from './errors.js';

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
 * Rejects with BackendUnavailableError when `promise` has not settled within `ms`: BullMQ calls
 * on the request path are bounded, so a hung Redis never holds a request.
 */
export async function withDeadline<T>(promise: Promise<T>, what: string, ms = QUEUE_CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendUnavailableError(`Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  // The abandoned operation may still fail later: that must not become an unhandled rejection.
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
