import { createSubscriber, type RedisClient } from '../redis/redis-client.js';
import { systemClock, type Clock } from '../clock.js';
import { failClosed } from './cache-outage.js';
import { CacheCounters } from './cache-stats.js';
import {
  DEFAULT_CACHE_TTL_SEC,
  type CacheEntry,
  type CacheStore,
  type ComputeResult,
  type GetOrComputeOptions,
} from './cache-store.js';
import { checkAddress, checkGroup, decodeJson, encodeJson, ttlMsOf } from './cache-values.js';
import {
  DEFAULT_COMPUTE_LOCK,
  lockedCompute,
  type ComputeLockOptions,
  type LockedComputeSteps,
} from './locked-compute.js';
import { NearLayer, type NearCacheOptions, type NearCacheView } from './near-layer.js';
import { cacheCommands, type EntryRef } from './redis-cache-commands.js';
import { cacheKeyNames, type Invalidation } from './redis-cache-keys.js';
import { decodePayload, encodePayload, expiresAtOf } from './redis-payload.js';
import { SingleFlight } from './single-flight.js';

export interface RedisCacheStoreOptions {
  /** a command connection (enableOfflineQueue: false, short commandTimeout; a Cluster with REDIS_CLUSTER); not owned by the store */
  redis: RedisClient;
  prefix: string;
  /** TTL of entries set without one (CACHE_DEFAULT_TTL_SEC) */
  defaultTtlSec?: number;
  /** expiries are decided by this clock (Redis's PX TTL frees the memory in real time) */
  clock?: Clock;
  /** false: no near cache and no subscriber connection (lock waiters then poll) */
  nearCache?: NearCacheOptions | false;
  lock?: Partial<ComputeLockOptions>;
  /** errors of the store's own subscriber connection (it reconnects by itself) */
  onConnectionError?: (error: Error) => void;
}

export interface RedisCacheStore extends CacheStore {
  /** this instance's near cache, null when disabled */
  readonly near: NearCacheView | null;
}

/**
 * The cache on Redis: entries as "<expiresAt>:<json>" strings with PX TTLs, groups tracked in a
 * per-group zset, every write published to the near caches of all instances (near-layer.ts),
 * stampedes stopped by single-flight plus a Redis lock (locked-compute.ts). Fails closed.
 */
