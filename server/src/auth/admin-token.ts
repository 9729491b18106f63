import { createHash, timingSafeEqual } from 'node:crypto';
import type { FailedAttempts } from './failed-attempts.js';

/** Constant-time comparison of a presented token with the configured admin token. */
export function isAdminToken(presented: string, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export type AdminVerdict = { outcome: 'ok' | 'missing' | 'wrong' } | { outcome: 'limited'; retryAfterMs: number };

/**
 * The admin check every admin endpoint and procedure makes: no token is `missing` (401); a
 * token from an address over its failed-attempt limit is `limited` (429), right or wrong; else
 * `ok`, or `wrong` (403, counted against the address).
 */
export async function verifyAdmin(
  attempts: FailedAttempts,
  address: string,
  bearer: string | null,
  expected: string | undefined,
): Promise<AdminVerdict> {
  if (bearer === null) return { outcome: 'missing' };
  const right = isAdminToken(bearer, expected);
  const verdict = await attempts.attempt(address, !right);
  if (verdict.limited) return { outcome: 'limited', retryAfterMs: verdict.retryAfterMs };
  return { outcome: right ? 'ok' : 'wrong' };
}

export function limitedMessage(retryAfterMs: number): string {
  return `Too many failed admin-token attempts from this address; try again in ${Math.ceil(retryAfterMs / 1000)} s`;
}
