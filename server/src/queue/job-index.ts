import type { Redis } from 'ioredis';
import { withDeadline } from '../with-timeout.js';
import type { ListPosition } from './list-cursor.js';

/**
 * Sorted sets of job ids scored by {@link scoreOf}: one per owner key and one of every job, next to the
 * queue's keys (same prefix and hash tag). Finished jobs are removed lazily by BullMQ's retention,
 * so an index may name jobs that are gone: readers skip them and `forget` drops them.
 */
/**
 * Entries younger than this are never dropped, even when their job cannot be read: the job is
 * indexed just before it is added, so a reader may see the entry a moment before the job exists.
 */
export const INDEX_GRACE_MS = 60_000;

export class JobIndex {
  constructor(
    private readonly redis: Redis,
    /** `<prefix>:{queue}:<queue name>` */
    private readonly base: string,
  ) {}

  private ownerKey(ownerKeyId: string): string {
    return `${this.base}:idx:owner:${ownerKeyId}`;
  }

  private allKey(): string {
    return `${this.base}:idx:all`;
  }

  keyFor(ownerKeyId: string | undefined): string {
    return ownerKeyId === undefined ? this.allKey() : this.ownerKey(ownerKeyId);
  }

  /** Indexes a job before it is added: an index entry without a job is harmless, the reverse is not. */
  async add(jobId: string, ownerKeyId: string, score: number): Promise<void> {
    await withDeadline(
      this.redis.multi().zadd(this.ownerKey(ownerKeyId), score, jobId).zadd(this.allKey(), score, jobId).exec(),
      'index add',
    );
  }

  async forget(jobId: string, ownerKeyId: string | undefined): Promise<void> {
    const pipeline = this.redis.multi().zrem(this.allKey(), jobId);
    if (ownerKeyId !== undefined) pipeline.zrem(this.ownerKey(ownerKeyId), jobId);
    await withDeadline(pipeline.exec(), 'index remove');
  }

  /** Drops ids from one index (jobs found missing while listing). */
  async forgetFrom(indexKey: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await withDeadline(this.redis.zrem(indexKey, ...jobIds), 'index trim');
  }

  /** Up to `count` entries after `position` (newest first); from the newest when position is null. */
  async readAfter(indexKey: string, position: ListPosition | null, count: number): Promise<ListPosition[]> {
    const entries: ListPosition[] = [];
    if (position !== null) {
      // Entries sharing the position's timestamp that sort after it (rare: same-millisecond jobs).
      const tied = await withDeadline(
        this.redis.zrange(indexKey, position.score, position.score, 'BYSCORE'),
        'index read',
      );
      tied.sort().reverse();
      for (const id of tied) {
        if (id < position.id && entries.length < count) entries.push({ score: position.score, id });
      }
    }
    const remaining = count - entries.length;
    if (remaining <= 0) return entries;
    const max = position === null ? '+inf' : `(${position.score}`;
    const flat = await withDeadline(
      this.redis.zrange(indexKey, max, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, remaining, 'WITHSCORES'),
      'index read',
    );
    for (let i = 0; i + 1 < flat.length; i += 2) {
      entries.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    }
    return entries;
  }

  /**
   * Bounds an index: among its oldest entries scored below `belowScore` (at most `sample` of them),
   * drops those whose job hash is gone. Called on add, so an owner that never lists stays bounded.
   */
  async trim(indexKey: string, belowScore: number, jobKey: (id: string) => string, sample = 50): Promise<void> {
    const ids = await withDeadline(
      this.redis.zrange(indexKey, '-inf', `(${belowScore}`, 'BYSCORE', 'LIMIT', 0, sample),
      'index trim',
    );
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(jobKey(id));
    const results = (await withDeadline(pipeline.exec(), 'index trim')) ?? [];
    const missing = ids.filter((_, i) => results[i]?.[1] === 0);
    await this.forgetFrom(indexKey, missing);
  }
}
