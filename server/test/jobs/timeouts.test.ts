import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';
import { startListeningApp, trpcMutation, trpcQuery, type ListeningApp } from './helpers.js';

interface HealthBody {
  redis: { status: string };
}

/**
 * CONTRACT §9: a timed-out command is reported as a timeout, not as "Redis is unavailable",
 * unless Redis really does not answer. Both are 503 SERVICE_UNAVAILABLE within 1 s (fail closed).
 */
describe('a request that timed out vs a Redis that is down (real Redis, HTTP)', () => {
  let redis: TestRedisServer;
  let app: ListeningApp;
  let apiKey: string;
  let jobId: string;

  const adminGet = () => trpcQuery(app.url, 'admin.jobs.get', { id: jobId }, TEST_ADMIN_TOKEN);
  const health = async () => (await (await fetch(`${app.url}/health`)).json()) as HealthBody;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    app = await startListeningApp({ backend: 'redis', redisUrl: redis.url });
    ({ apiKey } = await app.admin.admin.keys.create.mutate({
      name: 'timeouts',
      rateLimit: { limit: 1000, windowSec: 60 },
    }));
    const submitted = await trpcMutation(
      app.url,
      'jobs.submit',
      JSON.stringify({ schema: { type: 'integer' }, documents: [1, 'two'] }),
      apiKey,
    );
    jobId = (submitted.body.result?.data as { jobId: string }).jobId;
    expect((await adminGet()).status).toBe(200);
  });

  afterAll(async () => {
    redis.resume();
    await app.close();
    await redis.destroy();
  });

  it('says Redis is unavailable when it does not answer at all (SIGSTOP)', async () => {
    redis.pause();
    try {
      const [read, submit] = await Promise.all([
        adminGet(),
        trpcMutation(app.url, 'jobs.submit', JSON.stringify({ schema: {}, documents: [1] }), apiKey),
      ]);
      for (const response of [read, submit]) {
        expect(response.status).toBe(503);
        expect(response.body.error?.data.code).toBe('SERVICE_UNAVAILABLE');
        expect(response.body.error?.message).toBe('Redis is unavailable; try again shortly');
        expect(response.ms).toBeLessThan(1000);
      }
      expect((await health()).redis.status).toBe('disconnected');
    } finally {
      redis.resume();
    }
    await expect.poll(async () => (await adminGet()).status, { timeout: 5000 }).toBe(200);
  });

  it('says the request timed out when Redis answers but not that command in time', async () => {
    // Writes and scripts wait (BullMQ's state lookup is a script); reads and PING are answered.
    const operator = new Redis(redis.url);
    await operator.call('CLIENT', 'PAUSE', '3000', 'WRITE');
    try {
      const response = await adminGet();
      expect(response.status).toBe(503);
      expect(response.body.error?.data.code).toBe('SERVICE_UNAVAILABLE');
      expect(response.body.error?.message).toBe('Redis did not answer job read within 750 ms; the request timed out');
      expect(response.ms).toBeLessThan(1000);
    } finally {
      await operator.call('CLIENT', 'UNPAUSE');
      operator.disconnect();
    }
    await expect.poll(async () => (await adminGet()).status, { timeout: 5000 }).toBe(200);
  });
});
