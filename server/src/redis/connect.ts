import type { Redis } from 'ioredis';
import { StartupError } from '../startup-output.js';
import { closeQuietly, connectAndPing, createCommandConnection } from './connections.js';
import { redactRedisUrl } from './redact.js';

/**
 * The command connection, answering PING within `timeoutMs`, or a StartupError carrying the
 * contract's message (password shown as ****).
 */
export async function connectToRedis(url: string, timeoutMs: number): Promise<Redis> {
  const redis = createCommandConnection(url, timeoutMs);
  // Until the caller attaches its own listener, connection errors are reported by the rejection only.
  redis.on('error', () => undefined);
  try {
    await connectAndPing(redis, timeoutMs);
    return redis;
  } catch {
    await closeQuietly(redis);
    throw new StartupError(`❌ Redis validation failed: Failed to connect to Redis at ${redactRedisUrl(url)}`);
  }
}
