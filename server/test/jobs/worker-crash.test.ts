import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { TollgateClient } from '../../src/client/index.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess, WORKER_ENTRY } from '../../src/test-support/server-process.js';
import { expectedResult, heavyJob, startListeningApp, waitFor, type ListeningApp } from './helpers.js';

const JOBS = 240;
const PREFIX = 'crashtest';

/** Small lock/stall timings so a killed worker's jobs come back within a second or two. */
const workerEnv = (redisUrl: string) => ({
  REDIS_URL: redisUrl,
  REDIS_PREFIX: PREFIX,
  WORKER_CONCURRENCY: '2',
  JOB_LOCK_DURATION_MS: '1000',
  JOB_STALLED_INTERVAL_MS: '500',
  LOG_LEVEL: 'warn',
});

describe('two worker processes, one SIGKILLed mid-run (built worker, real Redis)', () => {
  let redis: TestRedisServer;
  let app: ListeningApp;
  let client: TollgateClient;
  const workers: TollgateProcess[] = [];

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    app = await startListeningApp({ backend: 'redis', redisUrl: redis.url, env: { REDIS_PREFIX: PREFIX } });
    client = await app.newKeyClient('crash');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.destroy()));
    await app.close();
    await redis.destroy();
  });

  it('completes every submitted job with the right result', async () => {
    // The workers boot (a second or two) while the jobs are submitted.
    const booting = Promise.all([
      TollgateProcess.start({ entry: WORKER_ENTRY, env: workerEnv(redis.url) }),
      TollgateProcess.start({ entry: WORKER_ENTRY, env: workerEnv(redis.url) }),
    ]).then((started) => {
      workers.push(...started);
      return started;
    });
    const submitted = new Map<string, number>();
    for (let start = 0; start < JOBS; start += 5) {
      const batch = Array.from({ length: Math.min(5, JOBS - start) }, (_, i) => start + i);
      const answers = await Promise.all(batch.map((seed) => client.jobs.submit.mutate(heavyJob(seed))));
      answers.forEach((answer, i) => submitted.set(answer.jobId, batch[i]!));
    }
    expect(submitted.size).toBe(JOBS);
    const [doomed, survivor] = await booting;
    await Promise.all(workers.map((worker) => worker.ready()));

    await waitFor(
      () => app.deps.queue.counts(),
      (counts) => counts.completed >= JOBS / 5,
      30_000,
      'a fifth of the jobs done',
    );
    doomed.signal('SIGKILL');
    const exit = await doomed.waitForExit(5_000);
    expect(exit.signal).toBe('SIGKILL');

    const counts = await waitFor(
      () => app.deps.queue.counts(),
      (current) => current.completed + current.failed === JOBS,
      40_000,
      'every job finished',
    );
    expect(counts).toEqual({ waiting: 0, delayed: 0, active: 0, completed: JOBS, failed: 0 });

    const entries = [...submitted];
    for (let start = 0; start < entries.length; start += 50) {
      const chunk = entries.slice(start, start + 50);
      const jobs = await Promise.all(chunk.map(([jobId]) => client.jobs.get.query({ jobId })));
      for (const [i, job] of jobs.entries()) {
        const seed = chunk[i]![1];
        expect(job.state).toBe('completed');
        // The big array's size does not change any verdict: compare with a cheap local run.
        expect(job.result).toEqual(await expectedResult(heavyJob(seed, 3)));
      }
    }

    // The killed worker held jobs when it died: BullMQ's stalled check handed them back (and the
    // surviving worker started them again).
    const raw = new Redis(redis.url);
    try {
      const pipeline = raw.pipeline();
      for (const jobId of submitted.keys()) pipeline.hmget(`${PREFIX}:{queue}:jobs:${jobId}`, 'stc', 'ats');
      const rows = ((await pipeline.exec()) ?? []).map(([, row]) => row as Array<string | null>);
      const recovered = rows.filter(([stalled, started]) => Number(stalled ?? 0) > 0 || Number(started ?? 0) > 1);
      expect(recovered.length).toBeGreaterThan(0);
    } finally {
      raw.disconnect();
    }
    expect(survivor.hasExited).toBe(false);
  }, 90_000);
});
