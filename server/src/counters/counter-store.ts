import type { KeyRecord, KeyUsage, RateLimit } from '@tollgate/shared';
import type { BackendProbe } from '../backend-health.js';

/** What is stored for an API key: never the key itself, only its SHA-256 hash. */
export interface StoredKey {
  id: string;
  name: string;
  rateLimit: RateLimit;
  dailyJobQuota: number;
  createdAt: number;
  revokedAt: number | null;
}

export interface NewKey {
  id: string;
  /** hex SHA-256 of the plain API key */
  keyHash: string;
  name: string;
  rateLimit: RateLimit;
  dailyJobQuota: number;
  createdAt: number;
}

/** The record of a key just created (never revoked yet). */
export function storedKeyOf(key: NewKey): StoredKey {
  return {
    id: key.id,
    name: key.name,
    rateLimit: { ...key.rateLimit },
    dailyJobQuota: key.dailyJobQuota,
    createdAt: key.createdAt,
    revokedAt: null,
  };
}

/** What one guarded call costs: one rate slot, and a daily job slot for submissions. */
export interface QuotaCost {
  rate: boolean;
  daily: boolean;
}

export interface RateState {
  limit: number;
  /** limit − the window's count as the store accounts it (on Redis, leased permits count as used) */
  remaining: number;
  windowSec: number;
  /** epoch ms at which one more call would be admitted (now when one would be now) */
  resetAt: number;
}

export interface DailyState {
  limit: number;
  used: number;
  remaining: number;
  /** next UTC midnight, epoch ms */
  resetAt: number;
}

export type AuthResult = { outcome: 'ok'; key: StoredKey } | { outcome: 'unknown' | 'revoked' };

/**
 * `now` in a consume result is the instant the store decided at (Redis TIME when the Redis store
 * has no injected clock): headers and Retry-After are computed against it, never another clock.
 */
export type ConsumeResult =
  | { outcome: 'admitted'; key: StoredKey; rate: RateState; daily: DailyState; now: number }
  | { outcome: 'limited'; kind: 'rate' | 'daily'; key: StoredKey; rate: RateState; daily: DailyState; now: number }
  | { outcome: 'unauthorized'; reason: 'unknown' | 'revoked' };

/**
 * API keys and their counters. Redis and memory implement the same semantics (CONTRACT §6):
 * exact sliding-window rate limits, per-UTC-day job quotas, bounded memory per key.
 */
export interface CounterStore extends BackendProbe {
  createKey(key: NewKey): Promise<StoredKey>;
  /** Checks a presented key (by id and full hash) without consuming anything. */
  authenticate(keyId: string, keyHash: string): Promise<AuthResult>;
  /**
   * Authenticates the key by hash and, when admitted, consumes `cost` atomically — at most one
   * round trip on Redis, none for a call of a hot key admitted from a lease of permits Redis
   * already counted (counters/permits.md). A refused call consumes nothing. Answered at once,
   * without a promise, when nothing has to be waited for (a lease's permit, the memory store).
   */
  consume(keyId: string, keyHash: string, cost: QuotaCost): ConsumeResult | Promise<ConsumeResult>;
  getKey(id: string): Promise<StoredKey | null>;
  listKeys(): Promise<StoredKey[]>;
  usage(key: StoredKey): Promise<KeyUsage>;
  revokeKey(id: string): Promise<StoredKey | null>;
  resetUsage(id: string): Promise<StoredKey | null>;
  close(): Promise<void>;
}

export type { KeyRecord };
