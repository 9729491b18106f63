import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { BackendStatus, JobUpdate } from '@tollgate/shared';
import type { JobKinds } from '../jobs/registry.js';
import { closeQuietly, createBlockingConnection } from '../redis/connections.js';
import { pingRedis, waitForReplica, type RedisClient } from '../redis/redis-client.js';
import { JobEventHub } from './bullmq-events.js';
import { toJobState, toStoredJob, type QueuedJobData } from './bullmq-job-mapper.js';
import { BullmqSummaries } from './bullmq-summaries.js';
import { startBullmqWorker } from './bullmq-worker.js';
import { QUEUE_CALL_TIMEOUT_MS, settleWithin, withDeadline } from '../with-timeout.js';
import { JobActiveError } from '../errors.js';
import { INDEX_GRACE_MS, JobIndex, type Bounded } from './job-index.js';
import { DEFAULT_JOB_POLICY, type JobPolicy } from './job-policy.js';
import type { JobCounts, JobListPage, JobQueue, ListJobsQuery, NewJob, RunningWorker, StoredJob } from './job-queue.js';
import { listFromIndex } from './indexed-list.js';
import { scoreFloor, scoreOf } from './list-cursor.js';
import { throttledErrorLog } from './throttled-log.js';
import { TickBatcher } from '../redis/tick-batcher.js';
import { TimeoutTriager, type SizeOf } from './timeout-triage.js';
import { trackedWatch, type WatchSource } from './watch-job.js';
import { currentTraceCarrier } from '../telemetry/job-trace.js';

export interface BullmqJobQueueOptions {
  /** the shared command connection (fails fast; a Cluster with REDIS_CLUSTER); not closed by the queue */
  redis: RedisClient;
  /** for the worker's and the event reader's own blocking connections (a connection spec's `url`) */
  redisUrl: string;
  connectTimeoutMs: number;
  /** REDIS_PREFIX: BullMQ's prefix becomes `<prefix>:{queue}` (one Cluster hash slot) */
  prefix: string;
  kinds: JobKinds;
  logger: Logger;
  /** default `jobs` */
  queueName?: string;
  /** JOB_LOCK_DURATION_MS; default 30 s */
  lockDurationMs?: number;
  /** JOB_STALLED_INTERVAL_MS; default 30 s */
  stalledIntervalMs?: number;
  policy?: Partial<JobPolicy>;
  /** how long a worker's close() waits for active jobs; default 8 s */
  workerCloseTimeoutMs?: number;
  /** watchers re-read their job this often in case an event was missed; default 1 s */
  watchPollMs?: number;
  /** deadline of one producer-side operation; default QUEUE_CALL_TIMEOUT_MS */
  callTimeoutMs?: number;
}

/**
 * Ids are UUIDs we generate. Anything else is unknown, and must never reach BullMQ: its job keys
 * share a namespace with the queue's own keys (`wait`, `meta`, `events`, our `idx:…`).
 */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isJobId = (id: string) => JOB_ID.test(id);

/** Index trimming (dropping ids of jobs removed by retention) runs on one add in this many. */
const TRIM_EVERY = 16;

/** A job on its way into the queue (see addTogether). */
interface PendingAdd {
  id: string;
  kind: string;
  ownerKeyId: string;
  createdAt: number;
  data: QueuedJobData;
}

/** How long an add waits for a replica of the queue's master on a cluster (WAIT). */
const REPLICA_WAIT_MS = 200;

class BullmqJobQueue implements JobQueue {
  readonly kind = 'redis' as const;
  private readonly index: JobIndex;
  private readonly summaries: BullmqSummaries;
  private readonly triager: TimeoutTriager;
  private readonly bullPrefix: string;
  private readonly queueName: string;
  private events: { queueEvents: QueueEvents; hub: JobEventHub; connection: RedisClient } | undefined;
  private readonly watchers = new Set<AbortController>();
  private readonly workers = new Set<RunningWorker>();
  private addsSinceTrim = 0;
  private readonly adds = new TickBatcher<PendingAdd, void>((adds) => this.addTogether(adds));
  private readonly unreplicated: (error: Error) => void;

