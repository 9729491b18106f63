import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../test-support/redis-server.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { createRedisCounterStore } from '../counters/redis-counter-store.js';
import { credentialOf } from '../keys/api-key.js';
import { runKeysCli } from './keys-command.js';

async function runCli(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runKeysCli(args, env, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await TestRedisServer.start({ password: 'cli-secret-pw' });
});
afterAll(async () => {
  await redis?.destroy();
});

describe('pnpm keys create', () => {
  it('creates a working key in the configured Redis and prints it once', async () => {
    const result = await runCli(
      ['create', '--name', 'from-cli', '--limit', '7', '--window', '30', '--daily-quota', '9'],
      {
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'clitest',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const apiKey = /API key \(shown only once\): (tg_\S+)/.exec(result.stdout)?.[1];
    expect(apiKey).toBeDefined();
    expect(result.stdout.split(apiKey!).length).toBe(2);
    expect(result.stdout).not.toContain('cli-secret-pw');
    const connection = createCommandConnection(redis.url, 2000);
    try {
      await connectAndPing(connection, 2000);
      const store = createRedisCounterStore({ redis: connection, prefix: 'clitest' });
      const { id, hash } = credentialOf(apiKey!);
      expect(await store.authenticate(id, hash)).toMatchObject({
        outcome: 'ok',
        key: { name: 'from-cli', rateLimit: { limit: 7, windowSec: 30 }, dailyJobQuota: 9 },
      });
    } finally {
      await closeQuietly(connection);
    }
  });

  it('prints JSON with --json, applying the configured defaults', async () => {
    const result = await runCli(['create', '--name', 'json', '--json'], {
      REDIS_URL: redis.url,
      DEFAULT_DAILY_JOB_QUOTA: '42',
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      name: 'json',
      rateLimit: { limit: 60, windowSec: 60 },
      dailyJobQuota: 42,
    });
  });

  it('fails with exit code 1 and a redacted message when Redis is unreachable or unset, or the arguments are wrong', async () => {
    const unreachable = await runCli(['create', '--name', 'x'], {
      REDIS_URL: 'redis://:topsecret@127.0.0.1:1',
      REDIS_CONNECT_TIMEOUT_MS: '500',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(
      '❌ Redis validation failed: Failed to connect to Redis at redis://:****@127.0.0.1:1',
    );
    expect(unreachable.stderr).not.toContain('topsecret');
    const unset = await runCli(['create', '--name', 'x'], {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('REDIS_URL environment variable is required');
    const badArgs = await runCli(['create'], {});
    expect(badArgs.code).toBe(1);
    expect(badArgs.stderr).toContain('--name is required');
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pnpm keys create');
    const badEnv = await runCli(['create', '--name', 'x'], { REDIS_URL: redis.url, DEFAULT_RATE_LIMIT: 'lots' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain('DEFAULT_RATE_LIMIT');
  });
});
