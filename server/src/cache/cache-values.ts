import type { CacheAddress } from './cache-store.js';

/** The longest TTL an entry may ask for: 30 days. */
export const MAX_CACHE_TTL_SEC = 30 * 86_400;
export const MAX_CACHE_KEY_LENGTH = 1024;
export const CACHE_GROUP_PATTERN = /^[A-Za-z0-9_.:/-]{1,100}$/;

/** JSON text of `value`; a TypeError for what JSON cannot carry (undefined, functions, bigint, cycles). */
export function encodeJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`a cache value must be JSON; got ${typeof value}`);
  return json;
}

/** Freezes a freshly parsed JSON value and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function decodeJson<T>(json: string): T {
  return deepFreeze(JSON.parse(json) as T);
}

/** TTL in whole milliseconds (at least 1); a RangeError for a TTL that is not in (0, 30 days]. */
export function ttlMsOf(ttlSec: number | undefined, defaultTtlSec: number): number {
  const sec = ttlSec ?? defaultTtlSec;
  if (!Number.isFinite(sec) || sec <= 0 || sec > MAX_CACHE_TTL_SEC) {
    throw new RangeError(`cache ttlSec must be > 0 and ≤ ${MAX_CACHE_TTL_SEC}; got ${sec}`);
  }
  return Math.max(1, Math.round(sec * 1000));
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_CACHE_KEY_LENGTH) {
    throw new RangeError(`a cache key must be a string of 1–${MAX_CACHE_KEY_LENGTH} characters`);
  }
}

export function checkGroup(group: string): void {
  if (typeof group !== 'string' || !CACHE_GROUP_PATTERN.test(group)) {
    throw new RangeError(`a cache group must be 1–100 characters of [A-Za-z0-9_.:/-]; got ${JSON.stringify(group)}`);
  }
}

/** Checks a key and its (optional) group; returns the group. */
export function checkAddress(key: string, address: CacheAddress | undefined): string | undefined {
  checkKey(key);
  const group = address?.group;
  if (group !== undefined) checkGroup(group);
  return group;
}
