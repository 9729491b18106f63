import type { AdminJobSummary, JobDetail, JobState, JobUpdate } from '@tollgate/shared';
import type { BackendProbe } from '../backend-health.js';

export type JobCounts = Record<JobState, number>;

export interface NewJob {
  kind: string;
  data: unknown;
  ownerKeyId: string;
}

export interface ListJobsQuery {
  ownerKeyId?: string;
  state?: JobState;
  limit: number;
  cursor?: string;
}

export interface JobListPage {
  items: AdminJobSummary[];
  nextCursor: string | null;
}

export type StoredJob = JobDetail & {
  ownerKeyId: string;
  kind: string;
  /** the job's data as submitted (for summaries); never sent to callers as is */
  input?: unknown;
};

/** What a list summary is made of; both queues read only this much of a job to list it. */
export interface SummarySource {
  id: string;
  ownerKeyId: string;
  state: JobState;
  progress: number;
  attemptsMade: number;
  createdAt: number;
  finishedAt?: number | undefined;
}

/**
 * A job as lists show it (both queues): progress 100 once completed, `finishedAt` only once
 * completed or failed; never a result, failure reason, kind or input.
 */
export function toSummary(job: SummarySource): AdminJobSummary {
  const summary: AdminJobSummary = {
    id: job.id,
    ownerKeyId: job.ownerKeyId,
    state: job.state,
    progress: job.state === 'completed' ? 100 : job.progress,
    attemptsMade: job.attemptsMade,
    createdAt: job.createdAt,
  };
  if (job.finishedAt !== undefined && (job.state === 'completed' || job.state === 'failed')) {
    summary.finishedAt = job.finishedAt;
  }
  return summary;
}

/** Something running jobs; `close()` lets active jobs finish (bounded) or hands them back. */
export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * The background job queue: BullMQ on Redis, or an in-process queue in demo mode.
 * Both keep the same states, progress, retries and events.
 */
export interface JobQueue extends BackendProbe {
  add(job: NewJob): Promise<StoredJob>;
  get(id: string): Promise<StoredJob | null>;
  /**
   * Newest first; an owner's jobs or (without ownerKeyId) all. A page may hold fewer than `limit`
   * items with a non-null cursor (bounded scan); nextCursor is null on the last page. Rejects with
   * InvalidInputError for a cursor it did not issue.
   */
  list(query: ListJobsQuery): Promise<JobListPage>;
  counts(): Promise<JobCounts>;
  /**
   * Jobs that finished (completed or failed for good) since counting began: monotonic, unlike
   * the completed/failed counts that retention trims. Feeds the dashboard's jobs per minute.
   */
  finishedTotal(): Promise<number>;
  /** waiting + delayed + prioritized (+ paused) */
  depth(): Promise<number>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  isPaused(): Promise<boolean>;
  /** A failed or completed job runs again (attempts reset); other states are left alone. null: unknown id. */
  retry(id: string): Promise<StoredJob | null>;
  /** false for an unknown id; rejects with JobActiveError (errors.ts) for a running job. */
  remove(id: string): Promise<boolean>;
  /** State/progress events of one job until it completes or fails, or `signal` aborts. */
  watch(id: string, signal: AbortSignal): AsyncIterable<JobUpdate>;
  /** Starts taking jobs; with BullMQ, on its own blocking connections (another process may run it). */
  startWorker(concurrency: number): RunningWorker;
  close(): Promise<void>;
}
