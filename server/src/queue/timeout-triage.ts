import { commandTimeoutOf, isCluster, pingRedis, type RedisClient } from '../redis/redis-client.js';
import type { Logger } from 'pino';
import { CommandTimeoutError, expiredDeadlineIn } from '../errors.js';
import { closeQuietly } from '../redis/connections.js';
import { settleWithin, type TimeoutTriage } from '../with-timeout.js';

/**
 * How long a triage waits for Redis to answer on the probe connection. A deadline (750–800 ms)
 * plus this stays under the contract's 1 s for a 503.
 */
export const ANSWER_PROBE_MS = 100;

/** What is worth logging about the size of an operation: figures, or O(1) reads on the probe connection. */
export type SizeOf = Record<string, number> | ((probe: RedisClient) => Promise<Record<string, number>>);

/**
 * Tells a slow operation from a Redis that is down. When an operation times out, Redis is asked
 * to answer a PING on a connection of its own (the command connection may be busy with the very
 * reply that is late): answered within {@link ANSWER_PROBE_MS}, the operation timed out — logged
 * with its size — and the caller is told so (CommandTimeoutError); unanswered, or with the command
 * connection not ready, Redis is unavailable, as before.
 */
export class TimeoutTriager {
  private probe: RedisClient | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    /** the command connection the operations run on */
    private readonly redis: RedisClient,
    private readonly logger: Logger,
  ) {}

  /** The triage of one operation; `size` is looked at only if it times out. */
  triage(size?: SizeOf): TimeoutTriage {
    return async ({ what, ms, error }) => {
      const facts = this.redis.status === 'ready' ? await settleWithin(this.answer(size), ANSWER_PROBE_MS, null) : null;
      if (facts === null) return error;
      const timeoutMs = expiredDeadlineIn(error)?.timeoutMs ?? commandTimeoutOf(this.redis) ?? ms;
      this.logger.warn(
        { operation: what, timeoutMs, ...facts },
        `Redis answers, but did not answer ${what} within ${timeoutMs} ms: the request timed out`,
      );
      return new CommandTimeoutError(what, timeoutMs, { cause: error });
    };
  }

  private async answer(size: SizeOf | undefined): Promise<Record<string, number>> {
    const probe = await this.connectedProbe();
    await pingRedis(probe);
    if (size === undefined) return {};
    return typeof size === 'function' ? size(probe) : size;
  }

  /**
   * Opens the probe connection now, in the background, rather than at the first timeout: its
   * handshake took ~45 ms of the {@link ANSWER_PROBE_MS} on a loaded 2-core machine, and a first
   * triage that spent it there reported an answering Redis as down.
   */
  open(): void {
    void this.connectedProbe();
  }

  /** One extra connection, opened by `open` (else at the first timeout) and kept (it reconnects by itself). */
  private async connectedProbe(): Promise<RedisClient> {
    if (this.probe === undefined) {
      const probe = duplicateForProbe(this.redis);
      probe.on('error', () => undefined);
      this.probe = probe;
      this.connecting = probe
        .connect()
        .catch(() => undefined)
        .finally(() => {
          this.connecting = undefined;
        });
    }
    await this.connecting;
    return this.probe;
  }

  async close(): Promise<void> {
    const probe = this.probe;
    this.probe = undefined;
    if (probe !== undefined) await closeQuietly(probe);
  }
}

/** A second connection like `redis` (a cluster's node connections named alike), not connected yet. */
function duplicateForProbe(redis: RedisClient): RedisClient {
  const connectionName = 'tollgate:probe';
  if (!isCluster(redis)) return redis.duplicate({ connectionName, lazyConnect: true });
  return redis.duplicate(undefined, {
    lazyConnect: true,
    redisOptions: { ...redis.options.redisOptions, connectionName },
  });
}
