import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BackendStatus, JobState, JobUpdate } from '@tollgate/shared';
import type { Clock } from '../clock.js';
import { isUnrecoverable } from '../jobs/job-kind.js';
import type { JobKinds } from '../jobs/registry.js';
import { JobActiveError } from '../errors.js';
import { backoffDelay, DEFAULT_JOB_POLICY, toJobResult, toPercent, type JobPolicy } from './job-policy.js';
import {
  toSummary,
  type JobCounts,
  type JobListPage,
  type JobQueue,
  type ListJobsQuery,
  type NewJob,
  type RunningWorker,
  type StoredJob,
} from './job-queue.js';
import { decodeCursor, encodeCursor, isAfter, newestFirst, scoreOf } from './list-cursor.js';
import { trackedWatch, updateOf, type JobHint, type WatchSource } from './watch-job.js';
import { currentTraceCarrier, runInJobSpan, type TraceCarrier } from '../telemetry/job-trace.js';

export interface MemoryJobQueueOptions {
  kinds: JobKinds;
  clock: Clock;
  logger: Logger;
  policy?: Partial<JobPolicy>;
  /** how long a worker's close() waits for active jobs before handing them back; default 8 s */
  workerCloseTimeoutMs?: number;
  watchPollMs?: number;
}

interface MemoryJob {
  id: string;
  kind: string;
  ownerKeyId: string;
  data: unknown;
  /** the submitting request's W3C trace context (OTEL_ENABLED only) */
  trace?: TraceCarrier;
  state: JobState;
  progress: number;
  attemptsMade: number;
  createdAt: number;
  /** listing order (see scoreOf) */
  score: number;
  finishedAt?: number;
  result?: unknown;
  failedReason?: string;
  /** changes whenever the job is taken or handed back: a stale run's outcome is ignored */
  runToken?: number;
  retryTimer?: NodeJS.Timeout;
}

interface MemoryWorker extends RunningWorker {
  readonly concurrency: number;
  readonly running: Map<string, Promise<void>>;
  closing: boolean;
}

/**
 * The in-process queue of DEMO_MODE: the same states, progress, retries with exponential backoff,
 * UnrecoverableError, events, pause/resume, retention bounds and ownership as the BullMQ queue,
 * within one process and without durability.
 */
export class MemoryJobQueue implements JobQueue {
  readonly kind = 'memory' as const;
  private readonly jobs = new Map<string, MemoryJob>();
  private readonly waiting: string[] = [];
  private readonly workers = new Set<MemoryWorker>();
  private readonly events = new EventEmitter();
  private readonly watchers = new Set<AbortController>();
  private readonly policy: JobPolicy;
  private paused = false;
  private pumpScheduled = false;
  private nextToken = 1;
  private finished = 0;

  constructor(private readonly options: MemoryJobQueueOptions) {
    this.policy = { ...DEFAULT_JOB_POLICY, ...options.policy };
    this.events.setMaxListeners(0);
  }

  status(): Promise<BackendStatus> {
    return Promise.resolve('in-memory');
  }

  add({ kind, data, ownerKeyId }: NewJob): Promise<StoredJob> {
    if (!this.options.kinds.has(kind)) return Promise.reject(new Error(`Unknown job kind '${kind}'`));
    // Stored as JSON, like BullMQ does: later changes to the caller's object do not leak in.
    const createdAt = this.options.clock();
    const job: MemoryJob = {
      id: randomUUID(),
      kind,
      ownerKeyId,
      data: JSON.parse(JSON.stringify(data ?? null)) as unknown,
      state: 'waiting',
      progress: 0,
      attemptsMade: 0,
      createdAt,
      score: scoreOf(createdAt),
    };
    const trace = currentTraceCarrier();
    if (trace !== undefined) job.trace = trace;
    this.jobs.set(job.id, job);
    const accepted = this.snapshot(job);
    this.enqueue(job);
    return Promise.resolve(accepted);
  }

  get(id: string): Promise<StoredJob | null> {
    const job = this.jobs.get(id);
    return Promise.resolve(job === undefined ? null : this.snapshot(job));
  }

