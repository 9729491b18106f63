import { systemClock } from '../clock.js';
import { ConfigError, parseConfig } from '../config.js';
import { createRedisCounterStore } from '../counters/redis-counter-store.js';
import { createApiKey } from '../keys/key-service.js';
import { closeQuietly } from '../redis/connections.js';
import { connectToRedis } from '../redis/connect.js';
import { redactSecrets, rememberSecrets } from '../redis/redact.js';
import { describeRedis } from '../redis/redis-client.js';
import { StartupError } from '../startup-output.js';
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
  const config = parseConfig(environment, 'cli');
  const spec = config.redis!;
  rememberSecrets([spec.password]);
  for (const notice of config.notices) io.err(`${notice}\n`);
  const redis = await connectToRedis(spec, config.redisConnectTimeoutMs);
  try {
    const counters = createRedisCounterStore({ redis, prefix: config.redisPrefix });
    const created = await createApiKey(counters, config, systemClock, createKeyInput(command, config.defaultRateLimit));
    if (command.json) {
      io.out(`${JSON.stringify(created)}\n`);
    } else {
      io.out(
        `✓ API key created in ${describeRedis(redis, spec)} (prefix ${config.redisPrefix})\n` +
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
    } else if (error instanceof StartupError) {
      io.err(`${error.message}\n`);
    } else if (error instanceof UsageError) {
      io.err(`❌ ${error.message}\n\n${KEYS_USAGE}\n`);
    } else {
      io.err(`❌ Creating the key failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}\n`);
    }
    return 1;
  }
}