  constructor(
    private readonly options: BullmqJobQueueOptions,
    private readonly queue: Queue<QueuedJobData>,
    bullPrefix: string,
    queueName: string,
  ) {
    this.bullPrefix = bullPrefix;
    this.queueName = queueName;
    this.triager = new TimeoutTriager(options.redis, options.logger);
    this.triager.open();
    this.unreplicated = throttledErrorLog(options.logger, 'job acknowledged before any replica of its master had it');
    const bounded: Bounded = (operation, what, size) => this.bounded(operation, what, size);
    this.index = new JobIndex(options.redis, `${bullPrefix}:${queueName}`, bounded);
    this.summaries = new BullmqSummaries(options.redis, (name) => queue.toKey(name), this.index, bounded);
  }

  /**
   * Bounds one operation in time; one that times out while Redis answers is a timed-out request
   * (logged with `size`), not a Redis outage (see TimeoutTriager).
   */
  private bounded<T>(operation: Promise<T>, what: string, size?: SizeOf): Promise<T> {
    return withDeadline(
      operation,
      what,
      this.options.callTimeoutMs ?? QUEUE_CALL_TIMEOUT_MS,
      this.triager.triage(size),
    );
  }

  /** The sizes of a job's input and result, read without reading them (HSTRLEN is O(1)). */
  private jobSize(id: string): SizeOf {
    return async (probe) => {
      const key = this.queue.toKey(id);
      const [input, result] = await Promise.all([probe.hstrlen(key, 'data'), probe.hstrlen(key, 'returnvalue')]);
      return { inputBytes: input, resultBytes: result };
    };
  }

  async status(): Promise<BackendStatus> {
    if (this.options.redis.status !== 'ready') return 'disconnected';
    try {
      await pingRedis(this.options.redis); // bounded by the connection's command timeout
      return 'connected';
    } catch {
      return 'disconnected';
    }
  }

  async add({ kind, data, ownerKeyId }: NewJob): Promise<StoredJob> {
    if (!this.options.kinds.has(kind)) throw new Error(`Unknown job kind '${kind}'`);
    const id = randomUUID();
    const createdAt = Date.now();
    await this.bounded(
      this.adds.run({ id, kind, ownerKeyId, createdAt, data: withTrace({ ownerKeyId, input: data }) }),
      'job add',
      () => Promise.resolve({ inputBytes: Buffer.byteLength(JSON.stringify(data ?? null)) }),
    );
    await this.replicated(id);
    this.maybeTrim(ownerKeyId);
    return { id, kind, ownerKeyId, state: 'waiting', progress: 0, attemptsMade: 0, createdAt };
  }

  /**
   * The adds of one turn of the event loop (the submissions of one httpBatchLink request, or of
   * several requests read together), in two commands on the one command connection: one script
   * call indexing them all, then one BullMQ `addBulk` (a MULTI) — Redis runs them in that order,
   * and an index entry without its job is harmless. Two socket writes, however many jobs.
   */
  private async addTogether(adds: PendingAdd[]): Promise<Array<void | Error>> {
    const [, added] = await Promise.all([
      this.index.addMany(
        adds.map((add) => ({ jobId: add.id, ownerKeyId: add.ownerKeyId, score: scoreOf(add.createdAt) })),
      ),
      this.queue.addBulk(
        adds.map((add) => ({ name: add.kind, data: add.data, opts: { jobId: add.id, timestamp: add.createdAt } })),
      ),
    ]);
    return adds.map((_, index) =>
      added[index] === undefined ? new Error('BullMQ added fewer jobs than asked') : undefined,
    );
  }

  /**
   * On a cluster, a job is acknowledged once a replica of the queue's master has it too, so that a
   * failover (which promotes a replica) keeps it. A master without a replica in time still gets the
   * job acknowledged — its AOF keeps it across a restart — and a warning is logged.
   */
  private async replicated(id: string): Promise<void> {
    const replicas = await withDeadline(
      waitForReplica(this.options.redis, this.queue.toKey(id), REPLICA_WAIT_MS),
      'job replication',
      REPLICA_WAIT_MS + 150,
      this.triager.triage(),
    );
    if (replicas === 0) this.unreplicated(new Error(`no replica acknowledged job ${id} within ${REPLICA_WAIT_MS} ms`));
  }

