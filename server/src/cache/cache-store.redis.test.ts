import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeQuietly } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { cacheStoreContract, manualClock, T0 } from './cache-store.contract.js';
import { cacheKeyNames } from './redis-cache-keys.js';
import { createRedisCacheStore, type RedisCacheStore } from './redis-cache-store.js';
import { openTestConnection } from '../test-support/test-connections.js';

let server: TestRedisServer;
let redis: RedisClient;
const stores: RedisCacheStore[] = [];

beforeAll(async () => {
  server = await TestRedisServer.start();
  redis = await openTestConnection(server.url);
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await closeQuietly(redis);
  await server?.destroy();
});

const freshPrefix = () => `t${randomBytes(4).toString('hex')}`;

function storeOn(prefix: string, clock = manualClock(T0)) {
  const store = createRedisCacheStore({ redis, prefix, clock });
  stores.push(store);
  return { store, clock };
}

describe('redis cache store', () => {
  cacheStoreContract(async ({ defaultTtlSec }) => {
    const clock = manualClock(T0);
    const store = createRedisCacheStore({
      redis,
      prefix: freshPrefix(),
      clock,
      ...(defaultTtlSec === undefined ? {} : { defaultTtlSec }),
    });
    await store.near?.whenLive(2000);
    return { store, clock };
  });

  it('keeps every key under the prefix, a group under one hash tag, entries with a PX TTL', async () => {
    const prefix = freshPrefix();
    const { store } = storeOn(prefix);
    await store.set('job:1', { state: 'completed' }, { group: 'jobs', ttlSec: 30 });
    await store.set('job:2', 2, { group: 'jobs', ttlSec: 90 });
    await store.set('lonely', true, { ttlSec: 10 });
    expect((await redis.keys(`${prefix}*`)).sort()).toEqual(
      [
        `${prefix}:{cache:jobs}:members`,
        `${prefix}:{cache:jobs}:v:job:1`,
        `${prefix}:{cache:jobs}:v:job:2`,
        `${prefix}:{cache#lonely}:v`,
      ].sort(),
    );
    expect(await redis.get(`${prefix}:{cache:jobs}:v:job:1`)).toBe(`${T0 + 30_000}:{"state":"completed"}`);
    const ttl = await redis.pttl(`${prefix}:{cache:jobs}:v:job:1`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    // The member zset outlives the longest entry it lists.
    expect(await redis.pttl(`${prefix}:{cache:jobs}:members`)).toBeGreaterThan(89_000);
    expect(await redis.pttl(`${prefix}:{cache#lonely}:v`)).toBeGreaterThan(9_000);
  });

  it('keeps the member zset bounded: expired members are pruned by the next set of the group', async () => {
    const prefix = freshPrefix();
    const { store, clock } = storeOn(prefix);
    for (let i = 0; i < 100; i++) await store.set(`k${i}`, i, { group: 'g', ttlSec: 1 });
    const members = cacheKeyNames(prefix).groupMembers('g');
    expect(await redis.zcard(members)).toBe(100);
    clock.advance(1000);
    await store.set('fresh', 1, { group: 'g' });
    expect(await redis.zcard(members)).toBe(1);
  });

  it('drops a big group atomically in one script (past Lua unpack limits)', async () => {
    const prefix = freshPrefix();
    const { store } = storeOn(prefix);
    const writes = Array.from({ length: 1200 }, (_, i) => store.set(`k${i}`, i, { group: 'big' }));
    await Promise.all(writes);
    expect(await store.deleteGroup('big')).toBe(1200);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });
});
