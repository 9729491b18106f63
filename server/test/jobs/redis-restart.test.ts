import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TollgateClient } from '../../src/client/index.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess, WORKER_ENTRY } from '../../src/test-support/server-process.js';
import { expectedResult, heavyJob, startListeningApp, statusOf, waitFor, type ListeningApp } from './helpers.js';

const QUEUED = 120;

describe('Redis restarted while jobs are queued (AOF, built worker, real Redis)', () => {
  let redis: TestRedisServer;
  let app: ListeningApp;
  let client: TollgateClient;
  let worker: TollgateProcess;

  beforeAll(async () => {
    redis = await TestRedisServer.start({ appendOnly: true });
    app = await startListeningApp({ backend: 'redis', redisUrl: redis.url });
    client = await app.newKeyClient('restart');
  });

  afterAll(async () => {
    await worker.destroy();
    await app.close();
    await redis.destroy();
  });

  it('completes every acknowledged job; the worker and the server reconnect by themselves', async () => {
    worker = await TollgateProcess.start({
      entry: WORKER_ENTRY,
      env: {
        REDIS_URL: redis.url,
        WORKER_CONCURRENCY: '4',
        JOB_LOCK_DURATION_MS: '2000',
        JOB_STALLED_INTERVAL_MS: '1000',
      },
    });
    await worker.ready();
    const acknowledged = new Map<string, number>();
    for (let start = 0; start < QUEUED; start += 5) {
      const seeds = Array.from({ length: 5 }, (_, i) => start + i);
      const answers = await Promise.all(seeds.map((seed) => client.jobs.submit.mutate(heavyJob(seed))));
      answers.forEach((answer, i) => acknowledged.set(answer.jobId, seeds[i]!));
    }
    await waitFor(
      () => app.deps.queue.counts(),
      (counts) => counts.completed >= 10,
      20_000,
      'some jobs done',
    );
    const before = await app.deps.queue.counts();
    expect(before.waiting).toBeGreaterThan(0);

    // kill -9: only what was fsynced (appendfsync always: everything acknowledged) survives.
    await redis.kill();
    let seed = QUEUED;
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      expect(await statusOf(client.jobs.submit.mutate(heavyJob(seed++)))).toBe(503);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.restart();

    // The server's connections come back by themselves: new submissions are accepted again.
    await waitFor(
      async () => {
        const answer = await client.jobs.submit.mutate(heavyJob(seed));
        acknowledged.set(answer.jobId, seed++);
        return true;
      },
      (ok) => ok,
      15_000,
      'submissions accepted after the restart',
    );
    for (let i = 0; i < 10; i++) {
      const answer = await client.jobs.submit.mutate(heavyJob(seed));
      acknowledged.set(answer.jobId, seed++);
    }

    // The worker reconnects by itself and works through everything that was acknowledged.
    await waitFor(
      async () => {
        const states = await Promise.all([...acknowledged.keys()].map((jobId) => app.deps.queue.get(jobId)));
        return states.filter((job) => job?.state === 'completed').length;
      },
      (completed) => completed === acknowledged.size,
      45_000,
      'every acknowledged job completed',
    );
    for (const [jobId, jobSeed] of acknowledged) {
      const job = await client.jobs.get.query({ jobId });
      expect(job.state).toBe('completed');
      expect(job.result).toEqual(await expectedResult(heavyJob(jobSeed, 3)));
    }
    expect(worker.hasExited).toBe(false);

    // SIGTERM: the worker closes (bounded) and exits 0.
    worker.signal('SIGTERM');
    expect(await worker.waitForExit(10_000)).toEqual({ code: 0, signal: null });
  }, 120_000);
});
