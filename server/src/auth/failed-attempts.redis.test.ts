import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { CONTRACT_LIMIT, failedAttemptsContract } from './failed-attempts.contract.js';
import { createRedisFailedAttempts } from './redis-failed-attempts.js';
import { openTestConnection } from '../test-support/test-connections.js';

let server: TestRedisServer;
const connections: RedisClient[] = [];

const connect = (): Promise<RedisClient> => openTestConnection(server.url, connections);

beforeAll(async () => {
  server = await TestRedisServer.start();
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => closeQuietly(connection)));
  await server?.destroy();
});

describe('Redis failed-attempt limiter', () => {
  failedAttemptsContract(async () => ({
    attempts: createRedisFailedAttempts({
      redis: await connect(),
      prefix: `t${randomBytes(4).toString('hex')}`,
      clock: systemClock,
      limit: CONTRACT_LIMIT,
    }),
    endWindow: () => new Promise((resolve) => setTimeout(resolve, CONTRACT_LIMIT.windowMs + 50)),
  }));

  it('counts failures across instances (two connections, one RedisClient), and every counter expires', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = createRedisFailedAttempts({ redis: await connect(), prefix, clock: systemClock, limit: CONTRACT_LIMIT });
    const b = createRedisFailedAttempts({ redis: await connect(), prefix, clock: systemClock, limit: CONTRACT_LIMIT });
    await a.attempt('192.0.2.7', true);
    await b.attempt('192.0.2.7', true);
    await a.attempt('192.0.2.7', true);
    expect((await b.attempt('192.0.2.7', false)).limited).toBe(true);
    const raw = await connect();
    const keys = await raw.keys(`${prefix}:*`);
    expect(keys).toHaveLength(1);
    const ttl = await raw.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(CONTRACT_LIMIT.windowMs);
  });

  it('counts in memory while Redis does not answer, and still refuses over the limit', async () => {
    const own = await TestRedisServer.start();
    try {
      const connection = createCommandConnection(own.url, 2000);
      connection.on('error', () => undefined);
      await connectAndPing(connection, 2000);
      connections.push(connection);
      const attempts = createRedisFailedAttempts({
        redis: connection,
        prefix: 'down',
        clock: systemClock,
        limit: CONTRACT_LIMIT,
      });
      await own.stop();
      const started = Date.now();
      for (let i = 0; i < CONTRACT_LIMIT.failures; i++)
        expect((await attempts.attempt('198.51.100.1', true)).limited).toBe(false);
      expect((await attempts.attempt('198.51.100.1', false)).limited).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await own.destroy();
    }
  });
});
