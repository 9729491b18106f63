import type { CacheStore } from './cache-store.js';

/** A clock the tests move by hand. */
export interface ManualClock {
  (): number;
  advance(ms: number): void;
}

export function manualClock(start: number): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** 2030-01-15T12:00:00Z */
export const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);

/** What a backend gives the suite: a fresh store on a fresh namespace, its TTLs driven by `clock`. */
export interface CacheHarness {
  store: CacheStore;
  clock: ManualClock;
}

export type CacheSetup = (options: { defaultTtlSec?: number }) => Promise<CacheHarness>;

export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
