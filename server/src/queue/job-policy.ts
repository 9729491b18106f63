import type { JobDetail, ValidationJobResult } from '@tollgate/shared';
import { validationJobResultSchema } from '@tollgate/shared';

/** Retries and retention shared by both queues; tests shorten the backoff. */
export interface JobPolicy {
  /** runs of a job before it fails for good (UnrecoverableError fails at once) */
  attempts: number;
  /** exponential backoff: the n-th retry waits backoffDelayMs × 2^(n-1) */
  backoffDelayMs: number;
  /** finished jobs kept: at most `count`, none older than `ageSec` (removal is lazy) */
  keepCompleted: { ageSec: number; count: number };
  keepFailed: { ageSec: number; count: number };
}

export const DEFAULT_JOB_POLICY: JobPolicy = Object.freeze({
  attempts: 3,
  backoffDelayMs: 1000,
  keepCompleted: Object.freeze({ ageSec: 24 * 3600, count: 1000 }),
  keepFailed: Object.freeze({ ageSec: 7 * 24 * 3600, count: 5000 }),
});

export function backoffDelay(policy: JobPolicy, attemptsMade: number): number {
  return policy.backoffDelayMs * 2 ** Math.max(0, attemptsMade - 1);
}

/** A job's progress as a percentage; anything that is not a number counts as 0. */
export function toPercent(progress: unknown): number {
  if (typeof progress !== 'number' || !Number.isFinite(progress)) return 0;
  return Math.min(100, Math.max(0, progress));
}

/** The result of a completed job, when it has the shape clients expect. */
export function toJobResult(value: unknown): JobDetail['result'] {
  const parsed = validationJobResultSchema.safeParse(value);
  return parsed.success ? (parsed.data satisfies ValidationJobResult) : undefined;
}
