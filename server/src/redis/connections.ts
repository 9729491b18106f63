import { Redis, type RedisOptions } from 'ioredis';
import { withDeadline } from '../with-timeout.js';
import { RedisConnectionSpec } from './connection-spec.js';

/**
 * Where a connection goes: a connection spec, or its URL (`spec.url`, or any redis:// or
 * rediss:// URL). Either way host, port, ACL user, password, db and TLS (with its CA and client
 * certificate files) all apply.
 */
export type RedisTarget = RedisConnectionSpec | string;

function openConnection(target: RedisTarget, options: RedisOptions): Redis {
  const spec = typeof target === 'string' ? RedisConnectionSpec.fromUrl(target) : target;
  const { url, tls } = spec.ioredisTarget();
  return new Redis(url, tls === undefined ? options : { ...options, tls });
}

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
export function createCommandConnection(target: RedisTarget, connectTimeoutMs: number): Redis {
  return openConnection(target, {
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
export function createBlockingConnection(target: RedisTarget, connectTimeoutMs: number): Redis {
  return openConnection(target, {
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
