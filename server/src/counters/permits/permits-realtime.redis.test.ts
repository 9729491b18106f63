import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../test-support/redis-server.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../../redis/connections.js';
import { isBackendUnavailable } from '../../errors.js';
import { generateApiKey } from '../../keys/api-key.js';
import { createRedisCounterStore, type RedisCounterStore } from '../redis-counter-store.js';

/**
 * Permits on the real clock (Redis TIME, as in production): what a hot key costs, and how the
 * scheme fails closed when Redis dies or hangs under a live lease.
 */
const RATE = { rate: true, daily: false };

async function connectTo(server: TestRedisServer): Promise<RedisClient> {
  const connection = createCommandConnection(server.url, 2000);
  connection.on('error', () => undefined);
  await connectAndPing(connection, 2000);
  return connection;
}

async function hotKey(redis: RedisClient, limit = 10_000_000) {
  const store = createRedisCounterStore({ redis, prefix: `r${randomBytes(4).toString('hex')}` });
  const key = generateApiKey();
  await store.createKey({
    id: key.id,
    keyHash: key.hash,
    name: 'hot',
    rateLimit: { limit, windowSec: 60 },
    dailyJobQuota: 10,
    createdAt: Date.now(),
  });
  return { store, key };
}

/** `workers` loops calling the guard until `ms` have passed; how many were admitted. */
async function load(store: RedisCounterStore, key: { id: string; hash: string }, workers: number, ms: number) {
  let admitted = 0;
  const deadline = performance.now() + ms;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        if ((await store.consume(key.id, key.hash, RATE)).outcome === 'admitted') admitted++;
      }
    }),
  );
  return admitted;
}

async function evalshaCalls(redis: RedisClient): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0);
}

interface Attempt {
  started: number;
  ms: number;
  outcome: 'admitted' | 'refused' | 'unavailable';
}

async function attempt(store: RedisCounterStore, key: { id: string; hash: string }, since: number): Promise<Attempt> {
  const started = performance.now();
  try {
    const result = await store.consume(key.id, key.hash, RATE);
    return {
      started: started - since,
      ms: performance.now() - started,
      outcome: result.outcome === 'admitted' ? 'admitted' : 'refused',
    };
  } catch (error) {
    expect(isBackendUnavailable(error)).toBe(true);
    return { started: started - since, ms: performance.now() - started, outcome: 'unavailable' };
  }
}

describe('hot-key permits on Redis TIME', () => {
  let server: TestRedisServer;
  let redis: RedisClient;

  beforeAll(async () => {
    server = await TestRedisServer.start();
    redis = await connectTo(server);
  });

  afterAll(async () => {
    await closeQuietly(redis);
    await server?.destroy();
  });

  it('serves a hot key with a small fraction of a Redis command per call, and counts it exactly', async () => {
    const { store, key } = await hotKey(redis);
    const warm = await load(store, key, 20, 700);
    const before = await evalshaCalls(redis);
    const measured = await load(store, key, 20, 1000);
    const commands = (await evalshaCalls(redis)) - before;
    const perCall = commands / measured;
    console.log(
      `hot key on Redis TIME, 20 in flight: ${measured} admitted in 1 s with ${commands} EVALSHA (${perCall.toExponential(2)} per call)`,
    );
    expect(perCall).toBeLessThan(0.05);
    expect(store.permits.stats().localAdmissions).toBeGreaterThan(measured / 2);
    await sleep(300); // every lease dead
    await store.permits.sweep();
    expect((await store.usage((await store.getKey(key.id))!)).rateUsed).toBe(warm + measured);
    await store.close();
  });
});

describe('hot-key permits while Redis fails', () => {
  for (const failure of ['killed', 'hung'] as const) {
    it(`fails closed when Redis is ${failure} under a live lease: nothing admitted past the lease, every call answered within 1 s, then resumes`, async () => {
      const own = await TestRedisServer.start();
      const connection = await connectTo(own);
      try {
        const { store, key } = await hotKey(connection);
        await load(store, key, 4, 700);
        expect((await store.consume(key.id, key.hash, RATE)).outcome).toBe('admitted');
        expect(store.permits.leases).toBe(1);

        const failedAt = performance.now();
        if (failure === 'killed') await own.kill();
        else own.pause();
        const attempts: Attempt[] = [];
        while (performance.now() - failedAt < 1500) attempts.push(await attempt(store, key, failedAt));

        const firstUnavailable = attempts.findIndex((a) => a.outcome === 'unavailable');
        expect(firstUnavailable).toBeGreaterThanOrEqual(0);
        expect(attempts[firstUnavailable]!.started + attempts[firstUnavailable]!.ms).toBeLessThan(1000);
        expect(attempts.slice(firstUnavailable).every((a) => a.outcome === 'unavailable')).toBe(true);
        // Only the live lease (≤ 250 ms) may still admit, and only before Redis was seen failing.
        for (const a of attempts.filter((a) => a.outcome === 'admitted')) expect(a.started).toBeLessThan(260);
        for (const a of attempts) expect(a.ms).toBeLessThan(1000);

        if (failure === 'killed') {
          await own.restart(); // no persistence: the key is gone with the permits
          await expect.poll(() => connection.status, { timeout: 5000 }).toBe('ready');
          await store.createKey({
            id: key.id,
            keyHash: key.hash,
            name: 'hot',
            rateLimit: { limit: 100, windowSec: 60 },
            dailyJobQuota: 1,
            createdAt: Date.now(),
          });
        } else {
          own.resume();
        }
        await expect
          .poll(async () => (await attempt(store, key, 0)).outcome, { timeout: 5000, interval: 50 })
          .toBe('admitted');
        await store.close();
      } finally {
        await closeQuietly(connection);
        await own.destroy();
      }
    });
  }
});
