import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { JobKinds } from '../jobs/registry.js';
import type { RedisClient } from '../redis/redis-client.js';
import { createBullmqJobQueue } from './bullmq-job-queue.js';
import type { JobQueue } from './job-queue.js';

/** Active jobs get this long to finish on shutdown before they are handed back to the queue. */
export const WORKER_CLOSE_TIMEOUT_MS = 6_000;

/** The BullMQ queue as configured (prefix, stalled-job timings), on a connected command connection. */
export function bullmqQueueFor(
  config: Config & { redisUrl: string },
  redis: RedisClient,
  logger: Logger,
  kinds: JobKinds,
): Promise<JobQueue> {
  return createBullmqJobQueue({
    redis,
    redisUrl: config.redisUrl,
    connectTimeoutMs: config.redisConnectTimeoutMs,
    prefix: config.redisPrefix,
    kinds,
    logger,
    lockDurationMs: config.jobLockDurationMs,
    stalledIntervalMs: config.jobStalledIntervalMs,
    workerCloseTimeoutMs: WORKER_CLOSE_TIMEOUT_MS,
  });
}
