import type { Job, JobState as BullState } from 'bullmq';
import type { AdminJobSummary, JobState } from '@tollgate/shared';
import { toSummary, type StoredJob } from './job-queue.js';
import { toJobResult, toPercent } from './job-policy.js';
import type { JobSummaryRead, SummaryFields } from './bullmq-summary-reader.js';
import type { TraceCarrier } from '../telemetry/job-trace.js';

/** What a BullMQ job carries besides its kind (the job name). */
export interface QueuedJobData {
  ownerKeyId: string;
  input: unknown;
  /** the submitting request's W3C trace context (OTEL_ENABLED only); never shown, never the input */
  trace?: TraceCarrier;
}

/** BullMQ's states as the contract names them (waiting covers prioritized, paused, waiting-children). */
export function toJobState(state: BullState | 'unknown' | 'paused'): JobState | null {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'paused':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    case 'unknown':
      return null;
  }
}

export function ownerOf(data: unknown): string {
  const owner = (data as Partial<QueuedJobData> | null)?.ownerKeyId;
  return typeof owner === 'string' ? owner : '';
}

export function toStoredJob(job: Job, state: JobState): StoredJob {
  const stored: StoredJob = {
    id: job.id ?? '',
    kind: job.name,
    ownerKeyId: ownerOf(job.data),
    state,
    progress: state === 'completed' ? 100 : toPercent(job.progress),
    attemptsMade: job.attemptsMade,
    createdAt: job.timestamp,
    input: (job.data as Partial<QueuedJobData> | null)?.input,
  };
  if (job.finishedOn !== undefined && job.finishedOn !== null && (state === 'completed' || state === 'failed')) {
    stored.finishedAt = job.finishedOn;
  }
  if (state === 'completed') {
    const result = toJobResult(job.returnvalue);
    if (result !== undefined) stored.result = result;
  }
  if (typeof job.failedReason === 'string' && job.failedReason !== '' && state !== 'completed') {
    stored.failedReason = job.failedReason;
  }
  return stored;
}

function integerOf(value: string | undefined): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** BullMQ stores progress as JSON (a number for our kinds). */
function progressOf(value: string | undefined): number {
  if (value === undefined) return 0;
  try {
    return toPercent(JSON.parse(value));
  } catch {
    return 0;
  }
}

/** attemptsMade as BullMQ reads it back: `attemptsMade`, else `atm`. */
function attemptsOf(fields: SummaryFields): number {
  return integerOf(fields.attemptsMade !== undefined && fields.attemptsMade !== '' ? fields.attemptsMade : fields.atm);
}

/** A list summary from the few hash fields read for it, with the same rules as toStoredJob. */
export function toJobSummary(read: JobSummaryRead, ownerKeyId: string): AdminJobSummary | null {
  const state = toJobState(read.state);
  if (state === null) return null;
  const { fields } = read;
  return toSummary({
    id: read.id,
    ownerKeyId,
    state,
    progress: progressOf(fields.progress),
    attemptsMade: attemptsOf(fields),
    createdAt: integerOf(fields.timestamp),
    finishedAt: fields.finishedOn === undefined || fields.finishedOn === '' ? undefined : integerOf(fields.finishedOn),
  });
}

/** The failure reason a watcher reports (as toStoredJob: not once the job completed). */
export function failedReasonOf(read: JobSummaryRead, state: JobState): string | undefined {
  const reason = read.fields.failedReason;
  return reason !== undefined && reason !== '' && state !== 'completed' ? reason : undefined;
}
