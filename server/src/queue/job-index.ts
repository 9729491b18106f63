import { readFileSync } from 'node:fs';
import { defineScript, type RedisClient } from '../redis/redis-client.js';
import { inOneWrite } from '../redis/one-write.js';
import { withDeadline } from '../with-timeout.js';
import type { ListPosition } from './list-cursor.js';
import type { SizeOf } from './timeout-triage.js';

/** Bounds one Redis operation in time (`withDeadline`, or the queue's triaged version of it). */
export type Bounded = <T>(operation: Promise<T>, what: string, size?: SizeOf) => Promise<T>;

/**
 * Sorted sets of job ids scored by {@link scoreOf}: one per owner key and one of every job, and a
 * hash of every job's owner key id (what admin lists show, without reading the job's input), next
 * to the queue's keys (same prefix and hash tag). Finished jobs are removed lazily by BullMQ's
 * retention, so an index may name jobs that are gone: readers skip them and `forget` drops them.
 */
/**
 * Entries younger than this are never dropped, even when their job cannot be read: the job is
 * indexed just before it is added, so a reader may see the entry a moment before the job exists.
 */
export const INDEX_GRACE_MS = 60_000;

/** One job's entry: its id, its owner's key id and its score ({@link scoreOf}). */
export interface IndexEntry {
  jobId: string;
  ownerKeyId: string;
  score: number;
}

interface IndexScripts {
  /** index-add.lua: `numKeys`, then the keys, then score/id/owner per job */
  tollgateIndexAdd(numKeys: number, ...keysThenArgs: string[]): Promise<number>;
}

const indexAddLua = () => readFileSync(new URL('./scripts/index-add.lua', import.meta.url), 'utf8');

/** Registers index-add.lua on `redis` once (idempotent); its key count varies with the jobs. */
function withIndexScripts(redis: RedisClient): RedisClient & IndexScripts {
  defineScript(redis, 'tollgateIndexAdd', indexAddLua);
  return redis as RedisClient & IndexScripts;
}

export class JobIndex {
  constructor(
    private readonly redis: RedisClient,
    /** `<prefix>:{queue}:<queue name>` */
    private readonly base: string,
    private readonly bounded: Bounded = (operation, what) => withDeadline(operation, what),
  ) {}

  private ownerKey(ownerKeyId: string): string {
    return `${this.base}:idx:owner:${ownerKeyId}`;
  }

  private allKey(): string {
    return `${this.base}:idx:all`;
  }

  /** Hash: job id → owner key id, for every job in the index of all jobs. */
  ownersKey(): string {
    return `${this.base}:idx:owners`;
  }

  keyFor(ownerKeyId: string | undefined): string {
    return ownerKeyId === undefined ? this.allKey() : this.ownerKey(ownerKeyId);
  }

  /**
   * Indexes jobs before they are added, all in one script call (index-add.lua): an index entry
   * without a job is harmless, the reverse is not.
   */
  async addMany(entries: ReadonlyArray<IndexEntry>): Promise<void> {
    if (entries.length === 0) return;
    const keys = [this.allKey(), this.ownersKey(), ...entries.map((entry) => this.ownerKey(entry.ownerKeyId))];
    const args = entries.flatMap((entry) => [String(entry.score), entry.jobId, entry.ownerKeyId]);
    await this.bounded(withIndexScripts(this.redis).tollgateIndexAdd(keys.length, ...keys, ...args), 'index add');
  }

  async forget(jobId: string, ownerKeyId: string | undefined): Promise<void> {
    const pipeline = this.redis.multi().zrem(this.allKey(), jobId).hdel(this.ownersKey(), jobId);
    if (ownerKeyId !== undefined) pipeline.zrem(this.ownerKey(ownerKeyId), jobId);
    await this.bounded(pipeline.exec(), 'index remove');
  }

  /** Records owners found by other means (jobs indexed before the owners hash existed). */
  async rememberOwners(owners: ReadonlyMap<string, string>): Promise<void> {
    if (owners.size === 0) return;
    await this.bounded(this.redis.hset(this.ownersKey(), owners), 'index add');
  }

  /** Drops ids from one index (jobs found missing while listing); from the owners hash with the index of all. */
  async forgetFrom(indexKey: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const pipeline = this.redis.multi().zrem(indexKey, ...jobIds);
    if (indexKey === this.allKey()) pipeline.hdel(this.ownersKey(), ...jobIds);
    await this.bounded(pipeline.exec(), 'index trim');
  }

  /**
   * Up to `count` entries after `position` (newest first); from the newest when position is null.
   * One round trip: with a position, the entries tied with it are read in the same pipeline.
   */
  async readAfter(indexKey: string, position: ListPosition | null, count: number): Promise<ListPosition[]> {
    const max = position === null ? '+inf' : `(${position.score}`;
    const reads = inOneWrite(this.redis, () => [
      // Entries sharing the position's timestamp that sort after it (rare: same-millisecond jobs).
      ...(position === null ? [] : [this.redis.zrange(indexKey, position.score, position.score, 'BYSCORE')]),
      this.redis.zrange(indexKey, max, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES'),
    ]);
    const replies = await this.bounded(Promise.all(reads), 'index read');
    const flat = replies.at(-1) ?? [];
    const entries: ListPosition[] = [];
    if (position !== null) {
      const tied = replies.length > 1 ? (replies[0] ?? []) : [];
      for (const id of [...tied].sort().reverse()) {
        if (id < position.id && entries.length < count) entries.push({ score: position.score, id });
      }
    }
    for (let i = 0; i + 1 < flat.length && entries.length < count; i += 2) {
      entries.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    }
    return entries;
  }

  /**
   * Bounds an index: among its oldest entries scored below `belowScore` (at most `sample` of them),
   * drops those whose job hash is gone. Called on add, so an owner that never lists stays bounded.
   */
  async trim(indexKey: string, belowScore: number, jobKey: (id: string) => string, sample = 50): Promise<void> {
    const ids = await this.bounded(
      this.redis.zrange(indexKey, '-inf', `(${belowScore}`, 'BYSCORE', 'LIMIT', 0, sample),
      'index trim',
    );
    if (ids.length === 0) return;
    const exists = inOneWrite(this.redis, () => ids.map((id) => this.redis.exists(jobKey(id))));
    const results = await this.bounded(Promise.all(exists), 'index trim');
    const missing = ids.filter((_, i) => results[i] === 0);
    await this.forgetFrom(indexKey, missing);
  }
}