  private maybeTrim(ownerKeyId: string): void {
    this.addsSinceTrim += 1;
    if (this.addsSinceTrim % TRIM_EVERY !== 0) return;
    const belowScore = scoreFloor(Date.now() - INDEX_GRACE_MS);
    const jobKey = (id: string) => this.queue.toKey(id);
    for (const key of [this.index.keyFor(ownerKeyId), this.index.keyFor(undefined)]) {
      this.index.trim(key, belowScore, jobKey).catch(() => undefined);
    }
  }

  /** The whole job, input and result included (jobs.get, admin.jobs.get). */
  private async load(id: string): Promise<StoredJob | null> {
    if (!isJobId(id)) return null;
    const [read, state] = await this.bounded(
      Promise.all([this.queue.getJob(id), this.queue.getJobState(id)]),
      'job read',
      this.jobSize(id),
    );
    let job = read;
    const mapped = toJobState(state);
    // The two reads are not one snapshot: a job that finished between them reads as finished
    // with its data from before; read it again so its result and attempts match its state.
    if ((mapped === 'completed' || mapped === 'failed') && job !== undefined && (job.finishedOn ?? null) === null) {
      job = await this.bounded(this.queue.getJob(id), 'job read', this.jobSize(id));
    }
    if (job === undefined || mapped === null) return null;
    return toStoredJob(job as Job<QueuedJobData>, mapped);
  }

  get(id: string): Promise<StoredJob | null> {
    return this.load(id);
  }

  list(query: ListJobsQuery): Promise<JobListPage> {
    return listFromIndex(this.index, (ids) => this.summaries.page(ids, query.ownerKeyId), query);
  }

  async finishedTotal(): Promise<number> {
    const [completed, failed] = await this.bounded(
      Promise.all([this.queue.getMetrics('completed', 0, 0), this.queue.getMetrics('failed', 0, 0)]),
      'job metrics',
    );
    return completed.meta.count + failed.meta.count;
  }

