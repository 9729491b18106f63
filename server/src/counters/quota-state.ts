import type { KeyUsage } from '@tollgate/shared';
import type { DailyState, RateState, StoredKey } from './counter-store.js';
import { nextUtcMidnight } from './utc-day.js';

/** Rate state of a key whose window holds `count` calls. */
export function rateState(key: StoredKey, count: number, resetAt: number): RateState {
  const { limit, windowSec } = key.rateLimit;
  return { limit, windowSec, remaining: Math.max(0, limit - count), resetAt };
}

/** Daily quota state of a key that submitted `used` jobs on the UTC day of `now`. */
export function dailyState(key: StoredKey, used: number, now: number): DailyState {
  const limit = key.dailyJobQuota;
  return { limit, used, remaining: Math.max(0, limit - used), resetAt: nextUtcMidnight(now) };
}

export function keyUsage(rate: RateState, daily: DailyState): KeyUsage {
  return {
    rateUsed: rate.limit - rate.remaining,
    rateRemaining: rate.remaining,
    rateResetAt: rate.resetAt,
    dailyUsed: daily.used,
    dailyRemaining: daily.remaining,
    dailyResetAt: daily.resetAt,
  };
}
