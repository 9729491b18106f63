import { type Job, MetricsTime, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { JobKinds } from '../jobs/registry.js';
import { closeQuietly, createBlockingConnection } from '../redis/connections.js';
import type { QueuedJobData } from './bullmq-job-mapper.js';
import type { RunningWorker } from './job-queue.js';
import { throttledErrorLog } from './throttled-log.js';
import { settleWithin } from '../with-timeout.js';
import { runInJobSpan, traceCarrierOf } from '../telemetry/job-trace.js';

export interface BullmqWorkerOptions {
  queueName: string;
  /** BullMQ prefix: `<REDIS_PREFIX>:{queue}` */
  bullPrefix: string;
  redisUrl: string;
  connectTimeoutMs: number;
  kinds: JobKinds;
  logger: Logger;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** how long close() waits for active jobs before handing them back */
  closeTimeoutMs: number;
}

/** Pause of the worker's loop after a Redis error before it tries again. */
const RUN_RETRY_DELAY_MS = 1000;

interface ActiveJob {
  job: Job<QueuedJobData>;
  token: string | undefined;
}

/** Runs one job: finds its kind, reports progress through BullMQ; tracks it while it runs. */
export function createProcessor(kinds: JobKinds, active?: Map<string, ActiveJob>) {
  return async function processJob(job: Job<QueuedJobData>, token?: string): Promise<unknown> {
    const kind = kinds.get(job.name);
    if (kind === undefined) throw new UnrecoverableError(`Unknown job kind '${job.name}'`);
    const id = job.id ?? '';
    active?.set(id, { job, token });
    try {
      const run = () => kind.run(job.data.input, { reportProgress: (percent) => job.updateProgress(percent) });
      const trace = traceCarrierOf(job.data.trace);
      return await runInJobSpan({ kind: job.name, id, attempt: job.attemptsMade + 1, trace }, run);
    } finally {
      active?.delete(id);
    }
  };
}

/**
 * A BullMQ Worker on its own blocking connection (maxRetriesPerRequest: null, reconnects forever).
 * A SIGKILLed worker's jobs come back after `lockDurationMs` through another worker's stalled check.
 */
export function startBullmqWorker(options: BullmqWorkerOptions): RunningWorker {
  const connection = createBlockingConnection(options.redisUrl, options.connectTimeoutMs);
  connection.on('error', () => undefined); // reported through the worker's 'error' event
  const active = new Map<string, ActiveJob>();
  const worker = new Worker<QueuedJobData>(options.queueName, createProcessor(options.kinds, active), {
    connection,
    prefix: options.bullPrefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: 1,
    // BullMQ's own completed/failed counters (exact, shared by every worker): jobs per minute.
    metrics: { maxDataPoints: MetricsTime.ONE_HOUR },
    // After a connection error BullMQ waits this long before fetching again (default 15 s): keep
    // the recovery after a Redis restart within a second or so.
    runRetryDelay: RUN_RETRY_DELAY_MS,
  });
  worker.on('error', throttledErrorLog(options.logger, 'job worker error'));
  worker.on('failed', (job, error) => {
    options.logger.debug({ jobId: job?.id, err: error }, 'job attempt failed');
  });
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const graceful = worker.close().then(() => true);
        const timedOut = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), options.closeTimeoutMs);
        });
        const finished = await Promise.race([graceful, timedOut]).catch(() => false);
        clearTimeout(timer);
        if (!finished) {
          // Hand the jobs still running back to the queue (a job whose hand-back fails returns
          // anyway once its lock expires, through another worker's stalled check).
          options.logger.warn(
            { jobs: active.size },
            'active jobs did not finish in time; handing them back to the queue',
          );
          const handBacks = [...active.values()].map(({ job, token }) => job.moveToWait(token));
          await settleWithin(Promise.allSettled(handBacks), 1000, undefined);
          // A worker whose close did not finish may not disconnect either (seen after a Redis
          // restart under load): bounded too, then its connection is closed below regardless.
          await settleWithin(worker.disconnect(), 1000, undefined);
        }
        await closeQuietly(connection);
      })();
      return closing;
    },
  };
}
