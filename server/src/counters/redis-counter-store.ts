import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import {
  storedKeyOf,
  type ConsumeResult,
  type CounterStore,
  type NewKey,
  type QuotaCost,
  type StoredKey,
} from './counter-store.js';
import { dailyState, keyUsage, rateState } from './quota-state.js';
import { KEY_ID_PATTERN, redisKeyNames } from './redis-keys.js';
import { DAILY_COUNTER_MARGIN_MS, withCounterScripts } from './redis-scripts.js';
import { utcDayNumber } from './utc-day.js';

export interface RedisCounterStoreOptions {
  /** a command connection (enableOfflineQueue: false, short commandTimeout); not owned by the store */
  redis: Redis;
  prefix: string;
  /** injected clock for tests; when omitted, every decision uses Redis TIME, shared by all instances */
  clock?: Clock;
}

/** The script's answer about one key: what it decided and what it counted. */
interface ScriptAnswer {
  status: 0 | 1 | 2;
  now: number;
  key: StoredKey;
  rateCount: number;
  rateResetAt: number;
  dailyUsed: number;
}

const MAX_DAY_RETRIES = 3;

function num(value: string | number | null | undefined): number {
  return typeof value === 'number' ? value : Number(value);
}

function storedKeyFromHash(id: string, hash: Record<string, string>): StoredKey | null {
  if (hash['hash'] === undefined) return null;
  const revokedAt = hash['revokedAt'];
  return {
    id,
    name: hash['name'] ?? '',
    rateLimit: { limit: Number(hash['limit']), windowSec: Number(hash['windowSec']) },
    dailyJobQuota: Number(hash['dailyJobQuota']),
    createdAt: Number(hash['createdAt']),
    revokedAt: revokedAt === undefined || revokedAt === '' ? null : Number(revokedAt),
  };
}

/**
 * API keys and exact sliding-window counters in Redis. Each guarded call is one EVALSHA of
 * `consume-3.lua`, which authenticates, checks and consumes atomically.
 */
export function createRedisCounterStore({ redis, prefix, clock }: RedisCounterStoreOptions): CounterStore {
  const scripts = withCounterScripts(redis);
  const names = redisKeyNames(prefix);
  const localNow = () => (clock === undefined ? Date.now() : clock());

  /** Runs the quota script; `keyHash` '' reads without authenticating. */
  async function runScript(
    id: string,
    keyHash: string,
    cost: QuotaCost,
  ): Promise<ScriptAnswer | 'unknown' | 'revoked'> {
    if (!KEY_ID_PATTERN.test(id)) return 'unknown';
    let now = localNow();
    for (let attempt = 0; attempt < MAX_DAY_RETRIES; attempt++) {
      const day = utcDayNumber(now);
      const reply = await scripts.tollgateConsume(
        names.meta(id),
        names.rate(id),
        names.daily(id, day),
        keyHash,
        cost.rate ? '1' : '0',
        cost.daily ? '1' : '0',
        clock === undefined ? '' : String(now),
        String(day),
        String(DAILY_COUNTER_MARGIN_MS),
      );
      const status = num(reply[0]);
      if (status === -1) return 'unknown';
      if (status === -2) return 'revoked';
      if (status === -3) {
        // Redis TIME is on another UTC day than our clock (we are within clock skew of midnight).
        now = clock === undefined ? num(reply[1]) : clock();
        continue;
      }
      const revokedAt = num(reply[10]);
      return {
        status: status as 0 | 1 | 2,
        now: num(reply[1]),
        rateCount: num(reply[2]),
        rateResetAt: num(reply[3]),
        dailyUsed: num(reply[4]),
        key: {
          id,
          name: String(reply[5] ?? ''),
          rateLimit: { limit: num(reply[6]), windowSec: num(reply[7]) },
          dailyJobQuota: num(reply[8]),
          createdAt: num(reply[9]),
          revokedAt: revokedAt < 0 ? null : revokedAt,
        },
      };
    }
    throw new Error('quota script kept answering for another UTC day');
  }

  function states(answer: ScriptAnswer) {
    return {
      rate: rateState(answer.key, answer.rateCount, answer.rateResetAt),
      daily: dailyState(answer.key, answer.dailyUsed, answer.now),
    };
  }

  async function getKey(id: string): Promise<StoredKey | null> {
    if (!KEY_ID_PATTERN.test(id)) return null;
    return storedKeyFromHash(id, await redis.hgetall(names.meta(id)));
  }

  return {
    kind: 'redis',

    async status() {
      if (redis.status !== 'ready') return 'disconnected';
      try {
        await redis.ping();
        return 'connected';
      } catch {
        return 'disconnected';
      }
    },

    async createKey(key: NewKey) {
      await redis.hset(names.meta(key.id), {
        hash: key.keyHash,
        name: key.name,
        limit: String(key.rateLimit.limit),
        windowSec: String(key.rateLimit.windowSec),
        dailyJobQuota: String(key.dailyJobQuota),
        createdAt: String(key.createdAt),
      });
      await redis.sadd(names.keySet, key.id);
      return storedKeyOf(key);
    },

    async authenticate(keyId, keyHash) {
      if (!KEY_ID_PATTERN.test(keyId)) return { outcome: 'unknown' };
      const meta = await redis.hgetall(names.meta(keyId));
      const key = storedKeyFromHash(keyId, meta);
      if (key === null || meta['hash'] !== keyHash) return { outcome: 'unknown' };
      if (key.revokedAt !== null) return { outcome: 'revoked' };
      return { outcome: 'ok', key };
    },

    async consume(keyId, keyHash, cost): Promise<ConsumeResult> {
      const answer = await runScript(keyId, keyHash, cost);
      if (answer === 'unknown' || answer === 'revoked') return { outcome: 'unauthorized', reason: answer };
      const { rate, daily } = states(answer);
      if (answer.status === 0) return { outcome: 'admitted', key: answer.key, rate, daily, now: answer.now };
      return {
        outcome: 'limited',
        kind: answer.status === 1 ? 'rate' : 'daily',
        key: answer.key,
        rate,
        daily,
        now: answer.now,
      };
    },

    getKey,

    async listKeys() {
      const ids = (await redis.smembers(names.keySet)).filter((id) => KEY_ID_PATTERN.test(id));
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(names.meta(id));
      const replies = (await pipeline.exec()) ?? [];
      const keys: StoredKey[] = [];
      replies.forEach(([error, hash], index) => {
        if (error !== null) throw error;
        const key = storedKeyFromHash(ids[index] ?? '', hash as Record<string, string>);
        if (key !== null) keys.push(key);
      });
      return keys.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    async usage(key) {
      const answer = await runScript(key.id, '', { rate: false, daily: false });
      const now = localNow();
      if (answer === 'unknown' || answer === 'revoked') {
        return keyUsage(rateState(key, 0, now), dailyState(key, 0, now));
      }
      const { rate, daily } = states(answer);
      return keyUsage(rate, daily);
    },

    async revokeKey(id) {
      if (!KEY_ID_PATTERN.test(id)) return null;
      const found = await scripts.tollgateRevoke(names.meta(id), clock === undefined ? '' : String(clock()));
      return found === 1 ? getKey(id) : null;
    },

    async resetUsage(id) {
      const key = await getKey(id);
      if (key === null) return null;
      // Today's counter, and its neighbours in case our clock and Redis TIME straddle midnight.
      const day = utcDayNumber(localNow());
      await redis.del(names.rate(id), names.daily(id, day - 1), names.daily(id, day), names.daily(id, day + 1));
      return key;
    },

    async close() {
      // The connection belongs to the caller (deps closes it).
    },
  };
}
