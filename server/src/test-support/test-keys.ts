import type { CounterStore, NewKey, StoredKey } from '../counters/counter-store.js';
import { generateApiKey, type KeyCredential } from '../keys/api-key.js';

/**
 * What a test key may set; the rest defaults (a fresh random key named `test key`, 5 calls per
 * 60 s, 100 jobs a day, created now).
 */
export type TestKeyOptions<TCredential extends KeyCredential> = Partial<Omit<NewKey, 'id' | 'keyHash'>> & {
  credential?: TCredential;
};

/** Stores an API key for a test straight in the counter store: its credential and stored record. */
export async function storeTestKey<TCredential extends KeyCredential = ReturnType<typeof generateApiKey>>(
  store: Pick<CounterStore, 'createKey'>,
  { credential, ...key }: TestKeyOptions<TCredential> = {},
): Promise<TCredential & { stored: StoredKey }> {
  const chosen = credential ?? (generateApiKey() as unknown as TCredential);
  const stored = await store.createKey({
    id: chosen.id,
    keyHash: chosen.hash,
    name: 'test key',
    rateLimit: { limit: 5, windowSec: 60 },
    dailyJobQuota: 100,
    createdAt: Date.now(),
    ...key,
  });
  return { ...chosen, stored };
}
