import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { TestRedisServer } from '../test-support/redis-server.js';
import { socketWritesDuring } from '../test-support/socket-writes.js';
import { closeQuietly, connectAndPing, createCommandConnection } from './connections.js';
import { inOneWrite, settledReply } from './one-write.js';

describe('inOneWrite: commands sent together leave in one socket write (real Redis)', () => {
  let server: TestRedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await TestRedisServer.start();
    redis = createCommandConnection(server.url, 2000) as Redis;
    await connectAndPing(redis, 2000);
    await redis.mset('a', '1', 'b', '2', 'c', '3');
    await redis.rpush('list', 'x');
  });

  afterAll(async () => {
    await closeQuietly(redis);
    await server.destroy();
  });

  const keys = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b'];

  it('sends eight commands in one write, each answered with its own reply', async () => {
    const { writes, result } = await socketWritesDuring(redis, () =>
      Promise.all(inOneWrite(redis, () => keys.map((key) => redis.get(key)))),
    );
    expect(result).toEqual(['1', '2', '3', '1', '2', '3', '1', '2']);
    expect(writes).toBe(1);
  });

  it('is needed: the same commands sent without it take a write each', async () => {
    const { writes } = await socketWritesDuring(redis, () => Promise.all(keys.map((key) => redis.get(key))));
    expect(writes).toBe(keys.length);
  });

  it('fails only the command that fails; the others keep their replies', async () => {
    const { result } = await socketWritesDuring(redis, () =>
      Promise.all(inOneWrite(redis, () => ['a', 'list', 'c'].map((key) => settledReply(redis.get(key))))),
    );
    expect(result[0]).toBe('1');
    expect(result[1]).toBeInstanceOf(Error);
    expect((result[1] as Error).message).toMatch(/WRONGTYPE/);
    expect(result[2]).toBe('3');
  });

  it('leaves the connection uncorked when the sending throws', async () => {
    expect(() =>
      inOneWrite(redis, () => {
        void redis.get('a');
        throw new Error('in the middle');
      }),
    ).toThrow('in the middle');
    expect(redis.stream.writableCorked).toBe(0);
    await expect(redis.get('b')).resolves.toBe('2');
  });
});
