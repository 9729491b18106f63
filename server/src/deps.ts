import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import type { CounterStore } from './counters/counter-store.js';
import type { CacheStore } from './cache/cache-store.js';
import { createMemoryCacheStore } from './cache/memory-cache-store.js';
import { createRedisCacheStore } from './cache/redis-cache-store.js';
import { createDisabledCacheStore } from './cache/disabled-cache-store.js';
import type { FailedAttempts } from './auth/failed-attempts.js';
import { createMemoryFailedAttempts } from './auth/memory-failed-attempts.js';
import { createRedisFailedAttempts } from './auth/redis-failed-attempts.js';
import type { JobQueue } from './queue/job-queue.js';
import { createRedisCounterStore } from './counters/redis-counter-store.js';
import { createMemoryCounterStore } from './counters/memory-counter-store.js';
import { bullmqQueueFor, WORKER_CLOSE_TIMEOUT_MS } from './queue/bullmq-queue-for-config.js';
import { createMemoryJobQueue } from './queue/memory-job-queue.js';
import { createJobKinds, type JobKinds } from './jobs/registry.js';
import { createValidationService, type ValidationService } from './validation/validation-service.js';
import { closeQuietly } from './redis/connections.js';
import { connectToRedis, guardRedisServer } from './redis/connect.js';
import { describeRedis, type RedisClient } from './redis/redis-client.js';
import type { StartupOutput } from './startup-output.js';

/** Everything the app needs, chosen once at start-up and kept for the life of the process. */
export interface Deps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly counters: CounterStore;
  /** failed admin-token attempts per client address (across instances on Redis) */
  readonly adminAttempts: FailedAttempts;
  readonly queue: JobQueue;
  /** the response cache (procedures reach it as `ctx.cache`) */
  readonly cache: CacheStore;
  /** compiles and validates off the event loop when it can be expensive, within budgets */
  readonly validation: ValidationService;
  readonly kinds: JobKinds;
  /** the command connection when running on Redis (a Cluster with REDIS_CLUSTER), for probes (latency, INFO) */
  readonly redis: RedisClient | null;
  close(): Promise<void>;
}

export interface DepsOptions {
  config: Config;
  logger: Logger;
  output: StartupOutput;
  clock: Clock;
  /** drive the Redis quota scripts with `clock` instead of Redis TIME (tests that move time) */
  scriptClock?: boolean;
}

async function connectRedis(config: Config, output: StartupOutput): Promise<RedisClient | null> {
  if (config.redis === undefined) return null;
  let redis: RedisClient;
  try {
    redis = await connectToRedis(config.redis, config.redisConnectTimeoutMs);
  } catch (error) {
    if (!config.demoMode) throw error;
    const url = config.redis.redacted;
    output.warn(`⚠ Redis at ${url} did not answer within ${config.redisConnectTimeoutMs} ms (DEMO_MODE): using memory`);
    return null;
  }
  await guardRedisServer(redis, { enforce: !config.demoMode, allowEvicting: config.allowEvictingRedis }, output);
  return redis;
}

/** CACHE_ENABLED=false: every cached procedure computes on every call, nothing is stored. */
function disabledCache(config: Config, clock: Clock, output: StartupOutput): CacheStore {
  output.warn('⚠ Response cache disabled (CACHE_ENABLED=false): cached procedures compute every call');
  return createDisabledCacheStore({ clock, defaultTtlSec: config.cacheDefaultTtlSec });
}

/**
 * Picks the backends by the rules of CONTRACT §3: production needs Redis; DEMO_MODE uses it when
 * it answers PING in time and falls back to in-memory backends otherwise.
 */
export async function createDeps({ config, logger, output, clock, scriptClock }: DepsOptions): Promise<Deps> {
  const redis = await connectRedis(config, output);
  const validation = createValidationService({
    threads: config.validationThreads,
    budgetMs: config.validationBudgetMs,
    jobBudgetMs: config.jobBudgetMs,
  });
  const kinds = createJobKinds(validation);
  if (redis !== null && config.redis !== undefined) {
    redis.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
    const counters = createRedisCounterStore({
      redis,
      prefix: config.redisPrefix,
      ...(scriptClock === true ? { clock } : {}),
    });
    output.ok(`✓ Redis counter backend connected: ${describeRedis(redis, config.redis)}`);
    output.ok('✓ Counter backend initialized (Redis)');
    const queue = await bullmqQueueFor({ ...config, redisUrl: config.redis.url }, redis, logger, kinds);
    output.ok('✓ Redis queue service connected');
    output.ok('✓ Queue service initialized (Redis)');
    const cache = config.cacheEnabled
      ? createRedisCacheStore({
          redis,
          prefix: config.redisPrefix,
          defaultTtlSec: config.cacheDefaultTtlSec,
          clock,
          onConnectionError: (error) =>
            logger.warn({ err: { message: error.message } }, 'redis cache subscriber error'),
        })
      : disabledCache(config, clock, output);
    return {
      config,
      logger,
      clock,
      counters,
      adminAttempts: createRedisFailedAttempts({ redis, prefix: config.redisPrefix, clock }),
      queue,
      cache,
      validation,
      kinds,
      redis,
      async close() {
        await queue.close();
        await counters.close();
        await cache.close();
        await closeQuietly(redis);
        await validation.close();
      },
    };
  }
  output.warn('⚠ Using in-memory counters (DEMO_MODE)');
  output.warn('⚠ Using in-memory queue (DEMO_MODE)');
  output.warn('⚠ DEMO_MODE: quotas are per process, jobs are not durable and all data is lost on restart');
  const counters = createMemoryCounterStore({ clock });
  const queue = createMemoryJobQueue({ kinds, clock, logger, workerCloseTimeoutMs: WORKER_CLOSE_TIMEOUT_MS });
  const cache = config.cacheEnabled
    ? createMemoryCacheStore({ clock, defaultTtlSec: config.cacheDefaultTtlSec })
    : disabledCache(config, clock, output);
  return {
    config,
    logger,
    clock,
    counters,
    adminAttempts: createMemoryFailedAttempts(clock),
    queue,
    cache,
    validation,
    kinds,
    redis: null,
    async close() {
      await queue.close();
      await counters.close();
      await cache.close();
      await validation.close();
    },
  };
}
