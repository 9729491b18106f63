import './v8-heap-flags.js';
import { config as loadDotenv } from 'dotenv';
import { parseConfig } from './config.js';
import { createLogger } from './logger.js';
import { exitGracefullyOnSignals, exitOnStartupFailure } from './process-lifecycle.js';
import { createJobKinds } from './jobs/registry.js';
import { bullmqQueueFor } from './queue/bullmq-queue-for-config.js';
import { createValidationService } from './validation/validation-service.js';
import { closeQuietly } from './redis/connections.js';
import { connectToRedis, guardRedisServer } from './redis/connect.js';
import { rememberSecrets } from './redis/redact.js';
import { describeRedis } from './redis/redis-client.js';
import { consoleStartupOutput as output } from './startup-output.js';
import { startTelemetry } from './telemetry/telemetry.js';

/**
 * The standalone worker (`pnpm worker`, `node server/dist/worker.js`): runs queued jobs. Redis is
 * mandatory, even with DEMO_MODE: an in-memory queue cannot be shared with a server.
 */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = parseConfig(process.env, 'worker');
  // First: OTel's SDK is loaded only when OTEL_ENABLED is true.
  const telemetry = await startTelemetry(config);
  const spec = config.redis!;
  rememberSecrets([spec.password]);
  for (const notice of config.notices) output.warn(notice);
  const logger = createLogger(config);
  const redis = await connectToRedis(spec, config.redisConnectTimeoutMs);
  await guardRedisServer(redis, { enforce: !config.demoMode, allowEvicting: config.allowEvictingRedis }, output);
  redis.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'redis connection error'));
  output.ok(`✓ Redis queue service connected: ${describeRedis(redis, spec)}`);
  const validation = createValidationService({
    threads: config.validationThreads,
    budgetMs: config.validationBudgetMs,
    jobBudgetMs: config.jobBudgetMs,
  });
  const queue = await bullmqQueueFor({ ...config, redisUrl: spec.url }, redis, logger, createJobKinds(validation));
  const worker = queue.startWorker(config.workerConcurrency);
  // Before the ready line: whoever waits for that line may signal at once.
  exitGracefullyOnSignals(logger, async () => {
    await worker.close();
    await queue.close();
    await closeQuietly(redis);
    await validation.close();
    await telemetry.shutdown();
    output.ok('✓ Worker stopped');
  });
  output.ok(`✓ Worker started (concurrency ${config.workerConcurrency})`);
}

main().catch((error: unknown) => exitOnStartupFailure(error, 'Worker start-up'));
