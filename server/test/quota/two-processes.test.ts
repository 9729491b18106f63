import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTollgateClient } from '../../src/client/index.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess } from '../../src/test-support/server-process.js';

const ADMIN_TOKEN = 'two-processes-admin-token-01';

/** One guarded call over plain HTTP: its status and rate-limit headers. */
async function validate(url: string, apiKey: string) {
  const response = await fetch(`${url}/trpc/validation.validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ schema: { type: 'integer' }, document: 7 }),
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

describe('rate limits across two server processes on one Redis', () => {
  let redis: TestRedisServer;
  let servers: TollgateProcess[];

  beforeAll(async () => {
    redis = await TestRedisServer.start({ password: 'two-processes-secret' });
    servers = await Promise.all(
      [0, 1].map(() =>
        TollgateProcess.start({ env: { REDIS_URL: redis.url, ADMIN_TOKEN, RUN_WORKER: 'false' } }).then((p) =>
          p.ready(),
        ),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.destroy()));
    await redis.destroy();
  });

  it('a concurrent burst of limit + k calls spread over both admits exactly limit, for several keys at once', async () => {
    const admin = createTollgateClient({ url: servers[0]!.url, adminToken: ADMIN_TOKEN });
    const limit = 25;
    const extra = 15;
    const keys = await Promise.all(
      [1, 2, 3].map((n) => admin.admin.keys.create.mutate({ name: `burst-${n}`, rateLimit: { limit, windowSec: 60 } })),
    );
    const calls = keys.flatMap((key) =>
      Array.from({ length: limit + extra }, (_, i) =>
        validate(servers[i % 2]!.url, key.apiKey).then((r) => ({ key, ...r })),
      ),
    );
    const results = await Promise.all(calls);
    for (const key of keys) {
      const mine = results.filter((result) => result.key.id === key.id);
      expect(mine.filter((result) => result.status === 200)).toHaveLength(limit);
      const refused = mine.filter((result) => result.status === 429);
      expect(refused).toHaveLength(extra);
      for (const result of refused) expect(Number(result.retryAfter)).toBeGreaterThan(0);
    }
    // both processes agree on what is left
    const usage = await Promise.all(
      servers.map((server) => createTollgateClient({ url: server.url, apiKey: keys[0]!.apiKey }).usage.get.query()),
    );
    expect(usage.map((u) => u.rate.remaining)).toEqual([0, 0]);
  });

  it('a key revoked through one process is refused by the other at once', async () => {
    const admin = createTollgateClient({ url: servers[0]!.url, adminToken: ADMIN_TOKEN });
    const key = await admin.admin.keys.create.mutate({ name: 'revoke-me', rateLimit: { limit: 100, windowSec: 60 } });
    expect((await validate(servers[1]!.url, key.apiKey)).status).toBe(200);
    await admin.admin.keys.revoke.mutate({ id: key.id });
    expect((await validate(servers[1]!.url, key.apiKey)).status).toBe(401);
  });
});
