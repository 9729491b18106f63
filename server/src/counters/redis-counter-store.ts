import type { Clock } from '../clock.js';
import { storedKeyOf, type CounterStore, type NewKey, type StoredKey } from './counter-store.js';
import { connectionEpoch } from './permits/connection-epoch.js';
import { createPermitDispenser, type PermitStats } from './permits/permit-dispenser.js';
import { permitOptions, type PermitOptions } from './permits/permit-policy.js';
import { dailyState, keyUsage, rateState } from './quota-state.js';
import { createQuotaScript, statesOf } from './quota-script.js';
import { KEY_ID_PATTERN, redisKeyNames } from './redis-keys.js';
import { pingRedis, type RedisClient } from '../redis/redis-client.js';
import { withCounterScripts } from './redis-scripts.js';
import { utcDayNumber } from './utc-day.js';
import { windowGeometry } from './sliding-window.js';

export interface RedisCounterStoreOptions {
  /** a command connection (enableOfflineQueue: false, short commandTimeout); not owned by the store */
  redis: RedisClient;
  prefix: string;
  /** injected clock for tests; when omitted, every decision uses Redis TIME, shared by all instances */
  clock?: Clock;
  /** hot-key permits (see permits.md): on by default; `false` makes every guarded call exact */
  permits?: Partial<PermitOptions> | false;
}

/** The Redis store: the CounterStore, plus a view of its permit dispenser. */
export interface RedisCounterStore extends CounterStore {
  readonly permits: {
    stats(): PermitStats;
    /** leases this instance holds right now */
    readonly leases: number;
    /** ends expired leases and hands back every unused permit waiting to go back */
    sweep(): Promise<void>;
  };
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
 * API keys and exact sliding-window counters in Redis. A guarded call is one EVALSHA of
 * `consume-3.lua`, which authenticates, checks and consumes atomically; calls of a key that is hot
 * on this instance are admitted from short leases of permits counted in Redis (permits.md).
 */
export function createRedisCounterStore({
  redis,
  prefix,
  clock,
  permits,
}: RedisCounterStoreOptions): RedisCounterStore {
  const scripts = withCounterScripts(redis);
  const names = redisKeyNames(prefix);
  const localNow = () => (clock === undefined ? Date.now() : clock());
  const mono = clock ?? (() => performance.now());
  const runScript = createQuotaScript(redis, names, clock, mono);
  const dispenser = createPermitDispenser({
    run: runScript,
    mono,
    options: permitOptions(permits),
    connection: connectionEpoch(redis),
  });

  async function getKey(id: string): Promise<StoredKey | null> {
    if (!KEY_ID_PATTERN.test(id)) return null;
    return storedKeyFromHash(id, await redis.hgetall(names.meta(id)));
  }

  return {
    kind: 'redis',

    async status() {
      if (redis.status !== 'ready') return 'disconnected';
      try {
        await pingRedis(redis);
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

    consume: (keyId, keyHash, cost) => dispenser.consume(keyId, keyHash, cost),

    getKey,

    async listKeys() {
      const ids = (await redis.smembers(names.keySet)).filter((id) => KEY_ID_PATTERN.test(id));
      if (ids.length === 0) return [];
      // One command per key, all sent at once: each key has its own hash slot, so on a cluster
      // they spread over the masters, where a pipeline must stay on one.
      const hashes = await Promise.all(ids.map((id) => redis.hgetall(names.meta(id))));
      const keys: StoredKey[] = [];
      hashes.forEach((hash, index) => {
        const key = storedKeyFromHash(ids[index] ?? '', hash);
        if (key !== null) keys.push(key);
      });
      return keys.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    async usage(key) {
      // Leased permits count as used: this is the window as Redis accounts it.
      const answer = await runScript(key.id, '', { cost: { rate: false, daily: false } });
      const now = localNow();
      if (answer === 'unknown' || answer === 'revoked') {
        return keyUsage(rateState(key, 0, now), dailyState(key, 0, now));
      }
      const { rate, daily } = statesOf(answer);
      return keyUsage(rate, daily);
    },

    async revokeKey(id) {
      if (!KEY_ID_PATTERN.test(id)) return null;
      const found = await scripts.tollgateRevoke(names.meta(id), clock === undefined ? '' : String(clock()));
      // Refused here at once; other instances refuse it when their lease ends (≤ leaseMs).
      dispenser.forget(id);
      return found === 1 ? getKey(id) : null;
    },

    async resetUsage(id) {
      const key = await getKey(id);
      if (key === null) return null;
      // Today's counter, and its neighbours in case our clock and Redis TIME straddle midnight.
      const day = utcDayNumber(localNow());
      const { windowMs, bucketMs } = windowGeometry(key.rateLimit.windowSec);
      // Permits still out on leases stay counted (reset-rate-1.lua); ours go back right after.
      await scripts.tollgateResetRate(names.rate(id), String(windowMs + bucketMs));
      await redis.del(names.daily(id, day - 1), names.daily(id, day), names.daily(id, day + 1));
      await dispenser.settle(id);
      return key;
    },

    permits: {
      stats: dispenser.stats,
      get leases() {
        return dispenser.leases;
      },
      sweep: () => dispenser.sweep(),
    },

    async close() {
      // Unused permits go back; the connection belongs to the caller (deps closes it after this).
      await dispenser.close();
    },
  };
}
