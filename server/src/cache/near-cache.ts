import type { Clock } from '../clock.js';
import type { CacheEntry } from './cache-store.js';
import { LruMap } from '../lru-map.js';

export interface NearCacheLimits {
  /** entries kept at most (LRU) */
  maxEntries: number;
  /** sum of the payload sizes kept at most; an entry bigger than a sixteenth of it is never kept */
  maxBytes: number;
}

interface NearEntry {
  /** handed out as is: callers see only value and expiresAt */
  readonly entry: CacheEntry;
  readonly group: string | undefined;
  readonly bytes: number;
}

/** A read from Redis in flight; `stale` once an invalidation of its entry arrived meanwhile. */
export interface PendingRead {
  readonly entryKey: string;
  readonly group: string | undefined;
  stale: boolean;
}

/**
 * Recently read entries of one instance, by Redis entry key, bounded in count and bytes, each
 * expiring at its own `expiresAt` by `clock`. Knows nothing of Redis: the store feeds it reads and
 * invalidations. A read that raced with an invalidation is never kept: the store opens a
 * PendingRead before sending the command, and any invalidation of that entry (or its group, or a
 * clear) arriving before the reply marks it stale. Whatever Redis executed first, the entry kept
 * is then never older than the last invalidation this instance has seen.
 */
export class NearCache {
  private readonly entries: LruMap<string, NearEntry>;
  private readonly pending = new Set<PendingRead>();
  private bytes = 0;

  constructor(
    private readonly limits: NearCacheLimits,
    private readonly clock: Clock,
  ) {
    this.entries = new LruMap(limits.maxEntries, (_, entry) => {
      this.bytes -= entry.bytes;
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live entry, refreshed in LRU order; an expired one is dropped. */
  get(entryKey: string): CacheEntry | undefined {
    const stored = this.entries.get(entryKey);
    if (stored === undefined) return undefined;
    if (stored.entry.expiresAt > this.clock()) return stored.entry;
    this.drop(entryKey);
    return undefined;
  }

  beginRead(entryKey: string, group: string | undefined): PendingRead {
    const read: PendingRead = { entryKey, group, stale: false };
    this.pending.add(read);
    return read;
  }

  /** Ends a read: keeps what it found unless it went stale, expired or is too big. */
  endRead(read: PendingRead, entry: CacheEntry | null, bytes: number): void {
    this.pending.delete(read);
    if (read.stale || entry === null || entry.expiresAt <= this.clock()) return;
    if (bytes > this.limits.maxBytes / 16) return;
    this.drop(read.entryKey);
    this.entries.set(read.entryKey, {
      entry: { value: entry.value, expiresAt: entry.expiresAt },
      group: read.group,
      bytes,
    });
    this.bytes += bytes;
    while (this.bytes > this.limits.maxBytes) {
      const oldest = this.entries[Symbol.iterator]().next();
      if (oldest.done === true) break;
      this.drop(oldest.value[0]);
    }
  }

  invalidateEntry(entryKey: string): void {
    this.drop(entryKey);
    for (const read of this.pending) if (read.entryKey === entryKey) read.stale = true;
  }

  invalidateGroup(group: string): void {
    for (const [entryKey, entry] of [...this.entries]) if (entry.group === group) this.drop(entryKey);
    for (const read of this.pending) if (read.group === group) read.stale = true;
  }

  /** Forgets everything, reads in flight included (the invalidation stream was interrupted). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    for (const read of this.pending) read.stale = true;
  }

  private drop(entryKey: string): void {
    const entry = this.entries.peek(entryKey);
    if (entry === undefined) return;
    this.entries.delete(entryKey);
    this.bytes -= entry.bytes;
  }
}
