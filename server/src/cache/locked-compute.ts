import { randomBytes } from 'node:crypto';
import type { CacheEntry, ComputeResult } from './cache-store.js';

export interface ComputeLockOptions {
  /** how long a compute lock lasts: a holder that dies blocks nobody past it */
  ttlMs: number;
  /** how long a caller waits for another instance's value before computing it itself */
  maxWaitMs: number;
}

export const DEFAULT_COMPUTE_LOCK: ComputeLockOptions = { ttlMs: 3000, maxWaitMs: 3000 };

export type AcquireOutcome =
  | { kind: 'value'; entry: CacheEntry }
  | { kind: 'acquired' }
  /** another instance holds the lock for `ms` more */
  | { kind: 'held'; ms: number };

/** The Redis steps of one getOrCompute, bound to one entry. */
export interface LockedComputeSteps {
  /** the live entry, else the lock for `token`, else how long the holder keeps it (one round trip) */
  tryAcquire(token: string): Promise<AcquireOutcome>;
  /**
   * stores the value and releases the lock held by `token` ('' for none); null when the store was
   * refused because the lock was lost meanwhile (an eviction or a write-through came first)
   */
  store<T>(value: T, token: string): Promise<CacheEntry<T> | null>;
  release(token: string): Promise<void>;
  /** sleeps up to `ms`, waking early when the entry changes (set, or lock released) on any instance */
  wait(ms: number): Promise<void>;
}

export interface LockedComputeRequest<T> {
  compute: () => T | Promise<T>;
  shouldCache: ((value: T) => boolean) | undefined;
  lock: ComputeLockOptions;
  /** counted once per run of `compute` */
  onCompute: () => void;
}

/** Polling backoff while another instance computes: 5, 10, 20 … 200 ms (a published set wakes earlier). */
const backoffMs = (attempt: number) => Math.min(200, 5 * 2 ** attempt);

/**
 * Stampede protection across instances: whoever gets the entry's lock (SET NX PX) computes and
 * stores; the others wait for the value — woken by the set's invalidation message, polling with
 * backoff meanwhile — and never longer than the lock has left, so a holder that died delays them by
 * its TTL at most (then one of them takes the lock). After `maxWaitMs` a waiter computes unlocked.
 */
export async function lockedCompute<T>(
  steps: LockedComputeSteps,
  request: LockedComputeRequest<T>,
): Promise<ComputeResult<T>> {
  const deadline = performance.now() + request.lock.maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    const token = randomBytes(12).toString('base64url');
    const outcome = await steps.tryAcquire(token);
    if (outcome.kind === 'value') {
      return { value: outcome.entry.value as T, expiresAt: outcome.entry.expiresAt, hit: true };
    }
    if (outcome.kind === 'acquired') return run(steps, request, token);
    const left = deadline - performance.now();
    if (left <= 0) return run(steps, request, '');
    await steps.wait(Math.min(backoffMs(attempt), Math.max(1, outcome.ms + 1), left));
  }
}

async function run<T>(steps: LockedComputeSteps, request: LockedComputeRequest<T>, token: string) {
  request.onCompute();
  let value: T;
  try {
    value = await request.compute();
  } catch (error) {
    // The compute's error is the answer; a lock we cannot release expires by itself.
    if (token !== '') await steps.release(token).catch(() => undefined);
    throw error;
  }
  if (request.shouldCache?.(value) === false) {
    if (token !== '') await steps.release(token);
    return { value, expiresAt: null, hit: false };
  }
  // Refused: what we computed may predate an eviction; it is answered, not kept.
  const stored = await steps.store(value, token);
  return stored === null ? { value, expiresAt: null, hit: false } : { ...stored, hit: false };
}
