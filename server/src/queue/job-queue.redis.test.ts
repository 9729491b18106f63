import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import { TestRedisServer } from '../test-support/redis-server.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { createBullmqJobQueue } from './bullmq-job-queue.js';
import { describeJobQueueContract } from './job-queue.contract.js';

let redisServer: TestRedisServer;

beforeAll(async () => {
  redisServer = await TestRedisServer.start();
});

afterAll(async () => {
  await redisServer.destroy();
});

describeJobQueueContract('redis (BullMQ)', async (kinds, policy) => {
  const redis = createCommandConnection(redisServer.url, 2000);
  redis.on('error', () => undefined);
  await connectAndPing(redis, 2000);
  const queue = await createBullmqJobQueue({
    redis,
    redisUrl: redisServer.url,
    connectTimeoutMs: 2000,
    // a fresh namespace per test: nothing leaks between tests
    prefix: `t${randomBytes(4).toString('hex')}`,
    kinds,
    logger: pino({ level: 'silent' }),
    policy,
    watchPollMs: 200,
    lockDurationMs: 5000,
    stalledIntervalMs: 5000,
  });
  return {
    queue,
    async cleanup() {
      await queue.close();
      await closeQuietly(redis);
    },
  };
});