  async counts(): Promise<JobCounts> {
    const c = await this.bounded(
      this.queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'delayed', 'active', 'completed', 'failed'),
      'job counts',
    );
    const n = (key: string) => c[key] ?? 0;
    return {
      // BullMQ 6 keeps the jobs of a paused queue in its wait list.
      waiting: n('waiting') + n('prioritized') + n('waiting-children'),
      delayed: n('delayed'),
      active: n('active'),
      completed: n('completed'),
      failed: n('failed'),
    };
  }

  async depth(): Promise<number> {
    const c = await this.bounded(this.queue.getJobCounts('waiting', 'prioritized', 'delayed'), 'queue depth');
    return Object.values(c).reduce((sum, count) => sum + count, 0);
  }

  async pause(): Promise<void> {
    await this.bounded(this.queue.pause(), 'pause');
  }

  async resume(): Promise<void> {
    await this.bounded(this.queue.resume(), 'resume');
  }

  isPaused(): Promise<boolean> {
    return this.bounded(this.queue.isPaused(), 'isPaused');
  }

  async retry(id: string): Promise<StoredJob | null> {
    if (!isJobId(id)) return null;
    const job = await this.bounded(this.queue.getJob(id), 'job read', this.jobSize(id));
    if (job === undefined) return null;
    const state = await this.bounded(job.getState(), 'job state');
    if (state === 'failed' || state === 'completed') {
      await this.bounded(job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true }), 'job retry');
    }
    return this.load(id);
  }

  async remove(id: string): Promise<boolean> {
    if (!isJobId(id)) return false;
    const [summary] = await this.summaries.page([id], undefined);
    if (summary === undefined || summary === null) return false;
    if (summary.state === 'active') throw new JobActiveError(id);
    const removed = await this.bounded(this.queue.remove(id), 'job remove');
    await this.index.forget(id, summary.ownerKeyId === '' ? undefined : summary.ownerKeyId);
    return removed === 1;
  }

  watch(id: string, signal: AbortSignal): AsyncIterable<JobUpdate> {
    const { hub } = this.ensureEvents();
    const source: WatchSource = {
      read: () => (isJobId(id) ? this.summaries.update(id, Date.now()) : Promise.resolve(null)),
      subscribe: (listener) => hub.subscribe(id, listener),
    };
    return trackedWatch(this.watchers, source, signal, this.options.watchPollMs ?? 1000);
  }

  /** One QueueEvents (one stream reader) per process, created on the first watch. */
  private ensureEvents(): NonNullable<BullmqJobQueue['events']> {
    if (this.events === undefined) {
      const connection = createBlockingConnection(this.options.redisUrl, this.options.connectTimeoutMs);
      connection.on('error', () => undefined);
      const queueEvents = new QueueEvents(this.queueName, { connection, prefix: this.bullPrefix });
      queueEvents.on('error', throttledErrorLog(this.options.logger, 'queue events error'));
      this.events = { queueEvents, connection, hub: new JobEventHub(queueEvents, Date.now) };
    }
    return this.events;
  }

  startWorker(concurrency: number): RunningWorker {
    const worker = startBullmqWorker({
      queueName: this.queueName,
      bullPrefix: this.bullPrefix,
      redisUrl: this.options.redisUrl,
      connectTimeoutMs: this.options.connectTimeoutMs,
      kinds: this.options.kinds,
      logger: this.options.logger,
      concurrency,
      lockDurationMs: this.options.lockDurationMs ?? 30_000,
      stalledIntervalMs: this.options.stalledIntervalMs ?? 30_000,
      closeTimeoutMs: this.options.workerCloseTimeoutMs ?? 8000,
    });
    const workers = this.workers;
    const tracked: RunningWorker = {
      async close() {
        await worker.close();
        workers.delete(tracked);
      },
    };
    workers.add(tracked);
    return tracked;
  }

  async close(): Promise<void> {
    for (const watcher of this.watchers) watcher.abort();
    await Promise.all([...this.workers].map((worker) => worker.close()));
    if (this.events !== undefined) {
      const { queueEvents, connection } = this.events;
      this.events = undefined;
      await settleWithin(queueEvents.close(), 1000, undefined);
      await closeQuietly(connection);
    }
    await settleWithin(this.queue.close(), 1000, undefined);
    await this.triager.close();
  }
}

/**
 * The BullMQ queue: a producer Queue on the shared fail-fast command connection (every call
 * bounded, a 503 within a second while Redis is down), workers and the event reader on their own
 * blocking connections that reconnect by themselves. Resolves once the queue answers.
 */
export async function createBullmqJobQueue(options: BullmqJobQueueOptions): Promise<JobQueue> {
  const bullPrefix = `${options.prefix}:{queue}`;
  const queueName = options.queueName ?? 'jobs';
  const policy: JobPolicy = { ...DEFAULT_JOB_POLICY, ...options.policy };
  const queue = new Queue<QueuedJobData>(queueName, {
    connection: options.redis,
    prefix: bullPrefix,
    defaultJobOptions: {
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: policy.backoffDelayMs },
      removeOnComplete: { age: policy.keepCompleted.ageSec, count: policy.keepCompleted.count },
      removeOnFail: { age: policy.keepFailed.ageSec, count: policy.keepFailed.count },
    },
  });
  queue.on('error', throttledErrorLog(options.logger, 'job queue error'));
  try {
    await withDeadline(queue.waitUntilReady(), 'queue start', options.connectTimeoutMs);
  } catch (error) {
    await queue.close().catch(() => undefined);
    throw error;
  }
  return new BullmqJobQueue(options, queue, bullPrefix, queueName);
}

/** The job's data with the submitting request's trace context when there is one (OTEL_ENABLED). */
function withTrace(data: QueuedJobData): QueuedJobData {
  const trace = currentTraceCarrier();
  return trace === undefined ? data : { ...data, trace };
}
