import type { CreatedKey, CreateKeyInput, KeyRecord, KeyUsage, Usage } from '@tollgate/shared';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { CounterStore, StoredKey } from '../counters/counter-store.js';
import { dailyState, keyUsage, rateState } from '../counters/quota-state.js';
import { generateApiKey, type KeyCredential } from './api-key.js';

/** An API key as admins see it: never the key, nor its hash. */
export function toKeyRecord(key: StoredKey, usage: KeyUsage): KeyRecord {
  return {
    id: key.id,
    name: key.name,
    rateLimit: { limit: key.rateLimit.limit, windowSec: key.rateLimit.windowSec },
    dailyJobQuota: key.dailyJobQuota,
    createdAt: key.createdAt,
    revokedAt: key.revokedAt,
    usage,
  };
}

/** The `usage.get` view of a key's counters. */
export function toUsage(key: StoredKey, usage: KeyUsage): Usage {
  return {
    key: { id: key.id, name: key.name },
    rate: {
      limit: key.rateLimit.limit,
      remaining: usage.rateRemaining,
      resetAt: usage.rateResetAt,
      windowSec: key.rateLimit.windowSec,
    },
    quota: {
      limit: key.dailyJobQuota,
      used: usage.dailyUsed,
      remaining: usage.dailyRemaining,
      resetAt: usage.dailyResetAt,
    },
  };
}

/**
 * Creates an API key, applying the configured defaults for what the input leaves out. The plain
 * key is returned here only; the store keeps its SHA-256.
 */
export async function createApiKey(
  counters: CounterStore,
  config: Config,
  clock: Clock,
  input: CreateKeyInput,
): Promise<CreatedKey> {
  const { apiKey, id, hash } = generateApiKey();
  const rateLimit = input.rateLimit ?? config.defaultRateLimit;
  const now = clock();
  const stored = await counters.createKey({
    id,
    keyHash: hash,
    name: input.name,
    rateLimit: { limit: rateLimit.limit, windowSec: rateLimit.windowSec },
    dailyJobQuota: input.dailyJobQuota ?? config.defaultDailyJobQuota,
    createdAt: now,
  });
  // A new key has used nothing yet: no need to ask the store.
  const usage = keyUsage(rateState(stored, 0, now), dailyState(stored, 0, now));
  return { ...toKeyRecord(stored, usage), apiKey };
}

export async function keyRecord(counters: CounterStore, key: StoredKey): Promise<KeyRecord> {
  return toKeyRecord(key, await counters.usage(key));
}

/** Every key with its usage, oldest first. */
export async function listKeyRecords(counters: CounterStore): Promise<KeyRecord[]> {
  const keys = await counters.listKeys();
  return Promise.all(keys.map((key) => keyRecord(counters, key)));
}

/** Revokes a key on every instance at once (the guard reads it on each call); null if unknown. */
export async function revokeApiKey(counters: CounterStore, id: string): Promise<KeyRecord | null> {
  const key = await counters.revokeKey(id);
  return key === null ? null : keyRecord(counters, key);
}

/** Clears a key's rate window and today's job count; null if unknown. */
export async function resetKeyUsage(counters: CounterStore, id: string): Promise<KeyRecord | null> {
  const key = await counters.resetUsage(id);
  return key === null ? null : keyRecord(counters, key);
}

/** Nothing is consumed: the guard's script run with a zero cost authenticates and reads the counters. */
const READ_ONLY = { rate: false, daily: false } as const;

/** A key's usage, read together with its authentication (one round trip on Redis). */
export async function readUsage(
  counters: CounterStore,
  credential: KeyCredential,
): Promise<{ outcome: 'ok'; usage: Usage } | { outcome: 'unknown' | 'revoked' }> {
  const result = await counters.consume(credential.id, credential.hash, READ_ONLY);
  if (result.outcome === 'unauthorized') return { outcome: result.reason };
  return { outcome: 'ok', usage: toUsage(result.key, keyUsage(result.rate, result.daily)) };
}
