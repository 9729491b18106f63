import { readFileSync } from 'node:fs';
import { defineScript, type RedisClient } from '../redis/redis-client.js';
import type { Clock } from '../clock.js';
import { settleWithin } from '../with-timeout.js';
import { ADMIN_ATTEMPT_LIMIT, type AttemptLimit, type FailedAttempts } from './failed-attempts.js';
import { createMemoryFailedAttempts } from './memory-failed-attempts.js';

interface AttemptScript {
  tollgateAdminAttempt(key: string, failed: '0' | '1', limit: string, windowMs: string): Promise<[number, number]>;
}

function withAttemptScript(redis: RedisClient): RedisClient & AttemptScript {
  const lua = () => readFileSync(new URL('./scripts/admin-attempt-1.lua', import.meta.url), 'utf8');
  defineScript(redis, 'tollgateAdminAttempt', lua, 1);
  return redis as RedisClient & AttemptScript;
}

export interface RedisFailedAttemptsOptions {
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  limit?: AttemptLimit;
}

/**
 * How long a right token waits for Redis's count of its address's failures. Admin calls that
 * need Redis must still fail closed within a second when it hangs: this check must not spend
 * the command timeout first. A right token from an address blocked elsewhere gets through only
 * while Redis is that slow (it is the right token: that is no guess revealed).
 */
const RIGHT_TOKEN_WAIT_MS = 50;

/**
 * Failed admin-token attempts counted in Redis, so the limit holds across every instance. While
 * Redis does not answer, the instance counts in memory instead: admin endpoints that report an
 * outage (`/admin/health/redis`) must keep answering, and a wrong token is still refused. A wrong
 * token is counted by one script; a right one only reads the count (GET, PTTL: answered even
 * while Redis pauses writes), within RIGHT_TOKEN_WAIT_MS.
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
      const key = `${prefix}:{admin-failures:${address}}`;
      if (!failed) {
        const read = Promise.all([redis.get(key), redis.pttl(key)]);
        const answer = await settleWithin(read, RIGHT_TOKEN_WAIT_MS, null);
        if (answer === null) return local.attempt(address, false);
        const [failures, ttl] = answer;
        if (Number(failures ?? 0) < limit.failures) return { limited: false };
        return { limited: true, retryAfterMs: ttl > 0 ? ttl : limit.windowMs };
      }
      try {
        const [limited, retryAfterMs] = await scripts.tollgateAdminAttempt(
          key,
          '1',
          String(limit.failures),
          String(limit.windowMs),
        );
        if (limited === 1) return { limited: true, retryAfterMs };
        // Mirrored in memory: what this instance saw still counts if Redis turns slow.
        await local.attempt(address, true);
        return { limited: false };
      } catch {
        return local.attempt(address, failed);
      }
    },
    close: () => Promise.resolve(),
  };
}
