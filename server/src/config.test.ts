import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ProcessRole } from './config.js';

const production = { REDIS_URL: 'redis://127.0.0.1:6380', ADMIN_TOKEN: 'a-very-long-admin-token' };

function problemsOf(env: Record<string, string>, role: ProcessRole = 'server'): readonly string[] {
  try {
    parseConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies every default of the contract', () => {
    const config = parseConfig(production);
    expect(config).toMatchObject({
      demoMode: false,
      environment: 'development',
      host: '127.0.0.1',
      port: 3000,
      redisPrefix: 'tollgate',
      redisConnectTimeoutMs: 5000,
      runWorker: true,
      workerConcurrency: 4,
      bodyLimitBytes: 1_048_576,
      defaultRateLimit: { limit: 60, windowSec: 60 },
      defaultDailyJobQuota: 1000,
      logLevel: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('requires REDIS_URL outside demo mode, with the contract message first', () => {
    const problems = problemsOf({ PORT: 'nope' });
    expect(problems[0]).toBe('❌ Redis validation failed: REDIS_URL environment variable is required');
    expect(problems.some((p) => p.includes('ADMIN_TOKEN'))).toBe(true);
    expect(problems.some((p) => p.includes('PORT'))).toBe(true);
  });

  it('names the variable of every invalid value', () => {
    const problems = problemsOf({
      ...production,
      WORKER_CONCURRENCY: '0',
      DEMO_MODE: 'maybe',
      BODY_LIMIT_BYTES: 'big',
      LOG_LEVEL: 'loud',
      ADMIN_TOKEN: 'short',
    });
    for (const variable of ['WORKER_CONCURRENCY', 'DEMO_MODE', 'BODY_LIMIT_BYTES', 'LOG_LEVEL', 'ADMIN_TOKEN']) {
      expect(problems.some((p) => p.includes(variable))).toBe(true);
    }
  });

  it('rejects a REDIS_URL that is not redis:// or rediss://', () => {
    expect(problemsOf({ ...production, REDIS_URL: 'http://example.com' })[0]).toContain('REDIS_URL');
  });

  it('accepts the four spellings of DEMO_MODE and needs neither Redis nor a token in demo mode', () => {
    expect(parseConfig({ DEMO_MODE: '1' }).demoMode).toBe(true);
    expect(parseConfig({ DEMO_MODE: 'true' }).adminToken).toBeUndefined();
    expect(parseConfig({ ...production, DEMO_MODE: '0' }).demoMode).toBe(false);
    expect(parseConfig({ ...production, DEMO_MODE: 'false' }).demoMode).toBe(false);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ ...production, PORT: '', HOST: '' }).port).toBe(3000);
  });

  it('a standalone worker needs Redis even in demo mode, and no admin token', () => {
    expect(problemsOf({ DEMO_MODE: 'true' }, 'worker')).toEqual([
      '❌ Redis validation failed: REDIS_URL environment variable is required',
    ]);
    expect(parseConfig({ REDIS_URL: 'redis://127.0.0.1:6380' }, 'worker').adminToken).toBeUndefined();
  });
});
