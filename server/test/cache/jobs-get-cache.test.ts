import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CacheStats } from '@tollgate/shared';
import { manualClock, T0 } from '../../src/counters/counter-store.contract.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';
import {
  adminMutation,
  BACKENDS,
  cachingOf,
  get,
  jobGet,
  startCacheApp,
  waitUntilFinished,
  type CacheTestApp,
} from './helpers.js';

/**
 * `jobs.get` cached over HTTP (CONTRACT §10), on each backend: what is cached and for whom, the
 * caching headers, 304s, ageing by an injected clock, and evictions by admin.jobs.retry/remove.
 */
for (const backend of BACKENDS) {
  describe(`jobs.get cache (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let t: CacheTestApp;
    const clock = manualClock(T0);
    let alice: string;
    let bob: string;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      t = await startCacheApp({ backend, clock, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
      [alice, bob] = [await t.newKey(), await t.newKey()];
    });

    afterAll(async () => {
      await t?.close();
      await redis?.destroy();
    });

    // first: no worker has started yet, so the job stays waiting
    it('does not store a job that has not finished: MISS every time, no-cache, yet 304 while unchanged', async () => {
      const jobId = await t.waitingJob(alice);
      const reads = vi.spyOn(t.deps.queue, 'get');
      const first = await jobGet(t.app, jobId, alice);
      expect(first.json()).toMatchObject({ result: { data: { id: jobId, state: 'waiting' } } });
      expect(cachingOf(first)).toMatchObject({ status: 200, xCache: 'MISS', cacheControl: 'private, no-cache' });
      const second = await jobGet(t.app, jobId, alice, { 'if-none-match': String(first.headers.etag) });
      expect(cachingOf(second)).toEqual({ ...cachingOf(first), status: 304 });
      expect(second.body).toBe('');
      expect(reads).toHaveBeenCalledTimes(2);
      reads.mockRestore();
    });

    it('MISS, then HIT without running the procedure; admin.jobs.retry evicts; admin.jobs.remove too', async () => {
      const job = await t.finishedJob(alice);
      const reads = vi.spyOn(t.deps.queue, 'get');
      const miss = await jobGet(t.app, job.id, alice);
      expect(miss.json()).toEqual({ result: { data: job } });
      expect(cachingOf(miss)).toMatchObject({ status: 200, xCache: 'MISS', cacheControl: 'private, max-age=3600' });
      expect(miss.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]{43}"$/);
      expect(miss.headers.vary).toBe('trpc-accept, accept, authorization');
      const hit = await jobGet(t.app, job.id, alice);
      expect(cachingOf(hit)).toEqual({ ...cachingOf(miss), xCache: 'HIT' });
      expect(hit.body).toBe(miss.body);
      expect(reads).toHaveBeenCalledTimes(1);

      expect((await adminMutation(t.app, 'admin.jobs.retry', { id: job.id })).status).toBe(200);
      const rerun = await waitUntilFinished(t, job.id);
      reads.mockClear();
      const afterRetry = await jobGet(t.app, job.id, alice);
      expect(cachingOf(afterRetry)).toMatchObject({ status: 200, xCache: 'MISS' });
      expect(afterRetry.json()).toEqual({ result: { data: rerun } });
      expect(cachingOf(await jobGet(t.app, job.id, alice)).xCache).toBe('HIT');
      expect(reads).toHaveBeenCalledTimes(1);

      expect((await adminMutation(t.app, 'admin.jobs.remove', { id: job.id })).status).toBe(200);
      const gone = await jobGet(t.app, job.id, alice);
      expect(gone.statusCode).toBe(404);
      expect(cachingOf(gone)).toMatchObject({ xCache: undefined, cacheControl: undefined, etag: undefined });
      reads.mockRestore();
    });

    it("never serves one key's cached job to another key: NOT_FOUND, not the owner's job", async () => {
      const job = await t.finishedJob(alice);
      expect(cachingOf(await jobGet(t.app, job.id, alice)).xCache).toBe('MISS');
      expect(cachingOf(await jobGet(t.app, job.id, alice)).xCache).toBe('HIT');
      for (let i = 0; i < 2; i++) {
        const other = await jobGet(t.app, job.id, bob);
        expect(other.statusCode).toBe(404);
        expect(other.json()).toMatchObject({ error: { data: { code: 'NOT_FOUND' } } });
        expect(other.body).not.toContain('"result"');
      }
      const unauthenticated = await t.app.inject({
        method: 'GET',
        url: `/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ jobId: job.id }))}`,
      });
      expect(unauthenticated.statusCode).toBe(401);
      expect(cachingOf(await jobGet(t.app, job.id, alice)).xCache).toBe('HIT');
    });

    it('answers 304 without a body to a matching If-None-Match, single and batched (only when every call matches)', async () => {
      const [one, two, three] = [await t.finishedJob(alice), await t.finishedJob(alice), await t.finishedJob(alice)];
      const single = await jobGet(t.app, one.id, alice);
      const etag = String(single.headers.etag);
      for (const ifNoneMatch of [etag, etag.slice(2), `"nope", ${etag}`, '*']) {
        const notModified = await jobGet(t.app, one.id, alice, { 'if-none-match': ifNoneMatch });
        expect(cachingOf(notModified)).toEqual({ ...cachingOf(single), status: 304, xCache: 'HIT' });
        expect(notModified.body).toBe('');
      }
      expect((await jobGet(t.app, one.id, alice, { 'if-none-match': 'W/"other"' })).statusCode).toBe(200);

      const pair: Array<[string, unknown]> = [
        ['jobs.get', { jobId: one.id }],
        ['jobs.get', { jobId: two.id }],
      ];
      const batch = await get(t.app, pair, alice);
      expect(cachingOf(batch)).toMatchObject({ status: 200, xCache: 'MISS', cacheControl: 'private, max-age=3600' });
      expect(batch.json()).toEqual([{ result: { data: one } }, { result: { data: two } }]);
      const batchEtag = String(batch.headers.etag);
      expect(batchEtag).not.toBe(etag);
      const batchAgain = await get(t.app, pair, alice, { 'if-none-match': batchEtag });
      expect(cachingOf(batchAgain)).toEqual({ ...cachingOf(batch), status: 304, xCache: 'HIT' });
      expect(batchAgain.body).toBe('');

      // one call of the batch differs: the whole batch is answered
      const changed = await get(t.app, [pair[0]!, ['jobs.get', { jobId: three.id }]], alice, {
        'if-none-match': batchEtag,
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers['x-cache']).toBe('MISS');
      expect(changed.headers.etag).not.toBe(batchEtag);
      // a call that is not cached, or one that fails: no caching headers for the batch
      for (const mixed of [
        [pair[0]!, ['usage.get', undefined]],
        [pair[0]!, ['jobs.get', { jobId: 'no-such-job' }]],
      ] as Array<Array<[string, unknown]>>) {
        const response = await get(t.app, mixed, alice, { 'if-none-match': batchEtag });
        expect(response.statusCode).not.toBe(304);
        expect(cachingOf(response)).toMatchObject({ xCache: undefined, cacheControl: undefined, etag: undefined });
      }
    });

    it('Cache-Control max-age falls as the entry ages (injected clock), then the entry expires', async () => {
      const job = await t.finishedJob(alice);
      expect(cachingOf(await jobGet(t.app, job.id, alice)).cacheControl).toBe('private, max-age=3600');
      clock.advance(600_500);
      expect(cachingOf(await jobGet(t.app, job.id, alice))).toMatchObject({
        xCache: 'HIT',
        cacheControl: 'private, max-age=2999',
      });
      clock.advance(2_999_000);
      expect(cachingOf(await jobGet(t.app, job.id, alice))).toMatchObject({
        xCache: 'HIT',
        cacheControl: 'private, max-age=0',
      });
      clock.advance(500);
      expect(cachingOf(await jobGet(t.app, job.id, alice))).toMatchObject({
        xCache: 'MISS',
        cacheControl: 'private, max-age=3600',
      });
    });

    it('shows hits, misses and the hit ratio in admin.cache.stats and /metrics', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/trpc/admin.cache.stats',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const stats = response.json<{ result: { data: CacheStats } }>().result.data;
      expect(stats.backend).toBe(backend);
      expect(stats.hits).toBeGreaterThan(0);
      expect(stats.misses).toBeGreaterThan(0);
      expect(stats.hitRatio).toBeCloseTo(stats.hits / (stats.hits + stats.misses));
      expect(stats.evictions).toBeGreaterThan(0);
      expect(stats.nearEntries === null).toBe(backend === 'memory');
      // admin.cache.stats itself is not cached
      expect(response.headers['x-cache']).toBeUndefined();

      const metrics = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const now = t.deps.cache.stats();
      expect(metrics.body).toMatch(new RegExp(`^tollgate_cache_hits_total\\{[^}]*\\} ${now.hits}$`, 'm'));
      expect(metrics.body).toMatch(new RegExp(`^tollgate_cache_misses_total\\{[^}]*\\} ${now.misses}$`, 'm'));
      expect(metrics.body).toMatch(/^tollgate_cache_near_entries\{[^}]*\} \d+$/m);
      expect(metrics.body).toMatch(/^# TYPE tollgate_cache_hits_total counter$/m);
    });
  });
}
