import type { RedisClient } from '../redis/redis-client.js';
import type { CacheKeyNames } from './redis-cache-keys.js';
import { entryMessage, groupMessage } from './redis-cache-keys.js';
import { withCacheScripts } from './redis-cache-scripts.js';

/** One entry's Redis names. */
export interface EntryRef {
  readonly key: string;
  readonly group: string | undefined;
  readonly entryKey: string;
}

export type AcquireReply =
  { status: 'value'; payload: string } | { status: 'acquired' } | { status: 'held'; ms: number };

/** The cache's Redis commands, one round trip each (scripts documented in scripts/*.lua). */
export function cacheCommands(connection: RedisClient, names: CacheKeyNames) {
  const redis = withCacheScripts(connection);
  const grouped = (ref: EntryRef) => (ref.group === undefined ? '' : '1');
  const members = (ref: EntryRef) => names.members(ref.key, ref.group);
  const lock = (ref: EntryRef) => names.lock(ref.key, ref.group);
  const locks = (ref: EntryRef) => names.locks(ref.key, ref.group);
  return {
    ref: (key: string, group: string | undefined): EntryRef => ({ key, group, entryKey: names.entry(key, group) }),

    get: (ref: EntryRef) => redis.get(ref.entryKey),

    /** the first bytes of the payload: enough for its expiry */
    head: (ref: EntryRef) => redis.getrange(ref.entryKey, 0, 24),

    /** 1 stored; 0 when a holder's store (`token` not '') was refused */
    set: (ref: EntryRef, payload: string, ttlMs: number, expiresAt: number, now: number, token: string) =>
      redis.tollgateCacheSet(
        ...[ref.entryKey, members(ref), lock(ref), locks(ref)],
        ...[payload, String(ttlMs), String(expiresAt), String(now), grouped(ref), token],
        ...[names.channel, entryMessage(ref.entryKey)],
      ),

    /** 1 when a live entry was removed */
    delete: (ref: EntryRef, now: number) =>
      redis.tollgateCacheDelete(
        ...[ref.entryKey, members(ref), lock(ref), locks(ref)],
        ...[String(now), grouped(ref), names.channel, entryMessage(ref.entryKey)],
      ),

    /** live entries removed */
    deleteGroup: (group: string, now: number) =>
      redis.tollgateCacheDeleteGroup(
        ...[names.groupMembers(group), names.groupLocks(group)],
        ...[String(now), names.channel, groupMessage(group)],
      ),

    async acquire(ref: EntryRef, now: number, token: string, lockTtlMs: number): Promise<AcquireReply> {
      const [status, detail] = await redis.tollgateCacheAcquire(
        ...[ref.entryKey, lock(ref), locks(ref)],
        ...[String(now), token, String(lockTtlMs), grouped(ref)],
      );
      if (status === 1) return { status: 'value', payload: String(detail) };
      return status === 0 ? { status: 'acquired' } : { status: 'held', ms: Number(detail) };
    },

    /** wakes the entry's waiters when released */
    release: (ref: EntryRef, token: string) =>
      redis.tollgateCacheRelease(lock(ref), token, names.channel, entryMessage(ref.entryKey)),
  };
}

export type CacheCommands = ReturnType<typeof cacheCommands>;
