import { Redis, type RedisOptions } from 'ioredis';
import { withDeadline } from '../with-timeout.js';

/**
 * A command that takes longer than this is treated as a Redis outage: long enough that a slow but
 * answering Redis is not called down, short enough to fail closed within 1 s.
 */
export const COMMAND_TIMEOUT_MS = 750;

const baseOptions = (connectTimeoutMs: number): RedisOptions => ({
  lazyConnect: true,
  connectTimeout: connectTimeoutMs,
  // Reconnect forever with a short, capped delay, so service resumes by itself.
  retryStrategy: (attempt) => Math.min(50 * attempt, 500),
  // A READONLY replica after a failover: reconnect.
  reconnectOnError: (error) => error.message.startsWith('READONLY'),
});

/**
 * Connection for request-path commands (quota scripts, queue producer, health):
 * fails fast while Redis is down instead of queueing commands or retrying them.
 */
export function createCommandConnection(url: string, connectTimeoutMs: number): Redis {
  return new Redis(url, {
    ...baseOptions(connectTimeoutMs),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectionName: 'tollgate:command',
  });
}

/**
 * Connection for BullMQ workers and queue events: blocking commands, so no command timeout and
 * `maxRetriesPerRequest: null` (BullMQ requires it; a blip must never stop a worker for good).
 */
export function createBlockingConnection(url: string, connectTimeoutMs: number): Redis {
  return new Redis(url, {
    ...baseOptions(connectTimeoutMs),
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    connectionName: 'tollgate:blocking',
  });
}

/** Connects and PINGs within `timeoutMs`; rejects otherwise. Leaves the connection open on success. */
export async function connectAndPing(redis: Redis, timeoutMs: number): Promise<void> {
  const ready = async () => {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  };
  await withDeadline(ready(), 'PING', timeoutMs);
}

/** Disconnects without waiting for a reply that may never come. */
export async function closeQuietly(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'ready') {
      await Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 500))]);
    }
  } catch {
    // already gone
  } finally {
    redis.disconnect();
  }
}
