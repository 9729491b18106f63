import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTollgateClient } from '../src/client/index.js';
import { JOB, JOB_NAME, RAW_JOB_OPTIONS, type RawJobData } from './job-payload.js';
import type { JobsContext } from './jobs.js';
import type { BenchSettings } from './settings.js';
import { Spawned } from './spawned.js';
import { median, rotated } from './stats.js';
import { TOLLGATE_DIST } from './standalone-scripts.js';
import { startTollgateWorker, type TollgateServer } from './tollgate-process.js';

export type WorkerKind = 'tollgate' | 'raw';

export interface ProcessingRow {
  id: string;
  label: string;
  worker: WorkerKind;
  concurrency: 1 | 50;
  jobsPerRound: number;
  /** jobs per second, per round */
  rounds: number[];
  jobsPerSec: number;
  /** failed jobs seen after the rounds */
  failed: number;
}

/** The raw worker's queue: its own name and prefix on the same Redis. */
const RAW_PREFIX = 'bench-raw';
const RAW_QUEUE = 'jobs';
const DRAIN_TIMEOUT_MS = 120_000;
const POLL_MS = 10;

async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`${what} did not finish within ${DRAIN_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/** Runs `op` `total` times, `inFlight` at once. */
async function repeat(total: number, inFlight: number, op: () => Promise<unknown>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < total) {
        started++;
        await op();
      }
    }),
  );
}

export interface Drainer {
  /** the BullMQ queue the worker drains, watched the same way for both */
  queue: Queue;
  /** queues `jobs` jobs on the paused queue, starts the worker; resolves when it is ready */
  prepare(concurrency: number, jobs: number): Promise<Spawned>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

function watchedQueue(redisUrl: string, name: string, prefix: string) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<RawJobData>(name, { connection, prefix, defaultJobOptions: RAW_JOB_OPTIONS });
  return {
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Jobs that are not finished yet. */
async function unfinished(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/**
 * Tollgate: jobs submitted through `jobs.submit`, the queue paused and resumed through the admin
 * API, drained by `node server/dist/worker.js`. The drain is watched on the BullMQ queue itself
 * (`<REDIS_PREFIX>:{queue}`, `jobs`: server/src/queue/bullmq-job-queue.ts), like the raw one's;
 * a check that the submitted jobs are there catches a change of that layout.
 */
export function tollgateDrainer(context: JobsContext, server: TollgateServer, apiKey: string, prefix: string): Drainer {
  const admin = createTollgateClient({ url: server.url, adminToken: server.adminToken }).admin;
  const client = createTollgateClient({ url: server.url, apiKey });
  const watched = watchedQueue(context.redisUrl, 'jobs', `${prefix}:{queue}`);
  return {
    queue: watched.queue,
    async prepare(concurrency, jobs) {
      await admin.queue.pause.mutate();
      await repeat(jobs, 32, () => client.jobs.submit.mutate(JOB));
      const queued = await unfinished(watched.queue);
      if (queued !== jobs) {
        throw new Error(
          `${jobs} jobs submitted, ${queued} seen in BullMQ queue 'jobs' under '${prefix}:{queue}': ` +
            'has the queue layout of server/src/queue/bullmq-job-queue.ts changed?',
        );
      }
      return startTollgateWorker({
        name: `tollgate-worker-c${concurrency}`,
        redisUrl: context.redisUrl,
        prefix,
        concurrency,
        dir: context.dir,
      });
    },
    async resume() {
      await admin.queue.resume.mutate();
    },
    close: () => watched.close(),
  };
}

/** Raw BullMQ: jobs added with addBulk, drained by bench/peers/bullmq-worker.ts (the same handler). */
export function rawDrainer(context: JobsContext): Drainer {
  const watched = watchedQueue(context.redisUrl, RAW_QUEUE, RAW_PREFIX);
  const queue = watched.queue;
  return {
    queue,
    async prepare(concurrency, jobs) {
      await queue.pause();
      for (let added = 0; added < jobs; added += 500) {
        const count = Math.min(500, jobs - added);
        await queue.addBulk(Array.from({ length: count }, () => ({ name: JOB_NAME, data: { input: JOB } })));
      }
      return Spawned.start({
        name: `raw-worker-c${concurrency}`,
        args: [join(context.peersDir, 'bullmq-worker.js')],
        env: {
          REDIS_URL: context.redisUrl,
          QUEUE: RAW_QUEUE,
          PREFIX: RAW_PREFIX,
          CONCURRENCY: String(concurrency),
          TOLLGATE_DIST,
        },
        dir: context.dir,
        ready: /worker ready/,
      });
    },
    resume: () => queue.resume(),
    close: () => watched.close(),
  };
}

/** Processing: each round queues its jobs, starts a worker, then times the drain from resume. */
export async function benchProcessing(
  settings: BenchSettings['processing'],
  drainers: Record<WorkerKind, Drainer>,
): Promise<ProcessingRow[]> {
  const rows: ProcessingRow[] = ([1, 50] as const).flatMap((concurrency) =>
    (['tollgate', 'raw'] as const).map((worker) => ({
      id: `${worker}-c${concurrency}`,
      label:
        worker === 'tollgate'
          ? `Tollgate worker (\`node server/dist/worker.js\`), concurrency ${concurrency}`
          : `raw BullMQ Worker, same handler, concurrency ${concurrency}`,
      worker,
      concurrency,
      jobsPerRound: settings.jobs[concurrency],
      rounds: [],
      jobsPerSec: 0,
      failed: 0,
    })),
  );
  for (let round = 0; round < settings.rounds; round++) {
    for (const row of rotated(rows, round)) {
      const drainer = drainers[row.worker];
      const worker = await drainer.prepare(row.concurrency, row.jobsPerRound);
      try {
        await sleep(200); // let it settle into its blocking wait
        const started = performance.now();
        await drainer.resume();
        await until(async () => (await unfinished(drainer.queue)) === 0, `the ${row.label}`);
        row.rounds.push((row.jobsPerRound * 1000) / (performance.now() - started));
      } finally {
        await worker.stop();
      }
    }
  }
  for (const row of rows) {
    row.jobsPerSec = median(row.rounds);
    row.failed = await drainers[row.worker].queue.getFailedCount();
  }
  return rows;
}