  async list({ ownerKeyId, state, limit, cursor }: ListJobsQuery): Promise<JobListPage> {
    const position = cursor === undefined ? null : decodeCursor(cursor);
    const matching = [...this.jobs.values()]
      .filter((job) => ownerKeyId === undefined || job.ownerKeyId === ownerKeyId)
      .filter((job) => state === undefined || job.state === state)
      .filter((job) => position === null || isAfter(job, position))
      .sort(newestFirst);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    // Summaries straight from the jobs: no copy of their data, no parse of their results.
    const items = page.map((job) => toSummary(job));
    return { items, nextCursor: matching.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  finishedTotal(): Promise<number> {
    return Promise.resolve(this.finished);
  }

  counts(): Promise<JobCounts> {
    const counts: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return Promise.resolve(counts);
  }

  async depth(): Promise<number> {
    const counts = await this.counts();
    return counts.waiting + counts.delayed;
  }

  pause(): Promise<void> {
    this.paused = true;
    return Promise.resolve();
  }

  resume(): Promise<void> {
    this.paused = false;
    this.schedulePump();
    return Promise.resolve();
  }

  isPaused(): Promise<boolean> {
    return Promise.resolve(this.paused);
  }

  retry(id: string): Promise<StoredJob | null> {
    const job = this.jobs.get(id);
    if (job === undefined) return Promise.resolve(null);
    if (job.state === 'failed' || job.state === 'completed') {
      job.attemptsMade = 0;
      job.progress = 0;
      delete job.finishedAt;
      delete job.result;
      delete job.failedReason;
      this.enqueue(job);
    }
    return Promise.resolve(this.snapshot(job));
  }

  remove(id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (job === undefined) return Promise.resolve(false);
    if (job.state === 'active') return Promise.reject(new JobActiveError(id));
    this.forget(job);
    this.emit(job.id, null);
    return Promise.resolve(true);
  }

  watch(id: string, signal: AbortSignal): AsyncIterable<JobUpdate> {
    const source: WatchSource = {
      read: async () => {
        const job = await this.get(id);
        return job === null ? null : updateOf(job, this.options.clock());
      },
      subscribe: (listener) => {
        this.events.on(id, listener);
        return () => this.events.off(id, listener);
      },
    };
    return trackedWatch(this.watchers, source, signal, this.options.watchPollMs ?? 1000);
  }

  startWorker(concurrency: number): RunningWorker {
    const closeTimeoutMs = this.options.workerCloseTimeoutMs ?? 8000;
    const worker: MemoryWorker = {
      concurrency,
      running: new Map(),
      closing: false,
      close: async () => {
        worker.closing = true;
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          Promise.allSettled(worker.running.values()).then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), closeTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (!finished) for (const id of worker.running.keys()) this.handBack(id);
        this.workers.delete(worker);
        this.schedulePump();
      },
    };
    this.workers.add(worker);
    this.schedulePump();
    return worker;
  }

  close(): Promise<void> {
    for (const watcher of this.watchers) watcher.abort();
    for (const job of this.jobs.values()) clearTimeout(job.retryTimer);
    return Promise.all([...this.workers].map((worker) => worker.close())).then(() => undefined);
  }

  private snapshot(job: MemoryJob): StoredJob {
    const stored: StoredJob = {
      id: job.id,
      kind: job.kind,
      ownerKeyId: job.ownerKeyId,
      state: job.state,
      progress: job.state === 'completed' ? 100 : job.progress,
      attemptsMade: job.attemptsMade,
      createdAt: job.createdAt,
      input: job.data,
    };
    if (job.finishedAt !== undefined) stored.finishedAt = job.finishedAt;
    const result = job.state === 'completed' ? toJobResult(job.result) : undefined;
    if (result !== undefined) stored.result = result;
    if (job.failedReason !== undefined && job.state !== 'completed') stored.failedReason = job.failedReason;
    return stored;
  }

  private emit(id: string, hint: JobHint): void {
    this.events.emit(id, hint);
  }

  private changed(job: MemoryJob): void {
    this.emit(job.id, updateOf(this.snapshot(job), this.options.clock()));
  }

  private enqueue(job: MemoryJob): void {
    job.state = 'waiting';
    delete job.runToken;
    this.waiting.push(job.id);
    this.changed(job);
    this.schedulePump();
  }

  /** Jobs start on a later turn of the event loop, never inside the caller's request. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private forget(job: MemoryJob): void {
    clearTimeout(job.retryTimer);
    this.jobs.delete(job.id);
    const at = this.waiting.indexOf(job.id);
    if (at !== -1) this.waiting.splice(at, 1);
  }

  /** Starts waiting jobs while some worker has a free slot and the queue is not paused. */
  private pump(): void {
    if (this.paused) return;
    for (const worker of this.workers) {
      while (!worker.closing && worker.running.size < worker.concurrency && !this.paused) {
        const id = this.waiting.shift();
        if (id === undefined) return;
        const job = this.jobs.get(id);
        if (job === undefined || job.state !== 'waiting') continue;
        this.start(worker, job);
      }
    }
  }

  private start(worker: MemoryWorker, job: MemoryJob): void {
    const token = this.nextToken++;
    job.runToken = token;
    job.state = 'active';
    this.changed(job);
    const kind = this.options.kinds.get(job.kind);
    const run = (async () => {
      try {
        if (kind === undefined) throw new Error(`Unknown job kind '${job.kind}'`);
        const traced = { kind: job.kind, id: job.id, attempt: job.attemptsMade + 1, trace: job.trace };
        const result = await runInJobSpan(traced, () =>
          kind.run(job.data, {
            reportProgress: (percent) => {
              if (job.runToken === token) {
                job.progress = toPercent(percent);
                this.changed(job);
              }
              return Promise.resolve();
            },
          }),
        );
        if (job.runToken === token) this.complete(job, result);
      } catch (error) {
        if (job.runToken === token) this.fail(job, error);
      } finally {
        worker.running.delete(job.id);
        this.schedulePump();
      }
    })();
    worker.running.set(job.id, run);
  }

  private complete(job: MemoryJob, result: unknown): void {
    delete job.runToken;
    job.attemptsMade += 1;
    job.state = 'completed';
    job.progress = 100;
    job.result = result;
    job.finishedAt = this.options.clock();
    this.finished += 1;
    this.changed(job);
    this.applyRetention('completed');
  }

  private fail(job: MemoryJob, error: unknown): void {
    delete job.runToken;
    job.attemptsMade += 1;
    job.failedReason = error instanceof Error ? error.message : String(error);
    if (!isUnrecoverable(error) && job.attemptsMade < this.policy.attempts) {
      job.state = 'delayed';
      this.changed(job);
      job.retryTimer = setTimeout(
        () => {
          delete job.retryTimer;
          if (this.jobs.get(job.id) === job && job.state === 'delayed') this.enqueue(job);
        },
        backoffDelay(this.policy, job.attemptsMade),
      );
      return;
    }
    this.options.logger.debug({ jobId: job.id, reason: job.failedReason }, 'job failed');
    job.state = 'failed';
    job.finishedAt = this.options.clock();
    this.finished += 1;
    this.changed(job);
    this.applyRetention('failed');
  }

  /** A job whose worker closed before it finished goes back to the front of the queue. */
  private handBack(id: string): void {
    const job = this.jobs.get(id);
    if (job === undefined || job.state !== 'active') return;
    delete job.runToken;
    job.state = 'waiting';
    this.waiting.unshift(job.id);
    this.changed(job);
  }

  /** Keeps at most `count` finished jobs of a state, none older than `ageSec`. */
  private applyRetention(state: 'completed' | 'failed'): void {
    const keep = state === 'completed' ? this.policy.keepCompleted : this.policy.keepFailed;
    const oldest = this.options.clock() - keep.ageSec * 1000;
    const finished = [...this.jobs.values()]
      .filter((job) => job.state === state)
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    for (const [rank, job] of finished.entries()) {
      if (rank >= keep.count || (job.finishedAt ?? 0) < oldest) this.forget(job);
    }
  }
}

export function createMemoryJobQueue(options: MemoryJobQueueOptions): JobQueue {
  return new MemoryJobQueue(options);
}
