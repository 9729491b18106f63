import type { Job, JobState as BullState } from 'bullmq';
import type { JobState } from '@tollgate/shared';
import type { StoredJob } from './job-queue.js';
import { toJobResult, toPercent } from './job-policy.js';

/** What a BullMQ job carries besides its kind (the job name). */
export interface QueuedJobData {
  ownerKeyId: string;
  input: unknown;
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

function ownerOf(data: unknown): string {
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
