import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createKey, mutation, VALID_CALL } from '../quota/inject-helpers.js';
import { BACKENDS, startCacheApp, type CacheTestApp } from './helpers.js';

/**
 * `validation.validate` cached by content (a mutation over POST: server-side only, no HTTP
 * caching headers). The guard runs before the cache: every call, hit or not, takes a rate slot.
 */

/** A schema with a reference: validated on a worker thread, so worth caching. */
const SCHEMA = {
  $defs: { count: { type: 'integer', minimum: 0 } },
  type: 'object',
  properties: { n: { $ref: '#/$defs/count' }, tag: { type: 'string' } },
  required: ['n'],
};
const PAIR = { schema: SCHEMA, document: { n: -1, tag: 7 } };
/** The same pair with every object's keys in another order. */
const REORDERED = {
  document: { tag: 7, n: -1 },
  schema: {
    required: ['n'],
    properties: { tag: { type: 'string' }, n: { $ref: '#/$defs/count' } },
    type: 'object',
    $defs: { count: { minimum: 0, type: 'integer' } },
  },
};

for (const backend of BACKENDS) {
  describe(`validation.validate cache (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let t: CacheTestApp;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      t = await startCacheApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
    });

    afterAll(async () => {
      await t?.close();
      await redis?.destroy();
    });

    it('validates a repeated (schema, document) pair once, for every key, in any key order; hits are rate limited', async () => {
      const runs = vi.spyOn(t.deps.validation, 'validate');
      const tight = (await createKey(t.app, { rateLimit: { limit: 3, windowSec: 60 } })).apiKey;
      const other = await t.newKey();

      const first = await mutation(t.app, 'validation.validate', PAIR, tight);
      expect(first.status).toBe(200);
      const answer = first.body.result.data as { valid: boolean; errors: unknown[] };
      expect(answer.valid).toBe(false);
      expect(answer.errors).toHaveLength(2);
      expect(first.headers['x-cache']).toBeUndefined();
      expect(first.headers['cache-control']).toBeUndefined();
      expect(first.headers.etag).toBeUndefined();
      expect(first.headers['ratelimit-remaining']).toBe('2');

      const again = await mutation(t.app, 'validation.validate', REORDERED, tight);
      expect(again.status).toBe(200);
      expect(again.body.result.data).toEqual(answer);
      expect(again.headers['ratelimit-remaining']).toBe('1');
      // public scope: the answer depends on the content alone, so another key hits it too…
      const elsewhere = await mutation(t.app, 'validation.validate', PAIR, other);
      expect(elsewhere.body.result.data).toEqual(answer);
      // … and pays its own rate slot for it
      expect(elsewhere.headers['ratelimit-remaining']).toBe('99999');
      expect(runs).toHaveBeenCalledTimes(1);

      expect((await mutation(t.app, 'validation.validate', PAIR, tight)).status).toBe(200);
      const refused = await mutation(t.app, 'validation.validate', PAIR, tight);
      expect(refused.status).toBe(429);
      expect(refused.body.error.data.quota).toMatchObject({ kind: 'rate', limit: 3, remaining: 0 });
      expect(refused.headers['retry-after']).toBeDefined();
      expect(runs).toHaveBeenCalledTimes(1);
      runs.mockRestore();
    });

    it('does not cache what validates inline in microseconds, nor refusals', async () => {
      const apiKey = await t.newKey();
      const runs = vi.spyOn(t.deps.validation, 'validate');
      const before = t.deps.cache.stats();
      for (let i = 0; i < 3; i++)
        expect((await mutation(t.app, 'validation.validate', VALID_CALL, apiKey)).status).toBe(200);
      expect(runs).toHaveBeenCalledTimes(3);
      const badSchema = { schema: { type: 'nope', $defs: { a: {} }, $ref: '#/$defs/a' }, document: 1 };
      for (let i = 0; i < 2; i++)
        expect((await mutation(t.app, 'validation.validate', badSchema, apiKey)).status).toBe(400);
      const after = t.deps.cache.stats();
      expect({ hits: after.hits, misses: after.misses, sets: after.sets }).toEqual({
        hits: before.hits,
        misses: before.misses,
        sets: before.sets,
      });
      runs.mockRestore();
    });
  });
}
