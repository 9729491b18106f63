import type { JobState, JobUpdate } from '@tollgate/shared';
import type { StoredJob } from './job-queue.js';

/** A hint about one job: an update to pass on as is, or `null` for "something changed, re-read it". */
export type JobHint = JobUpdate | null;

export interface WatchSource {
  /** The job's current state; null once it no longer exists. May throw while the backend is down. */
  read(): Promise<JobUpdate | null>;
  /** Registers for hints about this job; returns the unsubscribe function. */
  subscribe(listener: (hint: JobHint) => void): () => void;
}

export function isFinished(state: JobState): boolean {
  return state === 'completed' || state === 'failed';
}

/** The update event describing a job as it is now (all it needs of a job: no input, no result). */
export function updateOf(
  job: Pick<StoredJob, 'id' | 'state' | 'progress'> & { failedReason?: string | undefined },
  at: number,
): JobUpdate {
  const update: JobUpdate = { jobId: job.id, state: job.state, progress: job.progress, at };
  if (job.failedReason !== undefined) update.failedReason = job.failedReason;
  return update;
}

function differs(update: JobUpdate, last: JobUpdate | undefined): boolean {
  return (
    last === undefined ||
    update.state !== last.state ||
    update.progress !== last.progress ||
    update.failedReason !== last.failedReason
  );
}

/**
 * State/progress updates of one job: the current state first, then every change, until the job
 * completes or fails (that event is the last), disappears, or `signal` aborts. Hints drive it;
 * a re-read every `pollMs` covers hints that never came (events missed while reconnecting).
 */
export async function* watchJob(source: WatchSource, signal: AbortSignal, pollMs: number): AsyncGenerator<JobUpdate> {
  const pending: JobHint[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const unsubscribe = source.subscribe((hint) => {
    pending.push(hint);
    notify();
  });
  signal.addEventListener('abort', notify);
  let last: JobUpdate | undefined;
  let mustRead = true;
  try {
    while (!signal.aborted) {
      const updates: JobUpdate[] = [];
      if (mustRead) {
        mustRead = false;
        const snapshot = await source.read().catch(() => undefined);
        if (snapshot === null) return;
        if (snapshot !== undefined) updates.push(snapshot);
      }
      for (let hint = pending.shift(); hint !== undefined; hint = pending.shift()) {
        if (hint === null) mustRead = true;
        else updates.push(hint);
      }
      for (const update of updates) {
        if (!differs(update, last)) continue;
        last = update;
        yield update;
        if (isFinished(update.state)) return;
      }
      if (mustRead || pending.length > 0 || signal.aborted) continue;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(() => {
          mustRead = true;
          resolve();
        }, pollMs);
      });
      clearTimeout(timer);
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', notify);
  }
}

/**
 * {@link watchJob} registered in `watchers`, so that closing the queue ends every open watch
 * (subscriptions must not hold a shutdown).
 */
export function trackedWatch(
  watchers: Set<AbortController>,
  source: WatchSource,
  signal: AbortSignal,
  pollMs: number,
): AsyncIterable<JobUpdate> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) controller.abort();
  watchers.add(controller);
  return (async function* () {
    try {
      yield* watchJob(source, controller.signal, pollMs);
    } finally {
      signal.removeEventListener('abort', onAbort);
      watchers.delete(controller);
    }
  })();
}
