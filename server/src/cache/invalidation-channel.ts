import type { Redis } from 'ioredis';
import { closeQuietly } from '../redis/connections.js';
import { parseInvalidation, type Invalidation } from './redis-cache-keys.js';

export interface InvalidationChannelOptions {
  /** a dedicated connection, owned by the channel (subscriber mode) */
  subscriber: Redis;
  channel: string;
  /** how often the subscriber connection is PINGed */
  heartbeatMs: number;
  /** without a PONG for this long the channel is not known to be live */
  maxSilenceMs: number;
  onInvalidation(invalidation: Invalidation): void;
  /** the stream was (or may have been) interrupted: whatever it protected must be forgotten */
  onInterrupted(): void;
}

/**
 * The subscriber side of near-cache invalidation. Live means: subscribed on the current connection
 * and a PONG seen on it within `maxSilenceMs` (so a killed Redis, a dropped connection and a hung
 * Redis all stop it). Every transition out of live calls `onInterrupted` once; after a reconnect
 * the channel subscribes again and is live from the SUBSCRIBE reply on, since Redis delivers every
 * message published after that reply.
 */
export class InvalidationChannel {
  private subscribed = false;
  private lastPongAt = Number.NEGATIVE_INFINITY;
  private wasLive = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly liveWaiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: InvalidationChannelOptions) {
    const { subscriber } = options;
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('close', () => this.interrupt());
    subscriber.on('end', () => this.interrupt());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== options.channel) return;
      const invalidation = parseInvalidation(message);
      if (invalidation !== null) options.onInvalidation(invalidation);
    });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
    if (subscriber.status === 'wait') subscriber.connect().catch(() => undefined);
    else if (subscriber.status === 'ready') void this.subscribe();
  }

  /** True while every invalidation published now will reach this instance. */
  isLive(): boolean {
    const live = this.subscribed && performance.now() - this.lastPongAt <= this.options.maxSilenceMs;
    if (live !== this.wasLive) {
      this.wasLive = live;
      if (live) for (const resolve of this.liveWaiters) resolve();
      else this.options.onInterrupted();
    }
    return live;
  }

  /** Resolves once live (true), or false after `timeoutMs`. */
  async whenLive(timeoutMs: number): Promise<boolean> {
    if (this.isLive()) return true;
    return new Promise<boolean>((resolve) => {
      const done = (live: boolean) => {
        clearTimeout(timer);
        this.liveWaiters.delete(onLive);
        resolve(live);
      };
      const onLive = () => done(true);
      const timer = setTimeout(() => done(this.isLive()), timeoutMs);
      this.liveWaiters.add(onLive);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.interrupt();
    await closeQuietly(this.options.subscriber);
  }

  private async subscribe(): Promise<void> {
    const { subscriber, channel } = this.options;
    try {
      await subscriber.subscribe(channel);
    } catch {
      return; // the connection went away again; the next 'ready' subscribes
    }
    if (this.closed || subscriber.status !== 'ready') return;
    this.subscribed = true;
    this.lastPongAt = performance.now();
    this.isLive();
  }

  private interrupt(): void {
    this.subscribed = false;
    this.isLive();
  }

  private beat(): void {
    if (this.subscribed && this.options.subscriber.status === 'ready') {
      this.options.subscriber.ping().then(
        () => {
          this.lastPongAt = performance.now();
          this.isLive();
        },
        () => undefined,
      );
    }
    this.isLive();
  }
}
