import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { TestRedisServer } from '../src/test-support/redis-server.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../src/redis/connections.js';
import { createRedisCounterStore } from '../src/counters/redis-counter-store.js';
import { generateApiKey } from '../src/keys/api-key.js';
import { createTestApp, TEST_ADMIN_TOKEN } from '../src/test-support/test-app.js';
import type { BenchRow } from './bench-row.js';

/** Each figure is the median of ROUNDS runs of ROUND_MS, alternating the contenders so that
 * neither gets the warmer JIT or the quieter moment on a shared machine. */
const ROUND_MS = 300;
const ROUNDS = 3;
const CONCURRENCY = 64;

/** Calls `op` from `workers` loops until the deadline; ops per second. */
async function measure(op: () => Promise<unknown>, workers: number, ms = ROUND_MS): Promise<number> {
  let done = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - started);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Warms every contender up, then measures them in alternating rounds; medians in input order. */
async function compare(ops: Array<() => Promise<unknown>>, workers: number): Promise<number[]> {
  for (const op of ops) for (let i = 0; i < 200; i++) await op();
  const results: number[][] = ops.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, op] of ops.entries()) results[index]!.push(await measure(op, workers));
  }
  return results.map(median);
}

async function storeRows(redis: Redis): Promise<BenchRow[]> {
  const store = createRedisCounterStore({ redis, prefix: 'bench' });
  const key = generateApiKey();
  await store.createKey({
    id: key.id,
    keyHash: key.hash,
    name: 'bench',
    rateLimit: { limit: 1_000_000_000, windowSec: 60 },
    dailyJobQuota: 1_000_000_000,
    createdAt: Date.now(),
  });
  const guard = () => store.consume(key.id, key.hash, { rate: true, daily: false });
  const peer = new RateLimiterRedis({
    storeClient: redis,
    points: 1_000_000_000,
    duration: 60,
    keyPrefix: 'bench-rlf',
  });
  const peerConsume = () => peer.consume('bench-key');

  const [peerSequential = 0, ours = 0] = await compare([peerConsume, guard], 1);
  const [peerConcurrent = 0, oursConcurrent = 0] = await compare([peerConsume, guard], CONCURRENCY);

  const vs = (mine: number, theirs: number) => `${(mine / theirs).toFixed(2)}× the peer in the same mode`;
  const what = 'auth + exact sliding window (≤51 buckets) + daily quota, 1 EVALSHA';
  return [
    {
      name: 'rate-limiter-flexible RateLimiterRedis.consume, sequential',
      opsPerSec: peerSequential,
      note: 'fixed window (INCR+PTTL script)',
    },
    {
      name: 'Tollgate guard (counters.consume), sequential',
      opsPerSec: ours,
      note: `${what}; ${vs(ours, peerSequential)}`,
    },
    { name: `rate-limiter-flexible, ${CONCURRENCY} in flight`, opsPerSec: peerConcurrent, note: 'one connection' },
    {
      name: `Tollgate guard, ${CONCURRENCY} in flight`,
      opsPerSec: oursConcurrent,
      note: `one connection; ${vs(oursConcurrent, peerConcurrent)}`,
    },
  ];
}

/** The whole guarded tRPC call (validation.validate through Fastify inject, no sockets). */
async function httpRows(redisUrl: string): Promise<BenchRow[]> {
  const testApp = await createTestApp({ backend: 'redis', redisUrl, env: { REDIS_PREFIX: 'bench-http' } });
  try {
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/trpc/admin.keys.create',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'bench', rateLimit: { limit: 1_000_000_000, windowSec: 60 } }),
    });
    const apiKey = created.json<{ result: { data: { apiKey: string } } }>().result.data.apiKey;
    const payload = JSON.stringify({ schema: { type: 'object', required: ['a'] }, document: { a: 1 } });
    const call = async () => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/trpc/validation.validate',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        payload,
      });
      if (response.statusCode !== 200) throw new Error(`guarded call answered ${response.statusCode}`);
    };
    const [sequential = 0] = await compare([call], 1);
    const [concurrent = 0] = await compare([call], CONCURRENCY);
    return [
      {
        name: 'guarded tRPC call validation.validate (inject), sequential',
        opsPerSec: sequential,
        note: 'Fastify + tRPC + zod + ajv (cached) + guard',
      },
      { name: `guarded tRPC call validation.validate (inject), ${CONCURRENCY} in flight`, opsPerSec: concurrent },
    ];
  } finally {
    await testApp.close();
  }
}

/** Our Redis guard next to rate-limiter-flexible on a private redis-server, one connection each. */
export async function benchRateLimit(): Promise<BenchRow[]> {
  const server = await TestRedisServer.start();
  const redis = createCommandConnection(server.url, 2000);
  redis.on('error', () => undefined);
  try {
    await connectAndPing(redis, 2000);
    return [...(await storeRows(redis)), ...(await httpRows(server.url))];
  } finally {
    await closeQuietly(redis);
    await server.destroy();
  }
}
