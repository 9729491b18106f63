import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { CacheEntry } from './cache-store.js';
import { InvalidationChannel } from './invalidation-channel.js';
import { KeyWaiters } from './key-waiters.js';
import { NearCache, type PendingRead } from './near-cache.js';
import type { Invalidation } from './redis-cache-keys.js';

export interface NearCacheOptions {
  /** entries kept in memory at most (default 10,000) */
  maxEntries?: number;
  /** payload bytes kept in memory at most (default 32 MiB); bigger entries are never kept */
  maxBytes?: number;
  /** PING interval of the subscriber connection (default 100 ms) */
  heartbeatMs?: number;
  /** no PONG for this long: near hits stop until the channel is live again (default 300 ms) */
  maxSilenceMs?: number;
}

export const DEFAULT_NEAR_CACHE = {
  maxEntries: 10_000,
  maxBytes: 32 * 1024 * 1024,
  heartbeatMs: 100,
  maxSilenceMs: 300,
};

/** What tests, health and metrics may see of an instance's near cache. */
export interface NearCacheView {
  /** near hits are served only while this is true */
  isLive(): boolean;
  readonly size: number;
  whenLive(timeoutMs: number): Promise<boolean>;
  /** called after each invalidation (from any instance, this one included) has been applied */
  onInvalidation(listener: (invalidation: Invalidation) => void): () => void;
}

/**
 * An instance's near cache with the channel that keeps it honest: serves entries only while the
 * invalidation channel is live, cleared whenever it is interrupted; also wakes getOrCompute
 * callers waiting for an entry that another instance has just stored.
 */
export class NearLayer implements NearCacheView {
  readonly waiters = new KeyWaiters();
  private readonly cache: NearCache;
  private readonly channel: InvalidationChannel;
  private readonly listeners = new Set<(invalidation: Invalidation) => void>();

  constructor(subscriber: Redis, channel: string, options: NearCacheOptions, clock: Clock) {
    const settings = { ...DEFAULT_NEAR_CACHE, ...options };
    this.cache = new NearCache(settings, clock);
    this.channel = new InvalidationChannel({
      subscriber,
      channel,
      heartbeatMs: settings.heartbeatMs,
      maxSilenceMs: settings.maxSilenceMs,
      onInvalidation: (invalidation) => this.apply(invalidation),
      onInterrupted: () => {
        this.cache.clear();
        this.waiters.notifyAll();
      },
    });
  }

  get size(): number {
    return this.cache.size;
  }

  isLive(): boolean {
    return this.channel.isLive();
  }

  whenLive(timeoutMs: number): Promise<boolean> {
    return this.channel.whenLive(timeoutMs);
  }

  onInvalidation(listener: (invalidation: Invalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The entry from memory, only while the channel is live. */
  lookup(entryKey: string): CacheEntry | undefined {
    return this.channel.isLive() ? this.cache.get(entryKey) : undefined;
  }

  /** Opens a read from Redis whose result may be kept; null while the channel is not live. */
  beginRead(entryKey: string, group: string | undefined): PendingRead | null {
    return this.channel.isLive() ? this.cache.beginRead(entryKey, group) : null;
  }

  endRead(read: PendingRead | null, entry: CacheEntry | null, bytes: number): void {
    if (read !== null) this.cache.endRead(read, entry, bytes);
  }

  /**
   * This instance's own write: forgotten at once (before the command is sent and again when it is
   * answered), so a read after the write never sees the old value here, whatever our own
   * invalidation message is doing. Reads already in flight went out before the write on the same
   * connection: they are marked stale.
   */
  forget(invalidation: Invalidation): void {
    if (invalidation.kind === 'entry') this.cache.invalidateEntry(invalidation.entryKey);
    else this.cache.invalidateGroup(invalidation.group);
  }

  async close(): Promise<void> {
    await this.channel.close();
    this.cache.clear();
  }

  private apply(invalidation: Invalidation): void {
    if (invalidation.kind === 'entry') {
      this.cache.invalidateEntry(invalidation.entryKey);
      this.waiters.notify(invalidation.entryKey);
    } else {
      this.cache.invalidateGroup(invalidation.group);
    }
    for (const listener of this.listeners) listener(invalidation);
  }
}
