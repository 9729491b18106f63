/** What the differential tests share: apps that hold the same keys, and the headers they compare. */
import { T0 } from '../counters/counter-store.contract.js';
import type { Deps } from '../deps.js';
import { credentialOf } from '../keys/api-key.js';
import { storeTestKey } from './test-keys.js';

/**
 * Stores API keys whose secrets the test chose (`tg_…`), so that two apps hold the same keys and
 * their answers compare as they are. Each key gets `rateLimit` calls per minute.
 */
export async function createFixedKeys(
  deps: Pick<Deps, 'counters'>,
  keys: ReadonlyArray<readonly [apiKey: string, rateLimit: number]>,
  dailyJobQuota: number,
): Promise<void> {
  for (const [apiKey, limit] of keys) {
    const credential = credentialOf(apiKey);
    await storeTestKey(deps.counters, {
      credential,
      name: apiKey.slice(3),
      rateLimit: { limit, windowSec: 60 },
      dailyJobQuota,
      createdAt: T0,
    });
  }
}

/** The headers both differential tests compare: the envelope's and the guard's. */
export const ENVELOPE_AND_QUOTA_HEADERS = [
  'content-type',
  'vary',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
] as const;
