import { TRPCError } from '@trpc/server';
import { QuotaExceededError } from '../../errors.js';
import type { ConsumeResult, DailyState, RateState, StoredKey } from '../../counters/counter-store.js';
import type { KeyCredential } from '../../keys/api-key.js';
import { setRateHeaders, setRetryAfter } from '../rate-headers.js';
import type { Context } from '../context.js';
import { rejectedKey } from './auth.js';
import { recordQuotaDecision } from '../../telemetry/metrics.js';

/** When both limits are exhausted, the one that frees up later is reported. */
function refusal(kind: 'rate' | 'daily', rate: RateState, daily: DailyState, countsDaily: boolean, now: number) {
  let chosen: 'rate' | 'daily' = kind;
  if (countsDaily && rate.remaining === 0 && daily.remaining === 0) {
    chosen = daily.resetAt >= rate.resetAt ? 'daily' : 'rate';
  }
  const state = chosen === 'rate' ? rate : daily;
  const retryAfterMs = Math.max(0, state.resetAt - now);
  return new QuotaExceededError({
    kind: chosen,
    limit: state.limit,
    remaining: 0,
    resetAt: state.resetAt,
    retryAfterMs,
  });
}

/**
 * The guard: authenticates the key and consumes one rate slot (and one daily job slot when
 * `countsDaily`) in one atomic backend call, sets the RateLimit-* headers, and returns the key.
 * Refused calls consume nothing and throw UNAUTHORIZED or TOO_MANY_REQUESTS (with Retry-After).
 * Answers at once (no promise) when the store does — a hot key's call admitted from a lease.
 */
export function consumeQuota(
  ctx: Context,
  credential: KeyCredential,
  countsDaily: boolean,
): StoredKey | Promise<StoredKey> {
  const consuming = ctx.deps.counters.consume(credential.id, credential.hash, { rate: true, daily: countsDaily });
  return consuming instanceof Promise
    ? consuming.then((result) => admittedKey(ctx, result, countsDaily))
    : admittedKey(ctx, consuming, countsDaily);
}

/** The store's answer to a guarded call: its key when admitted, else the call's error. */
function admittedKey(ctx: Context, result: ConsumeResult, countsDaily: boolean): StoredKey {
  if (result.outcome === 'unauthorized') throw rejectedKey(result.reason);
  recordQuotaDecision(result.outcome !== 'limited');
  // The store's own instant (Redis TIME on Redis): resetAt was computed against it.
  const now = result.now;
  setRateHeaders(ctx.res, result.rate, now);
  if (result.outcome === 'limited') {
    const error = refusal(result.kind, result.rate, result.daily, countsDaily, now);
    setRetryAfter(ctx.res, error.quota.retryAfterMs);
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message, cause: error });
  }
  return result.key;
}
