import type { RedisClient } from '../redis/redis-client.js';
import { inOneWrite, settledReply } from '../redis/one-write.js';
import type { AdminJobSummary, JobUpdate } from '@tollgate/shared';
import { failedReasonOf, ownerOf, toJobSummary } from './bullmq-job-mapper.js';
import type { Bounded, JobIndex } from './job-index.js';
import { JobSummaryReader, type JobSummaryRead } from './bullmq-summary-reader.js';
import { updateOf } from './watch-job.js';

/** The owner key id in a job's stored data (`{"ownerKeyId":…,"input":…}`). */
function ownerOfData(data: string): string {
  try {
    return ownerOf(JSON.parse(data));
  } catch {
    return '';
  }
}

/**
 * What lists and watchers see of BullMQ jobs — summaries, state updates — read without their input
 * or result: one round trip per page (see JobSummaryReader), whatever the size of the jobs.
 */
export class BullmqSummaries {
  private readonly reader: JobSummaryReader;

  constructor(
    private readonly redis: RedisClient,
    /** `queue.toKey` */
    private readonly keyOf: (name: string) => string,
    private readonly index: JobIndex,
    private readonly bounded: Bounded,
  ) {
    this.reader = new JobSummaryReader(redis, keyOf);
  }

  /**
   * Summaries in the order of `ids` (null: gone). Owners come from `ownerKeyId` (an owner's list)
   * or the index's owners hash (admin lists).
   */
  async page(ids: string[], ownerKeyId: string | undefined): Promise<Array<AdminJobSummary | null>> {
    const reads = await this.bounded(
      this.reader.read(ids, ownerKeyId === undefined ? { ownersKey: this.index.ownersKey() } : {}),
      'job list',
      { jobs: ids.length },
    );
    if (ownerKeyId === undefined) await this.recoverOwners(reads);
    return reads.map((read) => (read === null ? null : toJobSummary(read, ownerKeyId ?? read.owner ?? '')));
  }

  /** What a watcher reports: state, progress and the failure reason. */
  async update(id: string, at: number): Promise<JobUpdate | null> {
    const [read] = await this.bounded(this.reader.read([id], { failedReason: true }), 'job state read');
    const summary = read === undefined || read === null ? null : toJobSummary(read, '');
    if (read === undefined || read === null || summary === null) return null;
    return updateOf({ ...summary, failedReason: failedReasonOf(read, summary.state) }, at);
  }

  /**
   * Jobs indexed before the owners hash existed have no entry there: their owner is read once
   * from their data (the only read of a job's input a list may make) and recorded.
   */
  private async recoverOwners(reads: Array<JobSummaryRead | null>): Promise<void> {
    const unknown = reads.filter((read): read is JobSummaryRead => read !== null && read.owner === null);
    if (unknown.length === 0) return;
    const dataReads = inOneWrite(this.redis, () =>
      unknown.map((read) => settledReply(this.redis.hget(this.keyOf(read.id), 'data'))),
    );
    const replies = await this.bounded(Promise.all(dataReads), 'job owner read', { jobs: unknown.length });
    const found = new Map<string, string>();
    for (const [i, read] of unknown.entries()) {
      const data = replies[i];
      if (typeof data !== 'string') continue;
      read.owner = ownerOfData(data);
      if (read.owner !== '') found.set(read.id, read.owner);
    }
    await this.index.rememberOwners(found);
  }
}
