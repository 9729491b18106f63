import { setTimeout as sleep } from 'node:timers/promises';
import { callProcedure, field, now } from './trpc-call.js';

interface PendingJob {
  apiKey: string;
  acceptedAt: number;
  /** its last known state, else how jobs.get last answered (`NOT_FOUND / 404`, `timeout` …) */
  state: string;
}

export interface JobTally {
  accepted: number;
  completed: number;
  /** failed for good (every attempt used) */
  failed: string[];
  /** accepted and not completed, failed ones included, after the drain */
  lost: Array<{ jobId: string; state: string }>;
  /** from acceptance to the soak's seeing it completed (polled: up to a second late), the slowest job, ms */
  slowestMs: number;
}

/** Jobs asked about at once. */
const CONCURRENCY = 8;

/**
 * Follows every accepted job through `jobs.get` (with the key that owns it) until it is
 * completed or failed. It polls while the load runs, because the queue keeps only the latest
 * finished jobs (a completed job is removed after a thousand more): a job is confirmed when it is
 * seen completed. After the load, `drain` waits for the rest.
 */
export class JobTracker {
  private readonly pending = new Map<string, PendingJob>();
  private readonly failed: string[] = [];
  private accepted = 0;
  private completed = 0;
  private slowestMs = 0;
  private polls = 0;

  constructor(
    private readonly servers: string[],
    private readonly timeoutMs: number,
  ) {}

  add(jobId: string, apiKey: string, acceptedAt: number): void {
    this.accepted++;
    this.pending.set(jobId, { apiKey, acceptedAt, state: 'never seen' });
  }

  get counts(): { accepted: number; completed: number; failed: number; pending: number } {
    return {
      accepted: this.accepted,
      completed: this.completed,
      failed: this.failed.length,
      pending: this.pending.size,
    };
  }

  /** Polls about once a second until `stop` resolves; then what is left, for at most `drainTimeoutMs`. */
  async follow(stop: Promise<void>, drainTimeoutMs: number): Promise<JobTally> {
    let stopped = false;
    void stop.then(() => (stopped = true));
    while (!stopped) {
      const started = now();
      await this.pollOnce();
      await Promise.race([sleep(Math.max(0, 1000 - (now() - started))), stop]);
    }
    const deadline = now() + drainTimeoutMs;
    while (this.pending.size > 0 && now() < deadline) {
      await this.pollOnce();
      if (this.pending.size > 0) await sleep(250);
    }
    return {
      accepted: this.accepted,
      completed: this.completed,
      failed: [...this.failed],
      lost: [
        ...this.failed.map((jobId) => ({ jobId, state: 'failed' })),
        ...[...this.pending].map(([jobId, job]) => ({ jobId, state: job.state })),
      ],
      slowestMs: this.slowestMs,
    };
  }

  private async pollOnce(): Promise<void> {
    const queue = [...this.pending.keys()];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let jobId = queue.pop(); jobId !== undefined; jobId = queue.pop()) await this.check(jobId);
      }),
    );
  }

  private async check(jobId: string): Promise<void> {
    const job = this.pending.get(jobId)!;
    const answer = await callProcedure({
      url: this.servers[this.polls++ % this.servers.length]!,
      path: 'jobs.get',
      kind: 'query',
      token: job.apiKey,
      input: { jobId },
      timeoutMs: this.timeoutMs,
    });
    const state = field(answer.data, 'state');
    if (typeof state !== 'string') {
      job.state = `jobs.get: ${answer.outcome}`;
      return;
    }
    job.state = state;
    if (state === 'completed') {
      this.completed++;
      this.slowestMs = Math.max(this.slowestMs, answer.answeredAt - job.acceptedAt);
      this.pending.delete(jobId);
    } else if (state === 'failed') {
      this.failed.push(jobId);
      this.pending.delete(jobId);
    }
  }
}
