import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildApp } from '../../src/app.js';
import { createLeanTRPCHandler } from '../../src/http/trpc-lean-handler.js';
import { trpcRoutes } from '../../src/http/trpc-plugin.js';
import { manualClock, T0 } from '../../src/counters/counter-store.contract.js';
import type { Deps } from '../../src/deps.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestDeps, TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';
import { cacheGroup } from '../../src/trpc/cache-key.js';
import { createContext } from '../../src/trpc/context.js';
import { writeThrough } from '../../src/trpc/middleware/cache.js';
import { defineQueryCache } from '../../src/trpc/query-cache.js';
import {
  adminProcedure,
  cachedProcedure,
  evictingProcedure,
  guardedCachedProcedure,
  guardedProcedure,
  keyProcedure,
  publicProcedure,
  router,
} from '../../src/trpc/trpc.js';
import { createKey } from '../quota/inject-helpers.js';
import { BACKENDS, cachingOf, get } from './helpers.js';

/**
 * The declaration builders on a router of their own, served by the lean handler: a guarded cached
 * GET query (the guard runs before the cache), write-through, evictions of one entry, public
 * scope, and what the types refuse.
 */

const itemInput = z.object({ id: z.string() });
const item = z.object({ id: z.string(), version: z.number().int() });

const itemCache = defineQueryCache({
  path: 'items.get',
  input: itemInput,
  output: item,
  scope: 'private',
  ttlSec: 120,
  group: (input) => cacheGroup('item', input.id),
});
const catalogCache = defineQueryCache({
  path: 'items.catalog',
  input: itemInput,
  output: item,
  scope: 'public',
  ttlSec: 30,
});
const misplacedCache = defineQueryCache({ ...catalogCache, path: 'items.elsewhere' });

const versions = new Map<string, number>();
let runs = 0;
const read = (id: string) => {
  runs++;
  return { id, version: versions.get(id) ?? 0 };
};

const testRouter = router({
  items: router({
    get: guardedCachedProcedure(itemCache).query(({ input }) => read(input.id)),
    catalog: cachedProcedure(publicProcedure, catalogCache).query(({ input }) => read(input.id)),
    misplaced: cachedProcedure(publicProcedure, misplacedCache).query(({ input }) => read(input.id)),
    /** write-through: the caller's entry now holds the new version */
    put: guardedProcedure(item).mutation(async ({ ctx, input }) => {
      versions.set(input.id, input.version);
      await writeThrough(ctx, itemCache, { id: input.id }, input);
      return input;
    }),
    /** evicts the caller's own entry of one item */
    forget: evictingProcedure(keyProcedure, itemInput, (input, caller) => [itemCache.address(input, caller)]).mutation(
      ({ input }) => input.id,
    ),
    /** evicts every caller's entry of one item */
    forgetAll: evictingProcedure(adminProcedure, itemInput, (input) => [cacheGroup('item', input.id)]).mutation(
      ({ input }) => input.id,
    ),
  }),
});

// The types refuse a private cache on a procedure that knows no caller.
// @ts-expect-error a private declaration needs an API key or the admin in the context
cachedProcedure(publicProcedure, itemCache);
// … and a declaration's group and shouldCache see the declared input and output.
// @ts-expect-error `jobId` is not an input field
defineQueryCache({ path: 'x', input: itemInput, output: item, scope: 'public', group: (input) => input.jobId });
defineQueryCache({
  path: 'x',
  input: itemInput,
  output: item,
  scope: 'public',
  // @ts-expect-error `version` is a number
  shouldCache: (output) => output.version === '1',
});

