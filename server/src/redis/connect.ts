import { StartupError, type StartupOutput } from '../startup-output.js';
import { RedisConnectionSpec } from './connection-spec.js';
import { closeQuietly, connectAndPing, createCommandConnection, type RedisTarget } from './connections.js';
import { redactSecrets } from './redact.js';
import type { RedisClient } from './redis-client.js';
import { judgeRedisServers, type GuardPolicy } from './server-settings.js';

/**
 * The command connection, answering PING within `timeoutMs`, or a StartupError carrying the
 * contract's message (password shown as ****). On a cluster: connected to every master, every slot
 * served.
 */
export async function connectToRedis(target: RedisTarget, timeoutMs: number): Promise<RedisClient> {
  const spec = typeof target === 'string' ? RedisConnectionSpec.fromUrl(target) : target;
  let redis: RedisClient;
  try {
    redis = createCommandConnection(spec, timeoutMs);
  } catch (error) {
    // a TLS file that became unreadable since the configuration was checked
    const reason = redactSecrets(error instanceof Error ? error.message : String(error));
    throw new StartupError(`❌ Redis validation failed: Failed to connect to Redis at ${spec.redacted}: ${reason}`);
  }
  // Until the caller attaches its own listener, connection errors are reported by the rejection only.
  let lastError: unknown;
  const remember = (error: unknown) => {
    lastError = error;
  };
  redis.on('error', remember);
  try {
    await connectAndPing(redis, timeoutMs);
    redis.off('error', remember);
    redis.on('error', () => undefined);
    return redis;
  } catch (error) {
    await closeQuietly(redis);
    // The contract's line, then why (a TLS or ACL refusal, a timeout), on a line of its own.
    const cause = redactSecrets(describe(lastError ?? error));
    throw new StartupError(
      `❌ Redis validation failed: Failed to connect to Redis at ${spec.redacted}` +
        (cause === '' ? '' : `\n   cause: ${cause}`),
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  // a cluster's "Failed to refresh slots cache" carries the last node's error
  const lastNodeError: unknown = (error as { lastNodeError?: unknown } | null)?.lastNodeError;
  if (lastNodeError instanceof Error) return describe(lastNodeError);
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/**
 * The production guards of CONTRACT §11, once per process at start-up (on a cluster, for every
 * master): prints the `⚠` lines, or closes the connection and throws the
 * `❌ Redis maxmemory-policy is …` StartupError.
 */
export async function guardRedisServer(redis: RedisClient, policy: GuardPolicy, output: StartupOutput): Promise<void> {
  const verdict = await judgeRedisServers(redis, policy);
  if (verdict.refusal !== null) {
    await closeQuietly(redis);
    throw new StartupError(verdict.refusal);
  }
  for (const warning of verdict.warnings) output.warn(warning);
}
