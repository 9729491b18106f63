import { TRPCClientError } from '@trpc/client';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../src/test-support/test-app.js';
import { createTollgateClient, type AppRouter, type TollgateClient } from '../../src/client/index.js';
import { VALID_CALL, type TrpcEnvelope } from './inject-helpers.js';

/**
 * Two app instances (separate Deps and connections, Redis TIME as the clock) listening on real
 * ports, sharing one Redis with AOF, driven over HTTP and through the typed client.
 */
let redis: TestRedisServer;
const instances: TestApp[] = [];
const urls: string[] = [];
let admin: TollgateClient;

beforeAll(async () => {
  redis = await TestRedisServer.start({ appendOnly: true });
  for (let i = 0; i < 2; i++) {
    const instance = await createTestApp({ backend: 'redis', redisUrl: redis.url, env: { REDIS_PREFIX: 'dist' } });
    instances.push(instance);
    urls.push(await instance.app.listen({ port: 0, host: '127.0.0.1' }));
  }
  admin = createTollgateClient({ url: urls[0]!, adminToken: TEST_ADMIN_TOKEN });
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await redis?.destroy();
});

interface RawResponse {
  status: number;
  headers: Headers;
  body: TrpcEnvelope;
  ms: number;
}

/** One unbatched POST to a guarded procedure on instance `index`. */
async function validateOn(index: number, apiKey: string, input: unknown = VALID_CALL): Promise<RawResponse> {
  const started = performance.now();
  const response = await fetch(`${urls[index]}/trpc/validation.validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as TrpcEnvelope;
  return { status: response.status, headers: response.headers, body, ms: performance.now() - started };
}

async function newKey(limit: number, dailyJobQuota = 100) {
  return admin.admin.keys.create.mutate({ name: `burst-${limit}`, rateLimit: { limit, windowSec: 60 }, dailyJobQuota });
}

function histogram(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** A fetch that remembers the headers of every response (the typed client does not expose them). */
function recordingFetch(seen: Headers[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    seen.push(response.headers);
    return response;
  };
}

describe('quotas across two instances sharing Redis', () => {
  it('admits exactly `limit` of a concurrent burst spread over both instances; the rest get 429 with Retry-After', async () => {
    const key = await newKey(20);
    const responses = await Promise.all(Array.from({ length: 32 }, (_, i) => validateOn(i % 2, key.apiKey)));
    expect(histogram(responses.map((r) => r.status))).toEqual({ 200: 20, 429: 12 });
    const refused = responses.filter((r) => r.status === 429);
    for (const response of responses) {
      expect(response.headers.get('ratelimit-limit')).toBe('20');
      expect(response.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    }
    for (const response of refused) {
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(59);
      expect(retryAfter).toBeLessThanOrEqual(62);
      expect(response.headers.get('ratelimit-remaining')).toBe('0');
      expect(response.headers.get('ratelimit-reset')).toBe(String(retryAfter));
      expect(response.body.error.data.quota).toMatchObject({ kind: 'rate', limit: 20, remaining: 0 });
      expect(Math.ceil((response.body.error.data.quota?.retryAfterMs ?? 0) / 1000)).toBe(retryAfter);
    }
  });

  it('stays exact with several keys bursting at once', async () => {
    const limits = [3, 7, 12, 25];
    const keys = await Promise.all(limits.map((limit) => newKey(limit)));
    const calls = keys.flatMap((key, k) =>
      Array.from({ length: limits[k]! + 5 }, (_, i) => ({ key: k, index: (i + k) % 2, apiKey: key.apiKey })),
    );
    const responses = await Promise.all(
      calls.map(async (call) => ({ key: call.key, response: await validateOn(call.index, call.apiKey) })),
    );
    const byKey = limits.map((_, k) => histogram(responses.filter((r) => r.key === k).map((r) => r.response.status)));
    expect(byKey).toEqual(limits.map((limit) => ({ 200: limit, 429: 5 })));
  });

  it('works through the typed client on both instances: batched calls, typed quota errors, headers', async () => {
    const key = await newKey(10);
    const seen: Headers[] = [];
    const clients = urls.map((url) => createTollgateClient({ url, apiKey: key.apiKey, fetch: recordingFetch(seen) }));
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        clients[i % 2]!.validation.validate.mutate({ schema: { type: 'number' }, document: i }),
      ),
    );
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled).toHaveLength(10);
    expect(fulfilled[0]).toMatchObject({ value: { valid: true, errors: [] } });
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(rejected).toHaveLength(6);
    for (const reason of rejected) {
      expect(reason).toBeInstanceOf(TRPCClientError);
      const data = (reason as TRPCClientError<AppRouter>).data;
      expect(data?.code).toBe('TOO_MANY_REQUESTS');
      expect(data?.quota).toMatchObject({ kind: 'rate', limit: 10, remaining: 0 });
    }
    // Each client sent one batch; each batch response carries the most restrictive values.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((headers) => headers.get('ratelimit-limit') === '10')).toBe(true);
    expect(
      seen.some((headers) => headers.get('ratelimit-remaining') === '0' && headers.get('retry-after') !== null),
    ).toBe(true);
    const usage = await clients[1]!.usage.get.query();
    expect(usage).toMatchObject({ key: { id: key.id }, rate: { limit: 10, remaining: 0, windowSec: 60 } });
    expect(usage.rate.resetAt).toBeGreaterThan(Date.now() + 55_000);
  });

  it('leaves usage unchanged after malformed input and 429s', async () => {
    const key = await newKey(2);
    const client = createTollgateClient({ url: urls[1]!, apiKey: key.apiKey });
    for (const input of [
      { schema: { type: 'nope' }, document: 1 },
      { schema: {} },
      { schema: { $ref: 'http://evil/x' }, document: 1 },
    ]) {
      expect((await validateOn(0, key.apiKey, input)).status).toBe(400);
    }
    expect((await client.usage.get.query()).rate.remaining).toBe(2);
    expect((await validateOn(0, key.apiKey)).status).toBe(200);
    expect((await validateOn(1, key.apiKey)).status).toBe(200);
    const before = await client.usage.get.query();
    for (let i = 0; i < 4; i++) expect((await validateOn(i % 2, key.apiKey)).status).toBe(429);
    const after = await client.usage.get.query();
    expect(after.rate).toEqual(before.rate);
    expect(after.quota).toEqual(before.quota);
  });

  it('revoking on one instance rejects the key on the other at once', async () => {
    const key = await newKey(100);
    expect((await validateOn(1, key.apiKey)).status).toBe(200);
    const adminOnOther = createTollgateClient({ url: urls[1]!, adminToken: TEST_ADMIN_TOKEN });
    const revoked = await admin.admin.keys.revoke.mutate({ id: key.id });
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await validateOn(1, key.apiKey);
    expect(refused.status).toBe(401);
    expect(refused.body.error.data.code).toBe('UNAUTHORIZED');
    const listed = await adminOnOther.admin.keys.list.query();
    expect(listed.items.find((item) => item.id === key.id)?.revokedAt).toBe(revoked.revokedAt);
  });

  /** The names of the commands instance `n` sends to Redis while `work` runs. */
  async function commandsSentBy(n: number, work: () => Promise<void>): Promise<string[]> {
    const connection = instances[n]!.deps.redis as Redis; // one Redis, not a cluster
    const sent: string[] = [];
    const sendCommand = connection.sendCommand.bind(connection);
    connection.sendCommand = (command, stream) => {
      sent.push(command.name);
      return sendCommand(command, stream);
    };
    try {
      await work();
    } finally {
      connection.sendCommand = sendCommand;
    }
    return sent;
  }

  it('costs one Redis round trip (one EVALSHA) per guarded call', async () => {
    const key = await newKey(1000);
    await validateOn(0, key.apiKey);
    const evalsha = async () => {
      const info = await instances[0]!.deps.redis!.info('commandstats');
      return Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0);
    };
    const before = await evalsha();
    const sent = await commandsSentBy(0, async () => {
      for (let i = 0; i < 40; i++) expect((await validateOn(i % 2, key.apiKey)).status).toBe(200);
    });
    expect((await evalsha()) - before).toBe(40);
    // the half of the calls that instance 0 served: nothing but the script
    expect(sent).toEqual(Array.from({ length: 20 }, () => 'evalsha'));
  });

  it('reads usage.get in one round trip, authentication included', async () => {
    const key = await newKey(1000);
    const client = createTollgateClient({ url: urls[0]!, apiKey: key.apiKey });
    await client.usage.get.query();
    const sent = await commandsSentBy(0, async () => {
      for (let i = 0; i < 10; i++) expect((await client.usage.get.query()).key.id).toBe(key.id);
    });
    expect(sent).toEqual(Array.from({ length: 10 }, () => 'evalsha'));
  });

  it('fails closed with 503 within 1 s while Redis is hung or dead, and recovers by itself', async () => {
    const key = await newKey(1000);
    const client = createTollgateClient({ url: urls[0]!, apiKey: key.apiKey });
    expect((await validateOn(0, key.apiKey)).status).toBe(200);

    redis.pause();
    try {
      const hung = await Promise.all([validateOn(0, key.apiKey), validateOn(1, key.apiKey)]);
      for (const response of hung) {
        expect(response.status).toBe(503);
        expect(response.body.error.data.code).toBe('SERVICE_UNAVAILABLE');
        expect(response.ms).toBeLessThan(1000);
      }
      await expect(client.usage.get.query()).rejects.toMatchObject({ data: { code: 'SERVICE_UNAVAILABLE' } });
    } finally {
      redis.resume();
    }
    await expect.poll(async () => (await validateOn(0, key.apiKey)).status, { timeout: 5000 }).toBe(200);

    await redis.kill();
    const dead = await Promise.all([validateOn(0, key.apiKey), validateOn(1, key.apiKey)]);
    for (const response of dead) {
      expect(response.status).toBe(503);
      expect(response.ms).toBeLessThan(1000);
    }
    await redis.restart(); // AOF (appendfsync always): the key survived
    for (const index of [0, 1]) {
      await expect
        .poll(async () => (await validateOn(index, key.apiKey)).status, { timeout: 5000, interval: 100 })
        .toBe(200);
    }
    expect((await client.usage.get.query()).rate.limit).toBe(1000);
  });
});
