import type { Clock } from '../clock.js';
import {
  storedKeyOf,
  type ConsumeResult,
  type CounterStore,
  type NewKey,
  type QuotaCost,
  type StoredKey,
} from './counter-store.js';
import { dailyState, keyUsage, rateState } from './quota-state.js';
import { bucketOf, countWindow, pruneBuckets, windowGeometry } from './sliding-window.js';
import { utcDayNumber } from './utc-day.js';

interface Entry {
  key: StoredKey;
  keyHash: string;
  /** bucket index → calls; at most 51 live buckets (pruned on every access) */
  buckets: Map<number, number>;
  daily: { day: number; used: number };
}

/**
 * In-process counters for demo mode: the same semantics as the Redis store within one process.
 * Every method is synchronous inside, so each call is atomic with respect to the others.
 */
export function createMemoryCounterStore({ clock }: { clock: Clock }): CounterStore {
  const entries = new Map<string, Entry>();

  const copy = (key: StoredKey): StoredKey => ({ ...key, rateLimit: { ...key.rateLimit } });

  function usedToday(entry: Entry, now: number): number {
    const day = utcDayNumber(now);
    if (entry.daily.day !== day) entry.daily = { day, used: 0 };
    return entry.daily.used;
  }

  function snapshot(entry: Entry, now: number) {
    const geometry = windowGeometry(entry.key.rateLimit.windowSec);
    pruneBuckets(entry.buckets, now, geometry);
    return { geometry, window: countWindow(entry.buckets, now, entry.key.rateLimit.limit, geometry) };
  }

  function consumeNow(keyId: string, keyHash: string, cost: QuotaCost): ConsumeResult {
    const entry = entries.get(keyId);
    if (entry === undefined || entry.keyHash !== keyHash) return { outcome: 'unauthorized', reason: 'unknown' };
    if (entry.key.revokedAt !== null) return { outcome: 'unauthorized', reason: 'revoked' };
    const now = clock();
    const { geometry, window } = snapshot(entry, now);
    const used = usedToday(entry, now);
    const rateRefused = cost.rate && window.count >= entry.key.rateLimit.limit;
    const dailyRefused = cost.daily && used >= entry.key.dailyJobQuota;
    if (rateRefused || dailyRefused) {
      return {
        outcome: 'limited',
        kind: rateRefused ? 'rate' : 'daily',
        key: copy(entry.key),
        rate: rateState(entry.key, window.count, window.resetAt),
        daily: dailyState(entry.key, used, now),
        now,
      };
    }
    if (cost.rate) {
      const bucket = bucketOf(now, geometry);
      entry.buckets.set(bucket, (entry.buckets.get(bucket) ?? 0) + 1);
    }
    if (cost.daily) entry.daily.used += 1;
    const after = countWindow(entry.buckets, now, entry.key.rateLimit.limit, geometry);
    return {
      outcome: 'admitted',
      key: copy(entry.key),
      rate: rateState(entry.key, after.count, after.resetAt),
      daily: dailyState(entry.key, entry.daily.used, now),
      now,
    };
  }

  return {
    kind: 'memory',
    status: () => Promise.resolve('in-memory'),

    createKey(key: NewKey) {
      const stored = storedKeyOf(key);
      entries.set(key.id, { key: stored, keyHash: key.keyHash, buckets: new Map(), daily: { day: 0, used: 0 } });
      return Promise.resolve(copy(stored));
    },

    authenticate(keyId, keyHash) {
      const entry = entries.get(keyId);
      if (entry === undefined || entry.keyHash !== keyHash) return Promise.resolve({ outcome: 'unknown' });
      if (entry.key.revokedAt !== null) return Promise.resolve({ outcome: 'revoked' });
      return Promise.resolve({ outcome: 'ok', key: copy(entry.key) });
    },

    consume: consumeNow,

    getKey(id) {
      const entry = entries.get(id);
      return Promise.resolve(entry === undefined ? null : copy(entry.key));
    },

    listKeys() {
      const keys = [...entries.values()].map((entry) => copy(entry.key));
      return Promise.resolve(keys.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)));
    },

    usage(key) {
      const entry = entries.get(key.id);
      const now = clock();
      if (entry === undefined) return Promise.resolve(keyUsage(rateState(key, 0, now), dailyState(key, 0, now)));
      const { window } = snapshot(entry, now);
      return Promise.resolve(
        keyUsage(rateState(entry.key, window.count, window.resetAt), dailyState(entry.key, usedToday(entry, now), now)),
      );
    },

    revokeKey(id) {
      const entry = entries.get(id);
      if (entry === undefined) return Promise.resolve(null);
      entry.key.revokedAt ??= clock();
      return Promise.resolve(copy(entry.key));
    },

    resetUsage(id) {
      const entry = entries.get(id);
      if (entry === undefined) return Promise.resolve(null);
      entry.buckets.clear();
      entry.daily = { day: utcDayNumber(clock()), used: 0 };
      return Promise.resolve(copy(entry.key));
    },

    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
