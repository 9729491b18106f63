import type { FastifyReply } from 'fastify';
import type { RateState } from '../counters/counter-store.js';

/** Whole seconds, rounded up, until `resetAt`; 0 when it has passed. */
export function secondsUntil(resetAt: number, now: number): number {
  return Math.max(0, Math.ceil((resetAt - now) / 1000));
}

/**
 * Sets RateLimit-* headers for the rate window. In a batch, every call merges into the same
 * reply and the most restrictive values win (lowest remaining, latest reset): the headers already
 * set are the state of the calls before (no side table keyed by reply).
 * `RateLimit-Remaining` is what is left as the store accounts it: on Redis, permits leased to
 * instances count as used, and a call admitted from a lease reports Redis's count at the lease's
 * grant, ≤ leaseMs old (counters/permits.md).
 */
export function setRateHeaders(reply: FastifyReply, rate: RateState, now: number): void {
  const resetSec = secondsUntil(rate.resetAt, now);
  const previousRemaining = reply.getHeader('RateLimit-Remaining');
  if (previousRemaining === undefined) {
    reply.header('RateLimit-Limit', String(rate.limit));
    reply.header('RateLimit-Remaining', String(rate.remaining));
    reply.header('RateLimit-Reset', String(resetSec));
    return;
  }
  if (rate.remaining < Number(previousRemaining)) {
    reply.header('RateLimit-Limit', String(rate.limit));
    reply.header('RateLimit-Remaining', String(rate.remaining));
  }
  if (resetSec > Number(reply.getHeader('RateLimit-Reset'))) reply.header('RateLimit-Reset', String(resetSec));
}

/** Retry-After (whole seconds, rounded up); in a batch the longest wait wins. */
export function setRetryAfter(reply: FastifyReply, retryAfterMs: number): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const previous = Number(reply.getHeader('Retry-After') ?? 0);
  reply.header('Retry-After', String(Math.max(previous, seconds)));
}
