import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { CommandTimeoutError, isBackendUnavailable, toTRPCError } from '../errors.js';
import { defineJobKind } from '../jobs/job-kind.js';
import { registerJobKinds } from '../jobs/registry.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { createBullmqJobQueue } from './bullmq-job-queue.js';
import type { JobQueue } from './job-queue.js';

const kinds = registerJobKinds(
  defineJobKind({
    name: 'noop',
    input: z.object({}).passthrough(),
    handler: () => Promise.resolve({ total: 0, valid: 0, invalid: 0, results: [] }),
  }),
);

async function failureOf(operation: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await operation;
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

/** A deadline that expires on an answering Redis is a timeout; on a hung Redis, an outage. */
describe('timed-out operations: slow is not down (real Redis)', () => {
  let server: TestRedisServer;
  let redis: Redis;
  /** reads with a deadline of 2 ms: a reply of tens of megabytes cannot make it */
  let hasty: JobQueue;
  let queue: JobQueue;
  const logged: Array<Record<string, unknown>> = [];

  const queueWith = (callTimeoutMs?: number) =>
    createBullmqJobQueue({
      redis,
      redisUrl: server.url,
      connectTimeoutMs: 2000,
      prefix: 'tg',
      kinds,
      logger: pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) }),
      ...(callTimeoutMs === undefined ? {} : { callTimeoutMs }),
    });

  beforeAll(async () => {
    server = await TestRedisServer.start();
    redis = createCommandConnection(server.url, 2000) as Redis; // one Redis, not a cluster
    redis.on('error', () => undefined);
    await connectAndPing(redis, 2000);
    queue = await queueWith();
    hasty = await queueWith(2);
  });

  afterAll(async () => {
    server.resume();
    await hasty.close();
    await queue.close();
    await closeQuietly(redis);
    await server.destroy();
  });

  it('reports a read too big for its deadline as a timeout, logged with its size', async () => {
    const job = await queue.add({ kind: 'noop', data: {}, ownerKeyId: 'k_big' });
    const input = 'x'.repeat(8 * 1024 * 1024);
    await redis.hset(`tg:{queue}:jobs:${job.id}`, 'data', JSON.stringify({ ownerKeyId: 'k_big', input }));
    const { error } = await failureOf(hasty.get(job.id));
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect((error as Error).message).toBe('Redis did not answer job read within 2 ms; the request timed out');
    expect(isBackendUnavailable(error)).toBe(true); // still fails closed
    const mapped = toTRPCError(error);
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: (error as Error).message });
    expect(logged.at(-1)).toMatchObject({ operation: 'job read', timeoutMs: 2 });
    expect(logged.at(-1)?.['inputBytes']).toBeGreaterThan(8 * 1024 * 1024);

    // with the usual deadline the same read goes through
    expect((await queue.get(job.id))?.id).toBe(job.id);
    await redis.del(`tg:{queue}:jobs:${job.id}`);
  });

  it('reports Redis as unavailable, within 1 s, when it does not answer at all (SIGSTOP)', async () => {
    const job = await queue.add({ kind: 'noop', data: {}, ownerKeyId: 'k_hung' });
    server.pause();
    try {
      for (const subject of [hasty, queue]) {
        const { ms, error } = await failureOf(subject.get(job.id));
        expect(error).not.toBeInstanceOf(CommandTimeoutError);
        expect(isBackendUnavailable(error)).toBe(true);
        expect(toTRPCError(error)).toMatchObject({
          code: 'SERVICE_UNAVAILABLE',
          message: 'Redis is unavailable; try again shortly',
        });
        expect(ms).toBeLessThan(1000);
      }
    } finally {
      server.resume();
    }
    await expect.poll(async () => (await queue.get(job.id))?.id, { timeout: 5000 }).toBe(job.id);
  });

  it('reports a command held up on an answering Redis as a timeout, within 1 s (CLIENT PAUSE WRITE)', async () => {
    const job = await queue.add({ kind: 'noop', data: {}, ownerKeyId: 'k_paused' });
    // Writes (and scripts, such as BullMQ's state lookup) wait; reads and PING are answered.
    // Paused and unpaused from a connection of its own: the queue's is held up behind its script.
    const operator = new Redis(server.url);
    await operator.call('CLIENT', 'PAUSE', '3000', 'WRITE');
    try {
      const { ms, error } = await failureOf(queue.get(job.id));
      expect(error).toBeInstanceOf(CommandTimeoutError);
      expect((error as Error).message).toBe('Redis did not answer job read within 750 ms; the request timed out');
      expect(ms).toBeLessThan(1000);
    } finally {
      await operator.call('CLIENT', 'UNPAUSE');
      operator.disconnect();
    }
  });
});
