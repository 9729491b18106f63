import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisCacheStore } from '../../src/cache/redis-cache-store.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { adminMutation, cachingOf, jobGet, startCacheApp, waitUntilFinished, type CacheTestApp } from './helpers.js';

/**
 * Two server instances on one Redis (CONTRACT §10, issue 10 items 5 and 6 seen through jobs.get):
 * concurrent misses compute once across both, an eviction made on one reaches the other's near
 * cache before its next read, and a Redis outage makes cached procedures fail closed.
 */

const nearOf = (t: CacheTestApp) => (t.deps.cache as RedisCacheStore).near!;

describe('jobs.get cached across two instances on one Redis', () => {
  let redis: TestRedisServer;
  let a: CacheTestApp;
  let b: CacheTestApp;
  let alice: string;

  beforeAll(async () => {
    redis = await TestRedisServer.start({ appendOnly: true });
    a = await startCacheApp({ backend: 'redis', redisUrl: redis.url });
    b = await startCacheApp({ backend: 'redis', redisUrl: redis.url });
    expect(await nearOf(a).whenLive(2000)).toBe(true);
    expect(await nearOf(b).whenLive(2000)).toBe(true);
    alice = await a.newKey();
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.destroy();
  });

  it('50 concurrent misses over the two instances run the procedure once', async () => {
    const job = await a.finishedJob(alice);
    const reads = [vi.spyOn(a.deps.queue, 'get'), vi.spyOn(b.deps.queue, 'get')];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => jobGet(i % 2 === 0 ? a.app : b.app, job.id, alice)),
    );
    expect(reads[0]!.mock.calls.length + reads[1]!.mock.calls.length).toBe(1);
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    expect(new Set(responses.map((response) => response.body))).toEqual(
      new Set([JSON.stringify({ result: { data: job } })]),
    );
    expect(new Set(responses.map((response) => response.headers.etag)).size).toBe(1);
    // the computing instance's callers shared its miss; the other's waited for its value
    const misses = responses.filter((response) => response.headers['x-cache'] === 'MISS').length;
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(misses).toBeLessThanOrEqual(25);
    for (const spy of reads) spy.mockRestore();
  });

  it("an eviction on instance A reaches B's near cache before B's next read", async () => {
    const job = await a.finishedJob(alice);
    expect(cachingOf(await jobGet(a.app, job.id, alice)).xCache).toBe('MISS');
    expect(cachingOf(await jobGet(b.app, job.id, alice)).xCache).toBe('HIT'); // read from Redis, kept near
    const nearHits = b.deps.cache.stats().nearHits;
    expect(cachingOf(await jobGet(b.app, job.id, alice)).xCache).toBe('HIT');
    expect(b.deps.cache.stats().nearHits).toBe(nearHits + 1); // answered from B's memory
    expect(nearOf(b).size).toBeGreaterThan(0);

    const group = `job:${job.id}`;
    const heard = new Promise<number>((resolve) => {
      const stop = nearOf(b).onInvalidation((invalidation) => {
        if (invalidation.kind === 'group' && invalidation.group === group) {
          stop();
          resolve(performance.now());
        }
      });
    });
    expect((await adminMutation(a.app, 'admin.jobs.retry', { id: job.id })).status).toBe(200);
    const answered = performance.now();
    const heardAt = await Promise.race([heard, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))]);
    expect(heardAt).not.toBeNull();
    expect(heardAt! - answered).toBeLessThan(100); // within milliseconds (usually before the retry even answers)

    const next = await jobGet(b.app, job.id, alice);
    expect(cachingOf(next)).toMatchObject({ status: 200, xCache: 'MISS' });
    expect(next.body).not.toBe(JSON.stringify({ result: { data: job } }));
    await waitUntilFinished(a, job.id);
  });

  it('Redis down: cached procedures fail closed (503, within a second), never a stale answer; back by themselves', async () => {
    const job = await a.finishedJob(alice);
    for (const t of [a, b]) {
      expect(cachingOf(await jobGet(t.app, job.id, alice)).status).toBe(200);
      expect(cachingOf(await jobGet(t.app, job.id, alice)).xCache).toBe('HIT');
    }
    await redis.kill();
    for (const t of [a, b]) {
      const started = performance.now();
      const down = await jobGet(t.app, job.id, alice);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ error: { data: { code: 'SERVICE_UNAVAILABLE' } } });
      expect(cachingOf(down)).toMatchObject({ xCache: undefined, etag: undefined });
      // an eviction cannot be made either: nothing changes, the caller is told so
      expect((await adminMutation(t.app, 'admin.jobs.retry', { id: job.id })).status).toBe(503);
    }
    // the near caches stop serving once their invalidation channel is silent
    await vi.waitFor(() => expect(nearOf(a).isLive() || nearOf(b).isLive()).toBe(false), { timeout: 2000 });
    expect(nearOf(a).size + nearOf(b).size).toBe(0);

    await redis.restart();
    await vi.waitFor(
      async () => {
        expect((await jobGet(a.app, job.id, alice)).statusCode).toBe(200);
      },
      { timeout: 10_000, interval: 100 },
    );
    // the same answer as before the outage (AOF kept the job, and the entry, which nothing evicted)
    const again = await jobGet(b.app, job.id, alice);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ result: { data: job } });
  });
});
