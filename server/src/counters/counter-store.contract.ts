import { describe, expect, it } from 'vitest';
import type { CounterStore, NewKey, QuotaCost } from './counter-store.js';
import { windowGeometry, bucketLeavesWindowAt, bucketOf } from './sliding-window.js';
import { DAY_MS, nextUtcMidnight } from './utc-day.js';
import { storeTestKey } from '../test-support/test-keys.js';

/** A clock the tests move by hand. */
export interface ManualClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start: number): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** What a backend gives the suite: a fresh store on a fresh namespace, driven by `clock`. */
export interface ContractHarness {
  store: CounterStore;
  clock: ManualClock;
  /** Backend-specific checks of bounded memory and expiries (Redis only). */
  inspect?: {
    /** number of buckets stored for the key's rate window */
    rateBuckets(id: string): Promise<number>;
    /** remaining TTL (ms) of every counter key of `id`; meta is persistent (-1) */
    ttls(id: string): Promise<{ meta: number; rate: number; daily: number }>;
  };
}

/** 2030-01-15T12:00:00Z, a whole minute (and a whole bucket of every window used here). */
export const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);

const RATE: QuotaCost = { rate: true, daily: false };
const JOB: QuotaCost = { rate: true, daily: true };
const PEEK: QuotaCost = { rate: false, daily: false };

function newKey(store: CounterStore, now: number, overrides: Partial<Omit<NewKey, 'id' | 'keyHash'>> = {}) {
  return storeTestKey(store, { createdAt: now, ...overrides });
}

async function admittedCount(store: CounterStore, id: string, hash: string, calls: number, cost = RATE) {
  const results = await Promise.all(
    Array.from({ length: calls }, () => Promise.resolve(store.consume(id, hash, cost))),
  );
  return results.filter((result) => result.outcome === 'admitted').length;
}

/**
 * The behaviour every CounterStore must have (CONTRACT §6). Both backends run it with an
 * injected clock; `setup` gives a fresh store for each test.
 */
