import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestRedisServer } from '../test-support/redis-server.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { isBackendUnavailable } from '../errors.js';
import { counterStoreContract, manualClock, T0 } from './counter-store.contract.js';
import { createRedisCounterStore } from './redis-counter-store.js';
import { redisKeyNames } from './redis-keys.js';
import { utcDayNumber, utcDayStamp } from './utc-day.js';
import type { CounterStore } from './counter-store.js';
import { openTestConnection } from '../test-support/test-connections.js';
import { storeTestKey } from '../test-support/test-keys.js';

let server: TestRedisServer;
let redis: RedisClient;
const extraConnections: RedisClient[] = [];

const connect = (): Promise<RedisClient> => openTestConnection(server.url, extraConnections);

beforeAll(async () => {
  server = await TestRedisServer.start();
  redis = await connect();
});

afterAll(async () => {
  await Promise.all(extraConnections.map((connection) => closeQuietly(connection)));
  await server?.destroy();
});

const freshPrefix = () => `t${randomBytes(4).toString('hex')}`;

function newKey(store: CounterStore, limit = 5, windowSec = 60) {
  return storeTestKey(store, { name: 'k', rateLimit: { limit, windowSec }, dailyJobQuota: 10 });
}

describe('redis counter store', () => {
  counterStoreContract(async () => {
    const clock = manualClock(T0);
    const prefix = freshPrefix();
    const names = redisKeyNames(prefix);
    return {
      store: createRedisCounterStore({ redis, prefix, clock }),
      clock,
      inspect: {
        rateBuckets: (id) => redis.hlen(names.rate(id)),
        ttls: async (id) => ({
          meta: await redis.pttl(names.meta(id)),
          rate: await redis.pttl(names.rate(id)),
          daily: await redis.pttl(names.daily(id, utcDayNumber(clock()))),
        }),
      },
    };
  });

  it('uses Redis TIME when no clock is injected, so instances on separate connections share one window', async () => {
    const prefix = freshPrefix();
    const stores = [
      createRedisCounterStore({ redis, prefix }),
      createRedisCounterStore({ redis: await connect(), prefix }),
    ];
    const key = await newKey(stores[0]!, 30);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        Promise.resolve(stores[i % 2]!.consume(key.id, key.hash, { rate: true, daily: false })),
      ),
    );
    expect(results.filter((r) => r.outcome === 'admitted')).toHaveLength(30);
    const refused = results.find((r) => r.outcome === 'limited');
    expect(refused?.outcome === 'limited' && Math.abs(refused.now - Date.now())).toBeLessThan(1000);
    if (refused?.outcome === 'limited') expect(refused.rate.resetAt).toBeGreaterThan(refused.now + 59_000);
  });

  it('keeps every key under the prefix, tagged per API key', async () => {
    const prefix = freshPrefix();
    const store = createRedisCounterStore({ redis, prefix });
    const key = await newKey(store);
    await store.consume(key.id, key.hash, { rate: true, daily: true });
    const keys = (await redis.keys(`${prefix}*`)).sort();
    const tag = `${prefix}:{key:${key.id}}`;
    expect(keys).toEqual(
      [`${prefix}:keys`, `${tag}:daily:${utcDayStamp(utcDayNumber(Date.now()))}`, `${tag}:meta`, `${tag}:rate`].sort(),
    );
    expect(await redis.hget(`${prefix}:{key:${key.id}}:meta`, 'hash')).toBe(key.hash);
    expect(JSON.stringify(await redis.hgetall(`${prefix}:{key:${key.id}}:meta`))).not.toContain('tg_');
  });

  it('answers a guarded call of a key that is not hot in one round trip (one EVALSHA, nothing else)', async () => {
    const prefix = freshPrefix();
    const connection = await connect();
    const store = createRedisCounterStore({ redis: connection, prefix });
    const key = await newKey(store, 1000);
    await store.consume(key.id, key.hash, { rate: true, daily: true }); // loads the script
    const sent = vi.spyOn(connection, 'sendCommand');
    const before = await commandCalls(redis);
    // Fewer calls than two hot slots hold (2 × 16), however slowly they come: never leased.
    const calls = 30;
    for (let i = 0; i < calls; i++) await store.consume(key.id, key.hash, { rate: true, daily: i % 2 === 0 });
    const after = await commandCalls(redis);
    expect(sent).toHaveBeenCalledTimes(calls);
    sent.mockRestore();
    // Server side: one EVALSHA per call; the rest ran inside the script.
    const delta = diffCalls(before, after);
    expect(delta['evalsha']).toBe(calls);
    expect(delta['eval']).toBeUndefined();
    const inScript = new Set(['hmget', 'time', 'hgetall', 'hdel', 'get', 'hincrby', 'pexpire', 'incr', 'info']);
    expect(Object.keys(delta).filter((name) => name !== 'evalsha' && !inScript.has(name))).toEqual([]);
  });

  it('retries the day when Redis TIME is on another UTC day than the caller', async () => {
    // The caller's clock says yesterday; Redis (TIME) says today: the script answers -3 and the
    // store retries with Redis's day.
    const prefix = freshPrefix();
    const store = createRedisCounterStore({ redis, prefix });
    const key = await newKey(store);
    const realNow = Date.now;
    Date.now = () => realNow() - 86_400_000;
    try {
      const result = await store.consume(key.id, key.hash, { rate: true, daily: true });
      expect(result).toMatchObject({ outcome: 'admitted', daily: { used: 1 } });
    } finally {
      Date.now = realNow;
    }
    expect(await redis.get(redisKeyNames(prefix).daily(key.id, utcDayNumber(Date.now())))).toBe('1');
  });
});

