import { config as loadDotenv } from 'dotenv';
import { ConfigError, parseConfig } from './config.js';
import { jobKinds } from './jobs/registry.js';
import { createLogger } from './logger.js';
import { createBullmqJobQueue } from './queue/bullmq-job-queue.js';
import { closeQuietly, connectAndPing, createCommandConnection } from './redis/connections.js';
import { redactRedisUrl, redactSecrets, redisHostPort } from './redis/redact.js';
import { consoleStartupOutput as output, StartupError } from './startup-output.js';

/** A worker never checks admin tokens; the server's rule that one is configured does not apply. */
const UNUSED_ADMIN_TOKEN = 'not-used-by-the-worker-process';

/** SIGTERM budget: active jobs get this long to finish before they are handed back. */
const WORKER_CLOSE_TIMEOUT_MS = 8000;

/**
 * The standalone worker (`pnpm worker`, `node server/dist/worker.js`): runs queued jobs, Redis
 * mandatory (even with DEMO_MODE: an in-memory queue cannot be shared with a server).
 */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = parseConfig({ ...process.env, ADMIN_TOKEN: UNUSED_ADMIN_TOKEN });
  if (config.redisUrl === undefined) {
    throw new StartupError('❌ Redis validation failed: REDIS_URL environment variable is required');
  }
  const logger = createLogger(config);
  const redis = createCommandConnection(config.redisUrl, config.redisConnectTimeoutMs);
  redis.on('error', () => undefined);
  try {
    await connectAndPing(redis, config.redisConnectTimeoutMs);
  } catch {
    await closeQuietly(redis);
    throw new StartupError(
      `❌ Redis validation failed: Failed to connect to Redis at ${redactRedisUrl(config.redisUrl)}`,
    );
  }
  output.ok(`✓ Redis queue service connected: ${redisHostPort(config.redisUrl)}`);
  const queue = await createBullmqJobQueue({
    redis,
    redisUrl: config.redisUrl,
    connectTimeoutMs: config.redisConnectTimeoutMs,
    prefix: config.redisPrefix,
    kinds: jobKinds,
    logger,
    lockDurationMs: config.jobLockDurationMs,
    stalledIntervalMs: config.jobStalledIntervalMs,
    workerCloseTimeoutMs: WORKER_CLOSE_TIMEOUT_MS,
  });
  const worker = queue.startWorker(config.workerConcurrency);
  output.ok(`✓ Worker started (concurrency ${config.workerConcurrency})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    const hardStop = setTimeout(() => process.exit(1), 9_800);
    hardStop.unref();
    void (async () => {
      await worker.close();
      await queue.close();
      await closeQuietly(redis);
      output.ok('✓ Worker stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) output.fail(problem);
  } else if (error instanceof StartupError) {
    output.fail(error.message);
  } else {
    output.fail(`❌ Worker start-up failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
  }
  process.exit(1);
});
