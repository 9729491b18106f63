import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTollgateClient, type TollgateClient } from '../../src/client/index.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess } from '../../src/test-support/server-process.js';
import { statusOf, waitFor } from './helpers.js';

const ADMIN_TOKEN = 'jobs-outage-admin-token-0123';
const input = { schema: { type: 'integer' }, documents: [1, 'two'] };

/** Status and duration of one submission. */
async function timedSubmit(client: TollgateClient): Promise<{ status: number | null; ms: number }> {
  const started = Date.now();
  const status = await statusOf(client.jobs.submit.mutate(input));
  return { status, ms: Date.now() - started };
}

describe('jobs.submit while Redis is down (built server, real Redis)', () => {
  let redis: TestRedisServer;
  let server: TollgateProcess;
  let client: TollgateClient;

  beforeAll(async () => {
    // AOF: the API key survives the kill -9 below.
    redis = await TestRedisServer.start({ appendOnly: true });
    server = await TollgateProcess.start({ env: { REDIS_URL: redis.url, ADMIN_TOKEN, RUN_WORKER: 'false' } });
    await server.ready();
    const admin = createTollgateClient({ url: server.url, adminToken: ADMIN_TOKEN });
    const { apiKey } = await admin.admin.keys.create.mutate({
      name: 'outage',
      rateLimit: { limit: 1000, windowSec: 60 },
    });
    client = createTollgateClient({ url: server.url, apiKey });
  });

  afterAll(async () => {
    await server.destroy();
    await redis.destroy();
  });

  it('answers 503 within 1 s while Redis is hung (SIGSTOP), and accepts again once it answers', async () => {
    expect((await timedSubmit(client)).status).toBeNull();
    redis.pause();
    try {
      for (let i = 0; i < 3; i++) {
        const { status, ms } = await timedSubmit(client);
        expect(status).toBe(503);
        expect(ms).toBeLessThan(1000);
      }
    } finally {
      redis.resume();
    }
    await waitFor(
      async () => (await timedSubmit(client)).status,
      (status) => status === null,
      10_000,
      'accepting again',
    );
  });

  it('answers 503 within 1 s while Redis is dead, and accepts again after it restarts', async () => {
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const { status, ms } = await timedSubmit(client);
      expect(status).toBe(503);
      expect(ms).toBeLessThan(1000);
    }
    await redis.restart();
    await waitFor(
      async () => (await timedSubmit(client)).status,
      (status) => status === null,
      10_000,
      'accepting again',
    );
  });
});
