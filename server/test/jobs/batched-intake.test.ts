import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitJobInput } from '@tollgate/shared';
import type { TollgateClient } from '../../src/client/index.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { socketWritesDuring } from '../../src/test-support/socket-writes.js';
import { expectedResult, startListeningApp, waitFor, type ListeningApp } from './helpers.js';

const JOB: SubmitJobInput = { schema: { type: 'integer', minimum: 0 }, documents: [1, -1, 'x'] };
const BATCH = 16;

describe('a batch of submissions reaches Redis in a few writes (real Redis)', () => {
  let redis: TestRedisServer;
  let app: ListeningApp;
  let client: TollgateClient;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    app = await startListeningApp({ backend: 'redis', redisUrl: redis.url, env: { RUN_WORKER: 'false' } });
    client = await app.newKeyClient('batched', BATCH + 4);
    await client.jobs.submit.mutate(JOB); // the key screened, the scripts loaded
  });

  afterAll(async () => {
    await worker?.close();
    await app.close();
    await redis.destroy();
  });

  it('accepts every job of one httpBatchLink request, counts each against the daily quota, runs each', async () => {
    const connection = app.deps.redis as Redis; // one Redis, not a cluster
    // calls made together: httpBatchLink sends them as one HTTP request
    const { writes, result: accepted } = await socketWritesDuring(connection, () =>
      Promise.all(Array.from({ length: BATCH }, () => client.jobs.submit.mutate(JOB))),
    );
    const ids = accepted.map((job) => job.jobId);
    expect(new Set(ids).size).toBe(BATCH);
    // one write of quota scripts, one index script, one pipeline of adds (it was three writes per
    // job), and the index trim that runs once every 16 adds (two reads)
    expect(writes).toBeLessThanOrEqual(5);

    const usage = await client.usage.get.query();
    expect(usage.quota.used).toBe(BATCH + 1);
    const listed = await client.jobs.list.query({ limit: 100 });
    expect(listed.items.map((item) => item.id).sort()).toEqual([...ids, listed.items.at(-1)!.id].sort());

    worker = app.deps.queue.startWorker(4);
    const expected = await expectedResult(JOB);
    for (const id of ids) {
      const job = await waitFor(
        () => client.jobs.get.query({ jobId: id }),
        (found) => found.state === 'completed',
        20_000,
        `job ${id} completed`,
      );
      expect(job.result).toEqual(expected);
    }
  });

  it('refuses, in the same batch, exactly the submissions past the daily quota', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => client.jobs.submit.mutate(JOB)));
    // BATCH + 1 of BATCH + 4 used: three more fit
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const outcome of refused) expect(String(outcome.reason)).toMatch(/daily/i);
  });
});