for (const backend of BACKENDS) {
  describe(`cache declarations on a router of their own (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let deps: Deps;
    let app: FastifyInstance;
    let alice: string;
    let bob: string;
    let newKey: () => Promise<string>;
    const clock = manualClock(T0);

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      deps = await createTestDeps({ backend, clock, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
      app = Fastify();
      const lean = createLeanTRPCHandler({
        router: testRouter,
        createContext: (req, res) => createContext(deps, req, res),
      });
      const trpcOptions = { router: testRouter, createContext: () => ({}) as never };
      await app.register(trpcRoutes<typeof testRouter>, { prefix: '/trpc', trpcOptions, lean });
      // keys are created through the real app's procedure, on the same deps
      const keysApp = await buildApp(deps, { serveConsole: false });
      apps.push(keysApp);
      newKey = async () => (await createKey(keysApp, { rateLimit: { limit: 1000, windowSec: 60 } })).apiKey;
      alice = (await createKey(keysApp, { rateLimit: { limit: 4, windowSec: 60 } })).apiKey;
      bob = await newKey();
    });

    const apps: FastifyInstance[] = [];
    afterAll(async () => {
      await app?.close();
      await Promise.all(apps.map((other) => other.close()));
      await deps?.close();
      await redis?.destroy();
    });

    beforeEach(() => {
      runs = 0;
    });

    const post = (path: string, input: unknown, token: string) =>
      app.inject({
        method: 'POST',
        url: `/trpc/${path}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        payload: JSON.stringify(input),
      });

    it('a guarded cached query counts every call, hits and 304s included, and is refused at the limit', async () => {
      const miss = await get(app, [['items.get', { id: 'a' }]], alice);
      expect(cachingOf(miss)).toMatchObject({ status: 200, xCache: 'MISS', cacheControl: 'private, max-age=120' });
      expect(miss.headers['ratelimit-remaining']).toBe('3');
      const hit = await get(app, [['items.get', { id: 'a' }]], alice);
      expect(cachingOf(hit)).toMatchObject({ status: 200, xCache: 'HIT' });
      expect(hit.headers['ratelimit-remaining']).toBe('2');
      const notModified = await get(app, [['items.get', { id: 'a' }]], alice, {
        'if-none-match': String(miss.headers.etag),
      });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.body).toBe('');
      expect(notModified.headers['ratelimit-limit']).toBe('4');
      expect(notModified.headers['ratelimit-remaining']).toBe('1');
      expect(notModified.headers['ratelimit-reset']).toBeDefined();
      expect((await get(app, [['items.get', { id: 'a' }]], alice)).headers['x-cache']).toBe('HIT');
      expect(runs).toBe(1);

      // the entry is there, but the caller is out of rate slots: 429 before the cache is read
      const refused = await get(app, [['items.get', { id: 'a' }]], alice, {
        'if-none-match': String(miss.headers.etag),
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(cachingOf(refused)).toMatchObject({ xCache: undefined, etag: undefined, cacheControl: undefined });
      expect(runs).toBe(1);
      const hitsBefore = deps.cache.stats().hits;
      expect((await get(app, [['items.get', { id: 'a' }]], alice)).statusCode).toBe(429);
      expect(deps.cache.stats().hits).toBe(hitsBefore);
    });

    it('write-through makes the next read a HIT with the new value', async () => {
      expect(cachingOf(await get(app, [['items.get', { id: 'w' }]], bob)).xCache).toBe('MISS');
      expect((await post('items.put', { id: 'w', version: 7 }, bob)).statusCode).toBe(200);
      const next = await get(app, [['items.get', { id: 'w' }]], bob);
      expect(cachingOf(next)).toMatchObject({ status: 200, xCache: 'HIT' });
      expect(next.json()).toEqual({ result: { data: { id: 'w', version: 7 } } });
      expect(runs).toBe(1);
    });

    it("evicts one caller's entry, or every caller's through the group", async () => {
      const [carol, dave] = [await newKey(), await newKey()];
      const xCacheOf = async (token: string) => cachingOf(await get(app, [['items.get', { id: 'e' }]], token)).xCache;
      expect([await xCacheOf(carol), await xCacheOf(carol), await xCacheOf(dave)]).toEqual(['MISS', 'HIT', 'MISS']);
      expect((await post('items.forget', { id: 'e' }, carol)).statusCode).toBe(200);
      expect([await xCacheOf(carol), await xCacheOf(dave)]).toEqual(['MISS', 'HIT']);
      expect((await post('items.forgetAll', { id: 'e' }, TEST_ADMIN_TOKEN)).statusCode).toBe(200);
      expect([await xCacheOf(carol), await xCacheOf(dave)]).toEqual(['MISS', 'MISS']);
      expect(runs).toBe(5);
    });

    it('shares a public answer between callers (and anonymous ones) with Cache-Control: public', async () => {
      const first = await get(app, [['items.catalog', { id: 'p' }]], bob);
      expect(cachingOf(first)).toMatchObject({ status: 200, xCache: 'MISS', cacheControl: 'public, max-age=30' });
      expect(first.headers.vary).toBe('trpc-accept, accept');
      const anonymous = await app.inject({
        method: 'GET',
        url: `/trpc/items.catalog?input=${encodeURIComponent('{"id":"p"}')}`,
      });
      expect(cachingOf(anonymous)).toMatchObject({ status: 200, xCache: 'HIT', etag: first.headers.etag });
      // a batch of a public and a private answer is private
      const mixed = await get(
        app,
        [
          ['items.catalog', { id: 'p' }],
          ['items.get', { id: 'w' }],
        ],
        bob,
      );
      expect(cachingOf(mixed)).toMatchObject({ status: 200, xCache: 'HIT', cacheControl: 'private, max-age=30' });
      expect(runs).toBe(1);
    });

    it('a declaration mounted at another path than it names fails loudly (500), never caching under a wrong key', async () => {
      const response = await get(app, [['items.misplaced', { id: 'm' }]], bob);
      expect(response.statusCode).toBe(500);
      expect(runs).toBe(0);
    });
  });
}
