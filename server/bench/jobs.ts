import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createTollgateClient } from '../src/client/index.js';
import { createJobKinds } from '../src/jobs/registry.js';
import { createValidationService } from '../src/validation/validation-service.js';
import { createProcessor } from '../src/queue/bullmq-worker.js';
import type { QueuedJobData } from '../src/queue/bullmq-job-mapper.js';
import type { JobQueue } from '../src/queue/job-queue.js';
import { TestRedisServer } from '../src/test-support/redis-server.js';
import { createTestApp, TEST_ADMIN_TOKEN } from '../src/test-support/test-app.js';
import type { BenchRow } from './bench-row.js';

/** How long each producer measurement runs; how many jobs each drain measurement processes. */
const SUBMIT_MS = 1500;
const IN_FLIGHT = 32;
const DRAIN_JOBS = 2000;
const WORKER_CONCURRENCY = 8;

/** The job every row uses: a small schema and five documents (two invalid). */
const JOB = {
  schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } }, required: ['id'] },
  documents: [{ id: 1, name: 'a' }, { id: 2 }, { name: 'no id' }, { id: 'x' }, { id: 5, name: 'e' }],
};

/** Runs `op` from `inFlight` loops for `ms`; ops per second. */
async function measure(
  op: () => Promise<unknown>,
  inFlight: number,
  ms: number,
): Promise<{ rate: number; done: number }> {
  for (let i = 0; i < 20; i++) await op();
  let done = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  return { rate: (done * 1000) / (performance.now() - started), done };
}

/** Jobs per second from `start` until `drained()`. */
async function drainRate(start: () => void, drained: () => Promise<boolean>, total: number): Promise<number> {
  const started = performance.now();
  start();
  for (;;) {
    if (await drained()) return (total * 1000) / (performance.now() - started);
    if (performance.now() - started > 60_000) throw new Error('drain did not finish within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Raw BullMQ: Queue.add, then a Worker with the same processor (validate kind, progress reports). */
async function rawBullmqRows(redisUrl: string): Promise<BenchRow[]> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<QueuedJobData>('raw', { connection, prefix: 'bench-raw' });
  // The same processor as Tollgate's worker: validation on worker threads.
  const validation = createValidationService({ threads: 2, budgetMs: 1000, jobBudgetMs: 60_000 });
  try {
    const add = () => queue.add('validate', { ownerKeyId: 'bench', input: JOB });
    const produced = await measure(add, IN_FLIGHT, SUBMIT_MS);
    await queue.obliterate({ force: true });
    await queue.addBulk(
      Array.from({ length: DRAIN_JOBS }, () => ({ name: 'validate', data: { ownerKeyId: 'bench', input: JOB } })),
    );
    let worker: Worker<QueuedJobData> | undefined;
    const processed = await drainRate(
      () => {
        worker = new Worker<QueuedJobData>('raw', createProcessor(createJobKinds(validation)), {
          connection: workerConnection,
          prefix: 'bench-raw',
          concurrency: WORKER_CONCURRENCY,
        });
      },
      async () => (await queue.getCompletedCount()) >= DRAIN_JOBS,
      DRAIN_JOBS,
    );
    await worker?.close();
    return [
      { name: `raw BullMQ Queue.add, ${IN_FLIGHT} in flight`, opsPerSec: produced.rate, note: 'baseline producer' },
      {
        name: `raw BullMQ Worker (concurrency ${WORKER_CONCURRENCY}), same processor`,
        opsPerSec: processed,
        note: `${DRAIN_JOBS} queued jobs drained; 5 documents, 4 progress reports each`,
      },
    ];
  } finally {
    await queue.close();
    await validation.close();
    connection.disconnect();
    workerConnection.disconnect();
  }
}

/** Nothing left to run (completed counts are capped by retention, so they cannot be the measure). */
async function isDrained(queue: JobQueue): Promise<boolean> {
  const counts = await queue.counts();
  return counts.waiting + counts.delayed + counts.active === 0;
}

/** Tollgate: jobs.submit through the typed client over HTTP, then its worker, then both at once. */
async function tollgateRows(redisUrl: string): Promise<BenchRow[]> {
  const testApp = await createTestApp({ backend: 'redis', redisUrl, env: { REDIS_PREFIX: 'bench-jobs' } });
  try {
    await testApp.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = testApp.app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const admin = createTollgateClient({ url, adminToken: TEST_ADMIN_TOKEN });
    const { apiKey } = await admin.admin.keys.create.mutate({
      name: 'bench',
      rateLimit: { limit: 1_000_000_000, windowSec: 60 },
      dailyJobQuota: 1_000_000_000,
    });
    const client = createTollgateClient({ url, apiKey });
    const queue = testApp.deps.queue;
    const submit = () => client.jobs.submit.mutate(JOB);

    await queue.pause();
    const submitted = await measure(submit, IN_FLIGHT, SUBMIT_MS);
    const backlog = (await queue.counts()).waiting;
    const worker = queue.startWorker(WORKER_CONCURRENCY);
    const processed = await drainRate(
      () => void queue.resume(),
      () => isDrained(queue),
      backlog,
    );

    // End to end: submissions and one worker at the same time.
    const endToEndJobs = 1000;
    const started = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (sent < endToEndJobs) {
          sent++;
          await submit();
        }
      }),
    );
    while (!(await isDrained(queue))) await new Promise((resolve) => setTimeout(resolve, 20));
    const endToEnd = (sent * 1000) / (performance.now() - started);
    await worker.close();

    return [
      {
        name: `Tollgate jobs.submit via typed tRPC client, ${IN_FLIGHT} in flight`,
        opsPerSec: submitted.rate,
        note: 'HTTP (httpBatchLink) + auth + rate & daily quota + zod + schema compile (cached) + index + Queue.add',
      },
      {
        name: `Tollgate worker (concurrency ${WORKER_CONCURRENCY})`,
        opsPerSec: processed,
        note: `${backlog} queued jobs drained`,
      },
      {
        name: 'Tollgate end to end: submit via tRPC + one worker',
        opsPerSec: endToEnd,
        note: `${sent} jobs from first submit to last completion`,
      },
    ];
  } finally {
    await testApp.close();
  }
}

/** Tollgate's job path next to raw BullMQ on a private redis-server (~10 s). */
export async function benchJobs(): Promise<BenchRow[]> {
  const server = await TestRedisServer.start();
  try {
    return [...(await rawBullmqRows(server.url)), ...(await tollgateRows(server.url))];
  } finally {
    await server.destroy();
  }
}
