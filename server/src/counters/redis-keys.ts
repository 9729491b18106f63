import { utcDayStamp } from './utc-day.js';

/** Ids are `k_` + 16 hex digits (see keys/api-key.ts); anything else cannot name a key. */
export const KEY_ID_PATTERN = /^k_[0-9a-f]{16}$/;

/**
 * Redis key names of the counter store. Everything the quota script touches for one API key
 * shares the Cluster hash tag `{key:<id>}`; the id set is outside it and never used by scripts.
 */
export function redisKeyNames(prefix: string) {
  const tagged = (id: string) => `${prefix}:{key:${id}}`;
  return {
    /** set of every key id, for listing */
    keySet: `${prefix}:keys`,
    meta: (id: string) => `${tagged(id)}:meta`,
    rate: (id: string) => `${tagged(id)}:rate`,
    daily: (id: string, day: number) => `${tagged(id)}:daily:${utcDayStamp(day)}`,
  };
}

export type RedisKeyNames = ReturnType<typeof redisKeyNames>;
