import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeQuietly } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { cacheKeyNames } from './redis-cache-keys.js';
import { createRedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store.js';
import type { CacheStore } from './cache-store.js';
import { openTestConnection } from '../test-support/test-connections.js';

let server: TestRedisServer;
const connections: RedisClient[] = [];
const stores: CacheStore[] = [];

/** A command connection of its own, as another server instance would have. */
const connect = (): Promise<RedisClient> => openTestConnection(server.url, connections);

/** Two instances (separate connections, one Redis) sharing a fresh prefix. */
async function twoInstances(options: Partial<RedisCacheStoreOptions> = {}) {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const make = async () => {
    const store = createRedisCacheStore({ redis: await connect(), prefix, ...options });
    stores.push(store);
    await store.near?.whenLive(2000);
    return store;
  };
  return { a: await make(), b: await make(), names: cacheKeyNames(prefix) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await TestRedisServer.start();
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await Promise.all(connections.map((connection) => closeQuietly(connection)));
  await server?.destroy();
});

describe('stampede protection across instances', () => {
  for (const nearCache of [undefined, false as const]) {
    const how = nearCache === false ? 'polling (no subscriber)' : 'woken by the set message';
    it(`50 concurrent misses over two instances compute once, ${how}`, async () => {
      const { a, b } = await twoInstances(nearCache === false ? { nearCache } : {});
      let computes = 0;
      const compute = async () => {
        computes++;
        await sleep(50);
        return { answer: 42 };
      };
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? a : b).getOrCompute('hot', compute, { group: 'jobs', ttlSec: 30 }),
        ),
      );
      const elapsed = performance.now() - started;
      expect(computes).toBe(1);
      expect(results.every((result) => result.value.answer === 42)).toBe(true);
      // The 25 callers of the computing instance share its miss; the other 25 waited for its value.
      expect(results.filter((result) => !result.hit)).toHaveLength(25);
      expect(new Set(results.map((result) => result.expiresAt)).size).toBe(1);
      expect(elapsed).toBeLessThan(nearCache === false ? 1000 : 800); // generous: CI machines are loaded
      expect(a.stats().computes + b.stats().computes).toBe(1);
    });
  }

  it('a lock holder that died delays the others by what is left of its lock, no more', async () => {
    const { a, names } = await twoInstances();
    const redis = connections.at(-1)!;
    await redis.set(names.lock('k', 'g'), 'dead-holder', 'PX', 400);
    const started = performance.now();
    const result = await a.getOrCompute('k', () => 'computed after the lock expired', { group: 'g' });
    const waited = performance.now() - started;
    expect(result).toMatchObject({ value: 'computed after the lock expired', hit: false });
    expect(waited).toBeGreaterThan(350);
    expect(waited).toBeLessThan(400 + 300);
  });

  it('waits at most maxWaitMs for a lock that outlives it, then computes unlocked', async () => {
    const { a, names } = await twoInstances({ lock: { ttlMs: 3000, maxWaitMs: 200 } });
    await connections.at(-1)!.set(names.lock('k', undefined), 'stuck-holder', 'PX', 10_000);
    const started = performance.now();
    expect((await a.getOrCompute('k', () => 1)).value).toBe(1);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(190);
    expect(waited).toBeLessThan(200 + 400);
  });

  it('an eviction or a write-through during a compute wins: the value computed before it is not kept', async () => {
    const { a, b } = await twoInstances();
    const evictions = {
      delete: () => b.delete('k', { group: 'g' }),
      deleteGroup: () => b.deleteGroup('g'),
      'write-through': () => b.set('k', 'written through', { group: 'g' }),
    };
    for (const [kind, evict] of Object.entries(evictions)) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const computing = a.getOrCompute(
        'k',
        async () => {
          await gate;
          return `computed before the ${kind}`;
        },
        { group: 'g' },
      );
      await sleep(20); // a holds the lock and computes
      await evict();
      release();
      expect(await computing, kind).toEqual({ value: `computed before the ${kind}`, expiresAt: null, hit: false });
      const after = await b.get('k', { group: 'g' });
      expect(after?.value ?? null, kind).toBe(kind === 'write-through' ? 'written through' : null);
      await b.deleteGroup('g');
    }
  });

  it('a holder whose compute fails (or declines to cache) releases the lock: a waiter takes over at once', async () => {
    const { a, b } = await twoInstances();
    for (const outcome of ['throws', 'not cacheable'] as const) {
      const key = `k-${outcome}`;
      const holder = a
        .getOrCompute(
          key,
          async () => {
            await sleep(60);
            if (outcome === 'throws') throw new Error('holder failed');
            return 'partial';
          },
          { shouldCache: (value) => value !== 'partial' },
        )
        .catch((error: unknown) => error);
      await sleep(15); // a holds the lock now
      const started = performance.now();
      const waiter = await b.getOrCompute(key, () => 'from b');
      expect(waiter).toMatchObject({ value: 'from b', hit: false });
      expect(performance.now() - started).toBeLessThan(1000); // not the lock's 3 s
      await holder;
    }
  });
});
