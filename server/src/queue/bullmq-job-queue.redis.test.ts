import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pino } from 'pino';
import type { RedisClient } from '../redis/redis-client.js';
import { isBackendUnavailable } from '../errors.js';
import { defineJobKind } from '../jobs/job-kind.js';
import { registerJobKinds } from '../jobs/registry.js';
import { closeQuietly } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { createBullmqJobQueue } from './bullmq-job-queue.js';
import type { JobQueue } from './job-queue.js';
import { openTestConnection } from '../test-support/test-connections.js';

const blocked = new Set<() => void>();

const kinds = registerJobKinds(
  defineJobKind({
    name: 'noop',
    input: z.object({ n: z.number() }),
    handler: ({ n }) => Promise.resolve({ total: n, valid: n, invalid: 0, results: [] }),
  }),
  defineJobKind({
    name: 'block',
    input: z.object({}),
    handler: () =>
      new Promise((resolve) => blocked.add(() => resolve({ total: 0, valid: 0, invalid: 0, results: [] }))),
  }),
);

async function settle<T>(operation: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await operation;
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe('BullMQ job queue on Redis: layout, retention, outages', () => {
  let server: TestRedisServer;
  let redis: RedisClient;
  let queue: JobQueue;

  beforeAll(async () => {
    server = await TestRedisServer.start();
    redis = await openTestConnection(server.url);
    queue = await createBullmqJobQueue({
      redis,
      redisUrl: server.url,
      connectTimeoutMs: 2000,
      prefix: 'tg',
      kinds,
      logger: pino({ level: 'silent' }),
      policy: { keepCompleted: { ageSec: 3600, count: 3 } },
      workerCloseTimeoutMs: 300,
    });
  });

  afterAll(async () => {
    for (const release of blocked) release();
    server.resume();
    await queue.close();
    await closeQuietly(redis);
    await server.destroy();
  });

  it('keeps every key under REDIS_PREFIX with the {queue} hash tag', async () => {
    await queue.add({ kind: 'noop', data: { n: 1 }, ownerKeyId: 'k_layout' });
    const keys = await redis.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith('tg:{queue}:jobs:')).toBe(true);
    await expect(queue.add({ kind: 'nope', data: {}, ownerKeyId: 'k_layout' })).rejects.toThrow(/Unknown job kind/);
    // Names of the queue's own keys are not job ids.
    for (const id of ['wait', 'meta', 'events', 'idx:all', 'idx:owner:k_layout', 'active', '']) {
      expect(await queue.get(id)).toBeNull();
      expect(await queue.retry(id)).toBeNull();
      expect(await queue.remove(id)).toBe(false);
    }
  });

  it('bounds finished jobs and skips index entries of removed ones', async () => {
    const worker = queue.startWorker(1);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++)
        ids.push((await queue.add({ kind: 'noop', data: { n: i }, ownerKeyId: 'k_keep' })).id);
      await expect.poll(async () => (await queue.counts()).completed, { timeout: 10_000 }).toBeLessThanOrEqual(3);
      await expect
        .poll(
          async () => {
            const counts = await queue.counts();
            return counts.waiting + counts.active + counts.delayed;
          },
          { timeout: 10_000 },
        )
        .toBe(0);
      const page = await queue.list({ ownerKeyId: 'k_keep', limit: 20 });
      // BullMQ keeps the 3 latest by finishing time; jobs that finish in the same millisecond are
      // ordered by id there, so which 3 is not always the last 3 added: list what still exists.
      const kept: string[] = [];
      for (const id of ids) if ((await queue.get(id)) !== null) kept.push(id);
      expect(kept).toHaveLength(3);
      expect(page.items.map((item) => item.id)).toEqual(kept.reverse());
      expect(page.nextCursor).toBeNull();
      // entries this young are kept even though their jobs are gone (a job is indexed just before
      // it is added); indexed-list.redis.test.ts shows old ones being dropped
      expect(await redis.zcard('tg:{queue}:jobs:idx:owner:k_keep')).toBe(6);
    } finally {
      await worker.close();
    }
  });

  it('lists owners from the index, and recovers those of jobs indexed without one', async () => {
    const job = await queue.add({ kind: 'noop', data: { n: 7 }, ownerKeyId: 'k_owned' });
    const owners = 'tg:{queue}:jobs:idx:owners';
    expect(await redis.hget(owners, job.id)).toBe('k_owned');
    await redis.hdel(owners, job.id); // as a job indexed before the owners hash existed
    const listed = await queue.list({ limit: 100 });
    expect(listed.items.find((item) => item.id === job.id)?.ownerKeyId).toBe('k_owned');
    expect(await redis.hget(owners, job.id)).toBe('k_owned');
    expect(await queue.remove(job.id)).toBe(true);
    expect(await redis.hget(owners, job.id)).toBeNull();
    expect(await redis.zscore('tg:{queue}:jobs:idx:owner:k_owned', job.id)).toBeNull();
  });

  it('fails fast (BackendUnavailable within 1 s) while Redis is hung, and recovers by itself', async () => {
    server.pause();
    try {
      const outcomes = await Promise.all([
        settle(queue.add({ kind: 'noop', data: { n: 1 }, ownerKeyId: 'k_hung' })),
        settle(queue.get('00000000-0000-4000-8000-000000000000')),
        settle(queue.list({ limit: 5 })),
        settle(queue.depth()),
      ]);
      for (const { ms, error } of outcomes) {
        expect(isBackendUnavailable(error)).toBe(true);
        expect(ms).toBeLessThan(1000);
      }
      const started = Date.now();
      expect(await queue.status()).toBe('disconnected');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      server.resume();
    }
    await expect.poll(() => queue.status(), { timeout: 5000 }).toBe('connected');
    expect((await queue.add({ kind: 'noop', data: { n: 2 }, ownerKeyId: 'k_hung' })).state).toBe('waiting');
  });

  it('keeps a watch open through an outage and still delivers the final state', async () => {
    const job = await queue.add({ kind: 'noop', data: { n: 3 }, ownerKeyId: 'k_watch' });
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const update of queue.watch(job.id, controller.signal)) seen.push(update.state);
    })();
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    server.pause();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.resume();
    const worker = queue.startWorker(1);
    try {
      await watching;
      expect(seen[0]).toBe('waiting');
      expect(seen.at(-1)).toBe('completed');
    } finally {
      controller.abort();
      await worker.close();
    }
  });

  it('hands a job that outlives the close budget back to the queue', async () => {
    const worker = queue.startWorker(1);
    const job = await queue.add({ kind: 'block', data: {}, ownerKeyId: 'k_close' });
    await expect.poll(async () => (await queue.get(job.id))?.state, { timeout: 5000 }).toBe('active');
    const started = Date.now();
    await worker.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await queue.get(job.id)).toMatchObject({ state: 'waiting', attemptsMade: 0 });
    for (const release of blocked) release();
    blocked.clear();
    const next = queue.startWorker(1);
    try {
      await expect.poll(() => blocked.size, { timeout: 5000 }).toBe(1);
      for (const release of blocked) release();
      await expect.poll(async () => (await queue.get(job.id))?.state, { timeout: 5000 }).toBe('completed');
    } finally {
      await next.close();
    }
  });
});