export function counterStoreContract(setup: () => Promise<ContractHarness>): void {
  describe('keys', () => {
    it('creates, authenticates, lists and reads keys without ever exposing the hash', async () => {
      const { store, clock } = await setup();
      const a = await newKey(store, clock(), { name: 'alpha' });
      clock.advance(1);
      const b = await newKey(store, clock(), {
        name: 'beta',
        rateLimit: { limit: 7, windowSec: 10 },
        dailyJobQuota: 3,
      });
      expect(a.stored).toEqual({
        id: a.id,
        name: 'alpha',
        rateLimit: { limit: 5, windowSec: 60 },
        dailyJobQuota: 100,
        createdAt: T0,
        revokedAt: null,
      });
      expect(await store.authenticate(a.id, a.hash)).toEqual({ outcome: 'ok', key: a.stored });
      expect(await store.authenticate(a.id, b.hash)).toEqual({ outcome: 'unknown' });
      expect(await store.authenticate('k_0000000000000000', a.hash)).toEqual({ outcome: 'unknown' });
      expect(await store.getKey(b.id)).toEqual(b.stored);
      expect(await store.getKey('k_ffffffffffffffff')).toBeNull();
      expect(await store.getKey('not an id')).toBeNull();
      expect((await store.listKeys()).map((key) => key.name)).toEqual(['alpha', 'beta']);
      expect(JSON.stringify(await store.listKeys())).not.toContain(a.hash);
    });

    it('refuses an unknown key or a wrong hash without consuming anything', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock());
      expect(await store.consume(key.id, 'f'.repeat(64), RATE)).toEqual({ outcome: 'unauthorized', reason: 'unknown' });
      expect(await store.consume('k_0123456789abcdef', key.hash, RATE)).toEqual({
        outcome: 'unauthorized',
        reason: 'unknown',
      });
      expect((await store.usage(key.stored)).rateUsed).toBe(0);
    });

    it('revokes at once, keeps the first revocation time, and still reports usage', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock());
      await store.consume(key.id, key.hash, RATE);
      clock.advance(1000);
      const revoked = await store.revokeKey(key.id);
      expect(revoked?.revokedAt).toBe(T0 + 1000);
      clock.advance(1000);
      expect((await store.revokeKey(key.id))?.revokedAt).toBe(T0 + 1000);
      expect(await store.consume(key.id, key.hash, RATE)).toEqual({ outcome: 'unauthorized', reason: 'revoked' });
      expect(await store.authenticate(key.id, key.hash)).toEqual({ outcome: 'revoked' });
      // A wrong hash for a revoked key says nothing about the key.
      expect(await store.consume(key.id, '0'.repeat(64), RATE)).toEqual({ outcome: 'unauthorized', reason: 'unknown' });
      expect((await store.getKey(key.id))?.revokedAt).toBe(T0 + 1000);
      expect((await store.usage(key.stored)).rateUsed).toBe(1);
      expect(await store.revokeKey('k_0123456789abcdef')).toBeNull();
    });
  });

  describe('rate limit', () => {
    it('admits exactly `limit` calls, counting remaining down, then refuses with when it frees up', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 5, windowSec: 60 } });
      for (let i = 4; i >= 0; i--) {
        const result = await store.consume(key.id, key.hash, RATE);
        expect(result).toMatchObject({ outcome: 'admitted', now: T0, rate: { limit: 5, windowSec: 60, remaining: i } });
        if (result.outcome === 'admitted') expect(result.rate.resetAt).toBe(i > 0 ? T0 : T0 + 1200 + 60_000 - 1);
      }
      const refused = await store.consume(key.id, key.hash, RATE);
      expect(refused).toMatchObject({
        outcome: 'limited',
        kind: 'rate',
        rate: { limit: 5, remaining: 0, resetAt: T0 + 1200 + 60_000 - 1 },
      });
    });

    it('admits exactly `limit` of a concurrent burst', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 25, windowSec: 60 } });
      expect(await admittedCount(store, key.id, key.hash, 40)).toBe(25);
    });

    it('refuses a second burst just across a fixed-window or bucket edge, and admits again once the window slid', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 10, windowSec: 60 } });
      const geometry = windowGeometry(60);
      // A full burst in the last millisecond before a minute (and bucket) boundary…
      clock.set(T0 + 60_000 - 1);
      expect(await admittedCount(store, key.id, key.hash, 10)).toBe(10);
      // …and another just after it: a fixed window would admit 10 more.
      clock.set(T0 + 60_000);
      expect(await admittedCount(store, key.id, key.hash, 10)).toBe(0);
      clock.set(T0 + 60_000 + geometry.bucketMs);
      expect(await admittedCount(store, key.id, key.hash, 10)).toBe(0);
      const freeAt = bucketLeavesWindowAt(bucketOf(T0 + 60_000 - 1, geometry), geometry);
      expect(freeAt).toBe(T0 + 60_000 + 60_000 - 1);
      clock.set(freeAt - 1);
      const last = await store.consume(key.id, key.hash, RATE);
      expect(last).toMatchObject({ outcome: 'limited', rate: { resetAt: freeAt } });
      // The burst took place at most 60 s before freeAt - 1: exactly one window later it has left.
      clock.set(freeAt);
      expect(await admittedCount(store, key.id, key.hash, 12)).toBe(10);
    });

    it('walks the oldest buckets forward to find resetAt', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 3, windowSec: 60 } });
      const g = windowGeometry(60);
      for (const offset of [0, 12_000, 24_000]) {
        clock.set(T0 + offset);
        expect((await store.consume(key.id, key.hash, RATE)).outcome).toBe('admitted');
      }
      clock.set(T0 + 30_000);
      const first = await store.consume(key.id, key.hash, RATE);
      expect(first).toMatchObject({
        outcome: 'limited',
        rate: { remaining: 0, resetAt: T0 + g.bucketMs + 60_000 - 1 },
      });
      clock.set(T0 + g.bucketMs + 60_000 - 1);
      const again = await store.consume(key.id, key.hash, RATE);
      expect(again).toMatchObject({
        outcome: 'admitted',
        rate: { remaining: 0, resetAt: T0 + 12_000 + g.bucketMs + 60_000 - 1 },
      });
      const usage = await store.usage(key.stored);
      expect(usage).toMatchObject({
        rateUsed: 3,
        rateRemaining: 0,
        rateResetAt: T0 + 12_000 + g.bucketMs + 60_000 - 1,
      });
    });

    it('never lets any sliding window admit more than the limit, and refuses only within one bucket of the limit', async () => {
      const { store, clock } = await setup();
      const limit = 7;
      const key = await newKey(store, clock(), { rateLimit: { limit, windowSec: 2 } });
      const { windowMs, bucketMs } = windowGeometry(2);
      let seed = 42;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      const admitted: number[] = [];
      for (let i = 0; i < 300; i++) {
        clock.advance(Math.floor(random() * random() * 400));
        const now = clock();
        const result = await store.consume(key.id, key.hash, RATE);
        const inWindow = admitted.filter((t) => t > now - windowMs).length;
        const inWindowPlusBucket = admitted.filter((t) => t > now - windowMs - bucketMs).length;
        if (result.outcome === 'admitted') {
          admitted.push(now);
          expect(inWindow + 1).toBeLessThanOrEqual(limit);
        } else {
          expect(result.outcome).toBe('limited');
          expect(inWindowPlusBucket).toBeGreaterThanOrEqual(limit);
        }
      }
      expect(admitted.length).toBeGreaterThan(limit * 3);
    });

    it('keeps separate counts per key', async () => {
      const { store, clock } = await setup();
      const a = await newKey(store, clock(), { rateLimit: { limit: 2, windowSec: 60 } });
      const b = await newKey(store, clock(), { rateLimit: { limit: 3, windowSec: 60 } });
      const [admittedA, admittedB] = await Promise.all([
        admittedCount(store, a.id, a.hash, 5),
        admittedCount(store, b.id, b.hash, 5),
      ]);
      expect([admittedA, admittedB]).toEqual([2, 3]);
    });
  });

  describe('daily job quota', () => {
    it('counts submissions per UTC day and resets at UTC midnight', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 1000, windowSec: 1 }, dailyJobQuota: 3 });
      const midnight = nextUtcMidnight(T0);
      for (let i = 1; i <= 3; i++) {
        expect(await store.consume(key.id, key.hash, JOB)).toMatchObject({
          outcome: 'admitted',
          daily: { limit: 3, used: i, remaining: 3 - i, resetAt: midnight },
        });
      }
      expect(await store.consume(key.id, key.hash, JOB)).toMatchObject({
        outcome: 'limited',
        kind: 'daily',
        daily: { limit: 3, used: 3, remaining: 0, resetAt: midnight },
      });
      // Calls that are not submissions are not counted against it.
      expect((await store.consume(key.id, key.hash, RATE)).outcome).toBe('admitted');
      clock.set(midnight - 1);
      expect((await store.consume(key.id, key.hash, JOB)).outcome).toBe('limited');
      clock.set(midnight);
      expect(await store.consume(key.id, key.hash, JOB)).toMatchObject({
        outcome: 'admitted',
        daily: { used: 1, remaining: 2, resetAt: midnight + DAY_MS },
      });
      expect(await store.usage(key.stored)).toMatchObject({
        dailyUsed: 1,
        dailyRemaining: 2,
        dailyResetAt: midnight + DAY_MS,
      });
    });

    it('a quota of 0 refuses every submission', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { dailyJobQuota: 0 });
      expect(await store.consume(key.id, key.hash, JOB)).toMatchObject({ outcome: 'limited', kind: 'daily' });
      expect((await store.usage(key.stored)).rateUsed).toBe(0);
    });
  });

  describe('refused calls consume nothing', () => {
    it('a daily refusal takes no rate slot', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 5, windowSec: 60 }, dailyJobQuota: 1 });
      await store.consume(key.id, key.hash, JOB);
      for (let i = 0; i < 3; i++) {
        expect(await store.consume(key.id, key.hash, JOB)).toMatchObject({
          outcome: 'limited',
          kind: 'daily',
          rate: { remaining: 4 },
        });
      }
      expect(await store.usage(key.stored)).toMatchObject({ rateUsed: 1, rateRemaining: 4, dailyUsed: 1 });
    });

    it('a rate refusal takes no daily quota', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 2, windowSec: 60 }, dailyJobQuota: 10 });
      expect(await admittedCount(store, key.id, key.hash, 2, RATE)).toBe(2);
      for (let i = 0; i < 3; i++) {
        expect(await store.consume(key.id, key.hash, JOB)).toMatchObject({
          outcome: 'limited',
          kind: 'rate',
          daily: { used: 0 },
        });
      }
      expect(await store.usage(key.stored)).toMatchObject({ rateUsed: 2, dailyUsed: 0, dailyRemaining: 10 });
    });

    it('usage reads change nothing', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 2, windowSec: 60 } });
      for (let i = 0; i < 5; i++) await store.usage(key.stored);
      expect(await store.consume(key.id, key.hash, PEEK)).toMatchObject({
        outcome: 'admitted',
        rate: { remaining: 2 },
      });
      expect(await admittedCount(store, key.id, key.hash, 3)).toBe(2);
    });
  });

  describe('resetUsage', () => {
    it('clears the rate window and today’s job count', async () => {
      const { store, clock } = await setup();
      const key = await newKey(store, clock(), { rateLimit: { limit: 2, windowSec: 60 }, dailyJobQuota: 2 });
      expect(await admittedCount(store, key.id, key.hash, 3, JOB)).toBe(2);
      expect(await store.resetUsage(key.id)).toEqual(key.stored);
      expect(await store.usage(key.stored)).toMatchObject({
        rateUsed: 0,
        rateRemaining: 2,
        rateResetAt: T0,
        dailyUsed: 0,
      });
      expect(await admittedCount(store, key.id, key.hash, 3, JOB)).toBe(2);
      expect(await store.resetUsage('k_0123456789abcdef')).toBeNull();
    });
  });

  describe('bounded state', () => {
    it('keeps at most 51 buckets per key whatever the limit, and an expiry on every counter', async () => {
      const { store, clock, inspect } = await setup();
      const key = await newKey(store, clock(), {
        rateLimit: { limit: 100_000_000, windowSec: 60 },
        dailyJobQuota: 1_000_000,
      });
      for (let i = 0; i < 400; i++) {
        clock.advance(450);
        await Promise.all([store.consume(key.id, key.hash, JOB), store.consume(key.id, key.hash, RATE)]);
      }
      const usage = await store.usage(key.stored);
      expect(usage.rateUsed).toBeGreaterThanOrEqual(2 * Math.floor(60_000 / 450));
      expect(usage.rateUsed).toBeLessThanOrEqual(2 * Math.ceil(61_200 / 450));
      if (inspect !== undefined) {
        expect(await inspect.rateBuckets(key.id)).toBeLessThanOrEqual(51);
        const ttls = await inspect.ttls(key.id);
        expect(ttls.meta).toBe(-1);
        expect(ttls.rate).toBeGreaterThan(0);
        expect(ttls.rate).toBeLessThanOrEqual(61_200);
        expect(ttls.daily).toBeGreaterThan(0);
        expect(ttls.daily).toBeLessThanOrEqual(DAY_MS + 3_600_000);
      }
    });
  });
}
