import { systemClock } from '../clock.js';
import { ConfigError, parseConfig } from '../config.js';
import { createRedisCounterStore } from '../counters/redis-counter-store.js';
import { createApiKey } from '../keys/key-service.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { redactRedisUrl, redactSecrets, redisHostPort } from '../redis/redact.js';
import { createKeyInput, KEYS_USAGE, parseKeysArgs, UsageError } from './keys-args.js';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

async function run(argv: string[], environment: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  const command = parseKeysArgs(argv);
  if (command.command === 'help') {
    io.out(`${KEYS_USAGE}\n`);
    return 0;
  }
  // The admin token is not used here: do not make it a requirement of creating keys.
  const env = { ...environment };
  if (env['ADMIN_TOKEN'] === undefined || env['ADMIN_TOKEN'] === '') env['ADMIN_TOKEN'] = 'not-used-by-the-keys-cli';
  const config = parseConfig(env);
  if (config.redisUrl === undefined) {
    io.err(
      '❌ Redis validation failed: REDIS_URL environment variable is required ' +
        '(keys of the in-memory demo backend live only inside the server process)\n',
    );
    return 1;
  }
  const redis = createCommandConnection(config.redisUrl, config.redisConnectTimeoutMs);
  redis.on('error', () => undefined);
  try {
    try {
      await connectAndPing(redis, config.redisConnectTimeoutMs);
    } catch {
      io.err(`❌ Redis validation failed: Failed to connect to Redis at ${redactRedisUrl(config.redisUrl)}\n`);
      return 1;
    }
    const counters = createRedisCounterStore({ redis, prefix: config.redisPrefix });
    const created = await createApiKey(counters, config, systemClock, createKeyInput(command, config.defaultRateLimit));
    if (command.json) {
      io.out(`${JSON.stringify(created)}\n`);
    } else {
      io.out(
        `✓ API key created in ${redisHostPort(config.redisUrl)} (prefix ${config.redisPrefix})\n` +
          `  id: ${created.id}\n  name: ${created.name}\n` +
          `  rate limit: ${created.rateLimit.limit} calls per ${created.rateLimit.windowSec} s\n` +
          `  daily job quota: ${created.dailyJobQuota}\n` +
          `API key (shown only once): ${created.apiKey}\n`,
      );
    }
    return 0;
  } finally {
    await closeQuietly(redis);
  }
}

/**
 * `pnpm keys create --name NAME [...]`: creates an API key in the configured Redis and prints it
 * once. Returns the exit code; every failure is a message on `err`, never a stack.
 */
export async function runKeysCli(argv: string[], env: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  try {
    return await run(argv, env, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.err(`${problem}\n`);
    } else if (error instanceof UsageError) {
      io.err(`❌ ${error.message}\n\n${KEYS_USAGE}\n`);
    } else {
      io.err(`❌ Creating the key failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}\n`);
    }
    return 1;
  }
}
