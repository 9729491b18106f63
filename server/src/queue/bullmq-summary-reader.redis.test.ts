import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../test-support/redis-server.js';
import { toJobState, toJobSummary, toStoredJob } from './bullmq-job-mapper.js';
import { toSummary } from './job-queue.js';
import { JobSummaryReader } from './bullmq-summary-reader.js';

/**
 * The summaries read for lists (a few hash fields and job-states-8.lua) must say what BullMQ's own
 * reads say (getJobState, getJob), for a job in every state BullMQ has.
 */
describe('job summaries agree with BullMQ’s own reads (real Redis)', () => {
  let server: TestRedisServer;
  let redis: Redis;
  let workerConnection: Redis;
  let queue: Queue;
  let worker: Worker;
  let flows: FlowProducer;
  const prefix = 'tg:{queue}';
  const release = new Set<() => void>();

  beforeAll(async () => {
    server = await TestRedisServer.start();
    redis = new Redis(server.url);
    workerConnection = new Redis(server.url, { maxRetriesPerRequest: null });
    queue = new Queue('jobs', { connection: redis, prefix });
    flows = new FlowProducer({ connection: redis, prefix });
    worker = new Worker(
      'jobs',
      async (job: Job<{ outcome: string }>) => {
        if (job.data.outcome === 'fail') throw new Error('no good');
        if (job.data.outcome === 'block') {
          await job.updateProgress(40);
          await new Promise<void>((resolve) => release.add(resolve));
        }
        return { total: 1, valid: 1, invalid: 0, results: [] };
      },
      { connection: workerConnection, prefix, concurrency: 4, autorun: false },
    );
  });

  afterAll(async () => {
    for (const resolve of release) resolve();
    await worker.close();
    await flows.close();
    await queue.close();
    redis.disconnect();
    workerConnection.disconnect();
    await server.destroy();
  });

  it('reads the state and summary fields of jobs in every state as BullMQ does', async () => {
    const add = async (outcome: string, opts: Record<string, unknown> = {}) =>
      (await queue.add('validate', { ownerKeyId: 'k_1', outcome }, { jobId: randomUUID(), ...opts })).id!;
    const completed = await add('ok');
    const failed = await add('fail');
    const retrying = await add('fail', { attempts: 2, backoff: { type: 'fixed', delay: 60_000 } });
    const active = await add('block');
    void worker.run();
    await expect.poll(async () => queue.getJobState(completed), { timeout: 5000 }).toBe('completed');
    await expect.poll(async () => queue.getJobState(failed), { timeout: 5000 }).toBe('failed');
    await expect.poll(async () => queue.getJobState(retrying), { timeout: 5000 }).toBe('delayed');
    await expect.poll(async () => (await queue.getJob(active))?.progress, { timeout: 5000 }).toBe(40);
    await worker.pause(true).catch(() => undefined);

    const waiting = await add('ok');
    const prioritized = await add('ok', { priority: 3 });
    const delayed = await add('ok', { delay: 60_000 });
    const flow = await flows.add({
      name: 'validate',
      queueName: 'jobs',
      prefix,
      data: { ownerKeyId: 'k_1', outcome: 'ok' },
      opts: { jobId: randomUUID() },
      children: [{ name: 'validate', queueName: 'jobs', prefix, data: { ownerKeyId: 'k_1', outcome: 'ok' } }],
    });
    const waitingChildren = flow.job.id!;
    await queue.pause();
    const paused = await add('ok');
    const orphan = randomUUID(); // a hash in no state set
    await redis.hset(queue.toKey(orphan), 'name', 'validate', 'timestamp', String(Date.now()), 'data', '{}');
    const removed = randomUUID();

    const ids = [completed, failed, retrying, active, waiting, prioritized, delayed, waitingChildren, paused, orphan];
    const reader = new JobSummaryReader(redis, (name) => queue.toKey(name));
    const reads = await reader.read([...ids, removed], { failedReason: true });
    expect(reads.at(-1)).toBeNull();
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    expect(reads.slice(0, -1).map((read) => read?.state)).toEqual(states);
    expect(new Set(states)).toEqual(
      new Set(['completed', 'failed', 'delayed', 'active', 'waiting', 'prioritized', 'waiting-children', 'unknown']),
    );

    for (const [i, id] of ids.entries()) {
      const read = reads[i]!;
      const state = toJobState(states[i]!);
      const job = await queue.getJob(id);
      const whole = state === null || job === undefined ? null : toSummary(toStoredJob(job, state));
      expect(toJobSummary(read, 'k_1'), `job ${i} (${states[i]})`).toEqual(
        whole === null ? null : { ...whole, ownerKeyId: 'k_1' },
      );
    }
    expect(reads[1]?.fields.failedReason).toBe('no good');
    expect(reads[2]?.fields.failedReason).toBe('no good');
  });
});
