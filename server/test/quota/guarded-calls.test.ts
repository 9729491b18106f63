import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestApp, TEST_ADMIN_TOKEN, type Backend, type TestApp } from '../../src/test-support/test-app.js';
import { manualClock, T0 } from '../../src/counters/counter-store.contract.js';
import type { CreatedKey, KeyList, KeyRecord, Usage, ValidateOutput } from '@tollgate/shared';
import { batchMutation, createKey, mutation, query, VALID_CALL } from './inject-helpers.js';

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await TestRedisServer.start();
});
afterAll(async () => {
  await redis?.destroy();
});

describe.each<Backend>(['memory', 'redis'])('guarded procedures on the %s backend', (backend) => {
  let testApp: TestApp;
  const clock = manualClock(T0);

  async function start() {
    clock.set(T0);
    testApp = await createTestApp({
      backend,
      clock,
      ...(backend === 'redis'
        ? { redisUrl: redis.url, env: { REDIS_PREFIX: `g${Math.random().toString(36).slice(2, 8)}` } }
        : {}),
    });
    return testApp.app;
  }

  afterEach(async () => {
    await testApp?.close();
  });

  async function usageOf(apiKey: string): Promise<Usage> {
    const response = await query<Usage>(testApp.app, 'usage.get', undefined, apiKey);
    expect(response.status).toBe(200);
    return response.body.result.data;
  }

  it('validates a document and sends RateLimit headers', async () => {
    const app = await start();
    const key = await createKey(app, { rateLimit: { limit: 3, windowSec: 60 } });
    const response = await mutation<ValidateOutput>(
      app,
      'validation.validate',
      { schema: { type: 'object', properties: { n: { type: 'number' } } }, document: { n: 'x' } },
      key.apiKey,
    );
    expect(response.status).toBe(200);
    expect(response.body.result.data).toEqual({ valid: false, errors: [{ path: '/n', message: 'must be number' }] });
    expect(response.headers['ratelimit-limit']).toBe('3');
    expect(response.headers['ratelimit-remaining']).toBe('2');
    expect(response.headers['ratelimit-reset']).toBe('0');
  });

  it('answers 429 over the limit with Retry-After, headers and error.data.quota', async () => {
    const app = await start();
    const key = await createKey(app, { rateLimit: { limit: 2, windowSec: 60 } });
    await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    clock.advance(5_000);
    const last = await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    expect(last.status).toBe(200);
    const freeAt = T0 + 1_200 + 60_000 - 1; // the first call's bucket leaves the window
    expect(last.headers['ratelimit-remaining']).toBe('0');
    expect(last.headers['ratelimit-reset']).toBe(String(Math.ceil((freeAt - clock()) / 1000)));
    clock.advance(300);
    const refused = await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    expect(refused.status).toBe(429);
    expect(refused.body.error.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      quota: { kind: 'rate', limit: 2, remaining: 0, resetAt: freeAt, retryAfterMs: freeAt - clock() },
    });
    expect(refused.headers['retry-after']).toBe(String(Math.ceil((freeAt - clock()) / 1000)));
    expect(refused.headers['ratelimit-limit']).toBe('2');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-reset']).toBe(String(Math.ceil((freeAt - clock()) / 1000)));
    expect(await usageOf(key.apiKey)).toMatchObject({
      rate: { limit: 2, remaining: 0, resetAt: freeAt, windowSec: 60 },
    });
    clock.set(freeAt);
    expect((await mutation(app, 'validation.validate', VALID_CALL, key.apiKey)).status).toBe(200);
  });

  it('consumes nothing for 400s (zod input, invalid JSON Schema, remote $ref, too deep) or 429s', async () => {
    const app = await start();
    const key = await createKey(app, { rateLimit: { limit: 2, windowSec: 60 } });
    let deep: unknown = 0;
    for (let i = 0; i < 300; i++) deep = [deep];
    const bad = [
      { schema: { type: 'object' } },
      { schema: { type: 'not-a-type' }, document: 1 },
      { schema: { $ref: 'https://example.com/schema.json' }, document: 1 },
      { schema: { type: 'array' }, document: deep },
      { schema: deep, document: 1 },
      'not an object',
    ];
    for (const input of bad) {
      const response = await mutation(app, 'validation.validate', input, key.apiKey);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.data.code).toBe('BAD_REQUEST');
      expect(response.body.error.data.issues?.length).toBeGreaterThan(0);
    }
    const invalidSchema = await mutation(app, 'validation.validate', bad[1], key.apiKey);
    expect(invalidSchema.body.error.data.issues?.[0]).toMatchObject({ path: 'schema.type' });
    expect(await usageOf(key.apiKey)).toMatchObject({ rate: { remaining: 2 } });
    await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    for (let i = 0; i < 5; i++)
      expect((await mutation(app, 'validation.validate', VALID_CALL, key.apiKey)).status).toBe(429);
    const usage = await usageOf(key.apiKey);
    expect(usage).toMatchObject({ rate: { remaining: 0 }, quota: { used: 0 } });
    // Once the window has slid by, both slots come back: the 429s took none.
    clock.set(usage.rate.resetAt);
    expect((await usageOf(key.apiKey)).rate.remaining).toBe(2);
  });

  it('counts jobs.submit against the daily quota, refusing with kind daily until UTC midnight', async () => {
    const app = await start();
    const key = await createKey(app, { rateLimit: { limit: 100, windowSec: 60 }, dailyJobQuota: 2 });
    const job = { schema: { type: 'number' }, documents: [1, 'x'] };
    expect((await mutation(app, 'jobs.submit', job, key.apiKey)).status).toBe(200);
    expect((await mutation(app, 'jobs.submit', job, key.apiKey)).status).toBe(200);
    const midnight = Date.UTC(2030, 0, 16);
    clock.set(midnight - 90_500);
    const refused = await mutation(app, 'jobs.submit', job, key.apiKey);
    expect(refused.status).toBe(429);
    expect(refused.body.error.data.quota).toEqual({
      kind: 'daily',
      limit: 2,
      remaining: 0,
      resetAt: midnight,
      retryAfterMs: 90_500,
    });
    expect(refused.headers['retry-after']).toBe('91');
    expect(refused.headers['ratelimit-remaining']).toBe('100'); // the window holding the two jobs has passed
    // An invalid schema is a 400 before the quota is looked at.
    const invalid = await mutation(app, 'jobs.submit', { schema: { type: 1 }, documents: [] }, key.apiKey);
    expect(invalid.status).toBe(400);
    expect((await mutation(app, 'validation.validate', VALID_CALL, key.apiKey)).status).toBe(200);
    expect(await usageOf(key.apiKey)).toMatchObject({
      rate: { remaining: 99 },
      quota: { limit: 2, used: 2, remaining: 0, resetAt: midnight },
    });
    clock.set(midnight);
    expect((await mutation(app, 'jobs.submit', job, key.apiKey)).status).toBe(200);
    expect((await usageOf(key.apiKey)).quota).toEqual({
      limit: 2,
      used: 1,
      remaining: 1,
      resetAt: midnight + 86_400_000,
    });
  });

  it('refuses missing, unknown and revoked keys with 401, consuming nothing', async () => {
    const app = await start();
    const key = await createKey(app);
    expect((await mutation(app, 'validation.validate', VALID_CALL)).status).toBe(401);
    expect((await mutation(app, 'validation.validate', VALID_CALL, 'tg_' + 'A'.repeat(32))).status).toBe(401);
    expect((await mutation(app, 'validation.validate', VALID_CALL, 'not-a-key')).status).toBe(401);
    expect((await query(app, 'usage.get', undefined, 'tg_' + 'B'.repeat(32))).status).toBe(401);
    const revoked = await mutation<KeyRecord>(app, 'admin.keys.revoke', { id: key.id }, TEST_ADMIN_TOKEN);
    expect(revoked.body.result.data).toMatchObject({ id: key.id, revokedAt: T0 });
    const refused = await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe('API key revoked');
    expect((await query(app, 'usage.get', undefined, key.apiKey)).status).toBe(401);
  });

  it('gives a batch the most restrictive headers, with a 207 when some calls are refused', async () => {
    const app = await start();
    const key = await createKey(app, { rateLimit: { limit: 3, windowSec: 60 } });
    const response = await batchMutation(
      app,
      'validation.validate',
      [VALID_CALL, VALID_CALL, VALID_CALL, VALID_CALL, VALID_CALL],
      key.apiKey,
    );
    expect(response.status).toBe(207);
    const outcomes = response.body.map((item) => (item.error === undefined ? 200 : item.error.data.httpStatus));
    expect(outcomes.filter((status) => status === 200)).toHaveLength(3);
    expect(outcomes.filter((status) => status === 429)).toHaveLength(2);
    expect(response.headers['ratelimit-remaining']).toBe('0');
    expect(response.headers['ratelimit-reset']).toBe('62'); // resetAt = T0 + 61 199
    expect(response.headers['retry-after']).toBe('62');
  });

  it('reports usage, and lets admins list, revoke and reset keys (NOT_FOUND for unknown ids)', async () => {
    const app = await start();
    const created = await mutation<CreatedKey>(app, 'admin.keys.create', { name: 'defaults' }, TEST_ADMIN_TOKEN);
    expect(created.status).toBe(200);
    const key = created.body.result.data;
    expect(key).toMatchObject({
      name: 'defaults',
      rateLimit: { limit: 60, windowSec: 60 },
      dailyJobQuota: 1000,
      createdAt: T0,
      revokedAt: null,
      usage: { rateUsed: 0, rateRemaining: 60, rateResetAt: T0, dailyUsed: 0, dailyRemaining: 1000 },
    });
    expect(key.apiKey).toMatch(/^tg_[A-Za-z0-9_-]{32}$/);
    await mutation(app, 'validation.validate', VALID_CALL, key.apiKey);
    expect(await usageOf(key.apiKey)).toEqual({
      key: { id: key.id, name: 'defaults' },
      rate: { limit: 60, remaining: 59, resetAt: T0, windowSec: 60 },
      quota: { limit: 1000, used: 0, remaining: 1000, resetAt: Date.UTC(2030, 0, 16) },
    });
    const list = await query<KeyList>(app, 'admin.keys.list', undefined, TEST_ADMIN_TOKEN);
    expect(list.body.result.data.items).toHaveLength(1);
    expect(list.body.result.data.items[0]).toMatchObject({ id: key.id, usage: { rateUsed: 1 } });
    expect(JSON.stringify(list.body)).not.toContain(key.apiKey);
    const reset = await mutation<KeyRecord>(app, 'admin.keys.resetUsage', { id: key.id }, TEST_ADMIN_TOKEN);
    expect(reset.body.result.data.usage).toMatchObject({ rateUsed: 0, rateRemaining: 60 });
    for (const path of ['admin.keys.revoke', 'admin.keys.resetUsage']) {
      const missing = await mutation(app, path, { id: 'k_0000000000000000' }, TEST_ADMIN_TOKEN);
      expect(missing.status).toBe(404);
      expect(missing.body.error.data.code).toBe('NOT_FOUND');
    }
    expect((await mutation(app, 'admin.keys.create', { name: '' }, TEST_ADMIN_TOKEN)).status).toBe(400);
    expect((await mutation(app, 'admin.keys.create', { name: 'x' })).status).toBe(401);
    expect((await mutation(app, 'admin.keys.create', { name: 'x' }, 'wrong-token-0123456789')).status).toBe(403);
    expect((await mutation(app, 'admin.keys.create', { name: 'x' }, key.apiKey)).status).toBe(403);
  });
});