describe('redis counter store while Redis is down', () => {
  it('fails fast on a killed or hung Redis with errors mapped to 503, and resumes by itself', async () => {
    const own = await TestRedisServer.start();
    const connection = createCommandConnection(own.url, 2000);
    connection.on('error', () => undefined);
    try {
      await connectAndPing(connection, 2000);
      const store = createRedisCounterStore({ redis: connection, prefix: freshPrefix() });
      const key = await newKey(store);
      const attempt = async () => {
        const started = performance.now();
        const error = await Promise.resolve(store.consume(key.id, key.hash, { rate: true, daily: false })).then(
          () => null,
          (caught: unknown) => caught,
        );
        return { error, ms: performance.now() - started };
      };

      own.pause();
      const hung = await attempt();
      expect(isBackendUnavailable(hung.error)).toBe(true);
      expect(hung.ms).toBeLessThan(1000);
      own.resume();
      expect((await store.consume(key.id, key.hash, { rate: true, daily: false })).outcome).toBe('admitted');

      await own.kill();
      const killed = await attempt();
      expect(isBackendUnavailable(killed.error)).toBe(true);
      expect(killed.ms).toBeLessThan(1000);

      await own.restart(); // no persistence: the key and the script cache are gone
      await expect.poll(() => connection.status, { timeout: 5000 }).toBe('ready');
      const after = await store.consume(key.id, key.hash, { rate: true, daily: false });
      expect(after).toEqual({ outcome: 'unauthorized', reason: 'unknown' });
      const again = await newKey(store);
      expect((await store.consume(again.id, again.hash, { rate: true, daily: false })).outcome).toBe('admitted');
      expect(await store.status()).toBe('connected');
    } finally {
      await closeQuietly(connection);
      await own.destroy();
    }
  });
});

async function commandCalls(connection: RedisClient): Promise<Record<string, number>> {
  const info = await connection.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  return calls;
}

function diffCalls(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, count] of Object.entries(after)) {
    const d = count - (before[name] ?? 0);
    if (d > 0) delta[name] = d;
  }
  return delta;
}
