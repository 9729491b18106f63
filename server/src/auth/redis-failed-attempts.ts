import { readFileSync } from 'node:fs';
import type { RedisClient } from '../redis/redis-client.js';
import type { Clock } from '../clock.js';
import { ADMIN_ATTEMPT_LIMIT, type AttemptLimit, type FailedAttempts } from './failed-attempts.js';
import { createMemoryFailedAttempts } from './memory-failed-attempts.js';

interface AttemptScript {
  tollgateAdminAttempt(key: string, failed: '0' | '1', limit: string, windowMs: string): Promise<[number, number]>;
}

function withAttemptScript(redis: RedisClient): RedisClient & AttemptScript {
  const typed = redis as RedisClient & Partial<AttemptScript>;
  if (typeof typed.tollgateAdminAttempt !== 'function') {
    const lua = readFileSync(new URL('./scripts/admin-attempt-1.lua', import.meta.url), 'utf8');
    redis.defineCommand('tollgateAdminAttempt', { numberOfKeys: 1, lua });
  }
  return redis as RedisClient & AttemptScript;
}

export interface RedisFailedAttemptsOptions {
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  limit?: AttemptLimit;
}

/**
 * Failed admin-token attempts counted in Redis, so the limit holds across every instance. While
 * Redis does not answer, the instance counts in memory instead: admin endpoints that report an
 * outage (`/admin/health/redis`) must keep answering, and a wrong token is still refused.
 */
export function createRedisFailedAttempts({
  redis,
  prefix,
  clock,
  limit = ADMIN_ATTEMPT_LIMIT,
}: RedisFailedAttemptsOptions): FailedAttempts {
  const scripts = withAttemptScript(redis);
  const local = createMemoryFailedAttempts(clock, limit);
  return {
    async attempt(address, failed) {
      try {
        const [limited, retryAfterMs] = await scripts.tollgateAdminAttempt(
          `${prefix}:{admin-failures:${address}}`,
          failed ? '1' : '0',
          String(limit.failures),
          String(limit.windowMs),
        );
        return limited === 1 ? { limited: true, retryAfterMs } : { limited: false };
      } catch {
        return local.attempt(address, failed);
      }
    },
    close: () => Promise.resolve(),
  };
}
