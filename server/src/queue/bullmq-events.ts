import type { QueueEvents } from 'bullmq';
import type { JobHint } from './watch-job.js';
import { toPercent } from './job-policy.js';

type Listener = (hint: JobHint) => void;

/** Events that may change what a watcher shows; anything else is ignored. */
const RELOAD_EVENTS = ['added', 'waiting', 'active', 'delayed', 'failed', 'removed', 'stalled'] as const;

/**
 * Fans the events of one QueueEvents (one stream reader per process) out to watchers by job id,
 * so `watch()` works whichever process runs the job.
 */
export class JobEventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(events: QueueEvents, now: () => number) {
    events.on('progress', ({ jobId, data }) => {
      this.dispatch(jobId, { jobId, state: 'active', progress: toPercent(data), at: now() });
    });
    events.on('completed', ({ jobId }) => {
      this.dispatch(jobId, { jobId, state: 'completed', progress: 100, at: now() });
    });
    for (const event of RELOAD_EVENTS) {
      events.on(event, (args: { jobId: string }) => this.dispatch(args.jobId, null));
    }
  }

  subscribe(jobId: string, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(jobId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(jobId);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(jobId);
    };
  }

  get watchedJobs(): number {
    return this.listeners.size;
  }

  private dispatch(jobId: string, hint: JobHint): void {
    const set = this.listeners.get(jobId);
    if (set === undefined) return;
    for (const listener of set) listener(hint);
  }
}
