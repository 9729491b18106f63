import { describe, expect, it, vi } from 'vitest';
import { WORKER_CLOSE_TIMEOUT_MS } from '../../src/queue/bullmq-queue-for-config.js';
import { nested, POISON_SCHEMA } from '../../src/test-support/hostile-inputs.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestDeps } from '../../src/test-support/test-app.js';

/**
 * A worker asked to stop (SIGTERM, a test's teardown) stops within a bound whatever Redis does:
 * here Redis is killed while a job is still running, so the graceful close cannot finish, the
 * job cannot be handed back and BullMQ's own disconnect has nobody to talk to.
 */
describe('closing a worker while Redis is gone and a job still runs', () => {
  it('ends within its close timeout and a few seconds, not never', async () => {
    const redis = await TestRedisServer.start();
    const deps = await createTestDeps({
      backend: 'redis',
      redisUrl: redis.url,
      env: { RUN_WORKER: 'false', JOB_BUDGET_MS: '60000', VALIDATION_THREADS: '1' },
    });
    try {
      // catastrophic backtracking over a nested document: runs until its 60 s budget
      const job = await deps.queue.add({
        kind: 'validate',
        data: { schema: POISON_SCHEMA, documents: [nested(40)] },
        ownerKeyId: 'k_worker_close',
      });
      const worker = deps.queue.startWorker(1);
      await vi.waitFor(async () => expect((await deps.queue.get(job.id))?.state).toBe('active'), {
        timeout: 10_000,
        interval: 50,
      });
      await redis.kill();
      const started = performance.now();
      await worker.close();
      expect(performance.now() - started).toBeLessThan(WORKER_CLOSE_TIMEOUT_MS + 4_000);
    } finally {
      await deps.close();
      await redis.destroy();
    }
  }, 60_000);
});
