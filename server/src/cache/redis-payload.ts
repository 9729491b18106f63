import type { CacheEntry } from './cache-store.js';
import { decodeJson } from './cache-values.js';

/**
 * An entry as Redis stores it: `<expiresAt>:<json>`. The expiry rides in front of the JSON so a
 * script or a GETRANGE reads it without parsing the value, and a store driven by an injected
 * clock sees entries expire by that clock (Redis's PX TTL frees the memory in real time).
 */
export const encodePayload = (json: string, expiresAt: number) => `${expiresAt}:${json}`;

/** The expiry in front of a payload (or of its first bytes), or null when there is none. */
export function expiresAtOf(head: string): number | null {
  const colon = head.indexOf(':');
  if (colon <= 0) return null;
  const expiresAt = Number(head.slice(0, colon));
  return Number.isSafeInteger(expiresAt) ? expiresAt : null;
}

/** The entry a payload holds, or null when there is none or it expired by `now`. */
export function decodePayload<T>(payload: string | null, now: number): CacheEntry<T> | null {
  if (payload === null) return null;
  const expiresAt = expiresAtOf(payload);
  if (expiresAt === null || expiresAt <= now) return null;
  return { value: decodeJson<T>(payload.slice(payload.indexOf(':') + 1)), expiresAt };
}