export function createRedisCacheStore(options: RedisCacheStoreOptions): RedisCacheStore {
  const names = cacheKeyNames(options.prefix);
  const redis = cacheCommands(options.redis, names);
  const clock = options.clock ?? systemClock;
  const defaultTtlSec = options.defaultTtlSec ?? DEFAULT_CACHE_TTL_SEC;
  ttlMsOf(undefined, defaultTtlSec);
  const lock = { ...DEFAULT_COMPUTE_LOCK, ...options.lock };
  const counters = new CacheCounters();
  const flights = new SingleFlight<string, ComputeResult<unknown>>();
  const near = options.nearCache === false ? null : createNearLayer(options, names.channel, clock);

  /** One of this instance's writes, with its near-cache entries forgotten before and after. */
  async function writing<T>(operation: string, invalidation: Invalidation, work: () => Promise<T>): Promise<T> {
    near?.forget(invalidation);
    try {
      return await failClosed(operation, work());
    } finally {
      near?.forget(invalidation);
    }
  }

  /** A read from Redis that the near cache keeps, unless an invalidation raced with it. */
  async function readThrough(ref: EntryRef, operation: string, fetch: () => Promise<string | null>) {
    const read = near?.beginRead(ref.entryKey, ref.group) ?? null;
    let entry: CacheEntry | null = null;
    let bytes = 0;
    try {
      const payload = await failClosed(operation, fetch());
      entry = decodePayload(payload, clock());
      bytes = payload?.length ?? 0;
      return entry;
    } finally {
      near?.endRead(read, entry, bytes);
    }
  }

  /** Stores a value; null when a lock holder's store was refused (an eviction came first). */
  async function write<T>(ref: EntryRef, value: T, ttlSec: number | undefined, token = '') {
    const ttlMs = ttlMsOf(ttlSec, defaultTtlSec);
    const json = encodeJson(value);
    const now = clock();
    const expiresAt = now + ttlMs;
    const payload = encodePayload(json, expiresAt);
    const stored = await writing('set', { kind: 'entry', entryKey: ref.entryKey }, () =>
      redis.set(ref, payload, ttlMs, expiresAt, now, token),
    );
    if (stored !== 1) return null;
    counters.sets++;
    return { value: decodeJson<T>(json), expiresAt };
  }

  function stepsFor(ref: EntryRef, ttlSec: number | undefined): LockedComputeSteps {
    return {
      async tryAcquire(token) {
        const reply = { status: 'acquired' as 'acquired' | 'held' | 'value', ms: 0 };
        const entry = await readThrough(ref, 'lock', async () => {
          const answer = await redis.acquire(ref, clock(), token, lock.ttlMs);
          reply.status = answer.status;
          if (answer.status === 'held') reply.ms = answer.ms;
          return answer.status === 'value' ? answer.payload : null;
        });
        if (entry !== null) return { kind: 'value', entry };
        // 'value' with nothing decoded: the entry expired a moment ago; look again at once.
        return reply.status === 'acquired' ? { kind: 'acquired' } : { kind: 'held', ms: reply.ms };
      },
      store: (value, token) => write(ref, value, ttlSec, token),
      release: async (token) => void (await failClosed('unlock', redis.release(ref, token))),
      wait: (ms) =>
        near === null ? new Promise((resolve) => setTimeout(resolve, ms)) : near.waiters.wait(ref.entryKey, ms),
    };
  }

  return {
    kind: 'redis',
    near,

    async get<T>(key: string, address?: { group?: string }) {
      const ref = redis.ref(key, checkAddress(key, address));
      const nearEntry = near?.lookup(ref.entryKey);
      if (nearEntry !== undefined) counters.read('near');
      const entry = nearEntry ?? (await readThrough(ref, 'get', () => redis.get(ref)));
      if (nearEntry === undefined) counters.read(entry === null ? 'miss' : 'hit');
      return entry as CacheEntry<T> | null;
    },

    async set(key, value, options = {}) {
      const stored = await write(redis.ref(key, checkAddress(key, options)), value, options.ttlSec);
      return stored!; // a plain set is never refused
    },

    async delete(key, address) {
      const ref = redis.ref(key, checkAddress(key, address));
      const removed = await writing('delete', { kind: 'entry', entryKey: ref.entryKey }, () =>
        redis.delete(ref, clock()),
      );
      counters.evictions += removed;
      return removed === 1;
    },

    async has(key, address) {
      const ref = redis.ref(key, checkAddress(key, address));
      if (near?.lookup(ref.entryKey) !== undefined) return true;
      const expiresAt = expiresAtOf(await failClosed('has', redis.head(ref)));
      return expiresAt !== null && expiresAt > clock();
    },

    async deleteGroup(group) {
      checkGroup(group);
      const removed = await writing('deleteGroup', { kind: 'group', group }, () => redis.deleteGroup(group, clock()));
      counters.evictions += removed;
      return removed;
    },

    async getOrCompute<T>(key: string, compute: () => T | Promise<T>, options: GetOrComputeOptions<T> = {}) {
      const ref = redis.ref(key, checkAddress(key, options));
      ttlMsOf(options.ttlSec, defaultTtlSec);
      const nearEntry = near?.lookup(ref.entryKey);
      if (nearEntry !== undefined) {
        counters.read('near');
        return { value: nearEntry.value as T, expiresAt: nearEntry.expiresAt, hit: true };
      }
      const result = await flights.run(ref.entryKey, () =>
        lockedCompute(stepsFor(ref, options.ttlSec), {
          compute,
          shouldCache: options.shouldCache,
          lock,
          onCompute: () => counters.computes++,
        }),
      );
      counters.read(result.hit ? 'hit' : 'miss');
      return result as ComputeResult<T>;
    },

    stats: () => counters.snapshot(),

    async close() {
      await near?.close();
    },
  };
}

function createNearLayer(options: RedisCacheStoreOptions, channel: string, clock: Clock): NearLayer {
  // on a cluster: a connection to one node, which gets every PUBLISH of the cluster
  const subscriber = createSubscriber(options.redis, {
    connectionName: 'tollgate:cache-subscriber',
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResubscribe: false,
  });
  subscriber.on('error', (error: Error) => options.onConnectionError?.(error));
  return new NearLayer(subscriber, channel, options.nearCache || {}, clock);
}
