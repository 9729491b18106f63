import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ProcessRole } from './config.js';
import { RedisConnectionSpec } from './redis/connection-spec.js';

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

describe('Redis connection settings (CONTRACT §11)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
  const pem = (name: string, label = 'CERTIFICATE') => {
    const path = join(dir, name);
    writeFileSync(path, `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`);
    return path;
  };
  const ca = pem('ca.crt');
  const cert = pem('client.crt');
  const key = pem('client.key', 'PRIVATE KEY');
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  const token = { ADMIN_TOKEN: 'a-very-long-admin-token' };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('REDIS_HOST, REDIS_PORT, REDIS_USERNAME and REDIS_PASSWORD make the same connection as a URL', () => {
    const config = parseConfig({
      ...token,
      REDIS_HOST: 'cache.internal',
      REDIS_PORT: '6380',
      REDIS_USERNAME: 'app',
      REDIS_PASSWORD: 'p@ss word/:#',
    });
    const spec = config.redis!;
    expect(spec).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'app',
      tls: false,
      source: 'REDIS_HOST',
    });
    expect(spec.password).toBe('p@ss word/:#');
    expect(spec.hostPort).toBe('cache.internal:6380');
    expect(config.redisUrl).toBe(spec.url);
    expect(spec.redacted).toBe('redis://app:****@cache.internal:6380');
    expect(config.notices).toEqual([]);
  });

  it('REDIS_PORT defaults to 6379; REDIS_TLS=true means TLS', () => {
    const spec = parseConfig({ ...token, REDIS_HOST: '10.0.0.5', REDIS_TLS: 'true', REDIS_TLS_CA_FILE: ca }).redis!;
    expect(spec).toMatchObject({ port: 6379, tls: true, tlsFiles: { caFile: ca } });
    expect(spec.redacted).toBe('rediss://10.0.0.5:6379');
  });

  it('the URL wins over the host form, and the mix is reported by variable name, never by value', () => {
    const config = parseConfig({
      ...production,
      REDIS_HOST: 'elsewhere',
      REDIS_PASSWORD: 'ignored-secret',
      REDIS_TLS: 'true',
    });
    expect(config.redis!.hostPort).toBe('127.0.0.1:6380');
    expect(config.notices).toHaveLength(1);
    expect(config.notices[0]).toMatch(
      /^⚠ REDIS_URL and REDIS_HOST, REDIS_PASSWORD, REDIS_TLS are both set: the URL wins/,
    );
    expect(config.notices[0]).toContain('rediss://');
    expect(config.notices.join()).not.toContain('ignored-secret');
  });

  it('rediss:// takes a private CA and a client certificate and key', () => {
    const spec = parseConfig({
      ...token,
      REDIS_URL: 'rediss://user:pw@redis.example:6380/2',
      REDIS_TLS_CA_FILE: ca,
      REDIS_TLS_CERT_FILE: cert,
      REDIS_TLS_KEY_FILE: key,
    }).redis!;
    expect(spec).toMatchObject({
      tls: true,
      db: 2,
      username: 'user',
      tlsFiles: { caFile: ca, certFile: cert, keyFile: key },
    });
    expect(spec.redacted).toBe('rediss://user:****@redis.example:6380/2');
    const target = spec.ioredisTarget();
    expect(target.url).toBe('rediss://user:pw@redis.example:6380/2');
    expect(String(target.tls?.ca)).toContain('BEGIN CERTIFICATE');
    // the spec never serializes its password or key material
    expect(JSON.stringify(spec)).not.toMatch(/pw@|PRIVATE/);
    expect(inspect(spec)).not.toContain(':pw@');
    // a URL round trip keeps every setting (the queue's blocking connections take the URL)
    expect(RedisConnectionSpec.fromUrl(spec.url).tlsFiles).toEqual(spec.tlsFiles);
  });

  it('refuses unreadable or non-PEM TLS files, a certificate without its key, and TLS files without TLS', () => {
    expect(problemsOf({ ...token, REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: join(dir, 'missing.crt') })).toEqual([
      `❌ Redis validation failed: REDIS_TLS_CA_FILE cannot be read (ENOENT: ${join(dir, 'missing.crt')})`,
    ]);
    expect(problemsOf({ ...token, REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: notPem })[0]).toContain(
      'REDIS_TLS_CA_FILE is not a PEM file',
    );
    expect(problemsOf({ ...token, REDIS_URL: 'rediss://h:1', REDIS_TLS_CERT_FILE: cert })[0]).toContain(
      'REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together',
    );
    expect(problemsOf({ ...token, REDIS_URL: 'redis://h:1', REDIS_TLS_CA_FILE: ca })[0]).toBe(
      '❌ Redis validation failed: REDIS_TLS_CA_FILE is set but the connection does not use TLS: use a rediss:// URL',
    );
    expect(problemsOf({ ...token, REDIS_HOST: 'h', REDIS_TLS_CA_FILE: ca })[0]).toContain('set REDIS_TLS=true');
  });

  it('reports Redis problems first, with other problems in the same run', () => {
    const problems = problemsOf({ REDIS_HOST: 'h', REDIS_PORT: '70000', ADMIN_TOKEN: 'short', REDIS_TLS: 'maybe' });
    expect(problems.slice(0, 2).every((p) => p.startsWith('❌ Redis validation failed: REDIS_'))).toBe(true);
    expect(problems.at(-1)).toContain('ADMIN_TOKEN');
  });

  it('without REDIS_URL or REDIS_HOST, the contract message; stray host-form settings are noticed', () => {
    expect(problemsOf({ ...token, REDIS_PASSWORD: 'x' })[0]).toBe(
      '❌ Redis validation failed: REDIS_URL environment variable is required',
    );
    const demo = parseConfig({ DEMO_MODE: 'true', REDIS_PASSWORD: 'secret-value' });
    expect(demo.redis).toBeUndefined();
    expect(demo.notices).toEqual(['⚠ REDIS_PASSWORD ignored: neither REDIS_URL nor REDIS_HOST is set']);
  });

  it('CACHE_ENABLED is a flag, true by default', () => {
    expect(parseConfig(production).cacheEnabled).toBe(true);
    expect(parseConfig({ ...production, CACHE_ENABLED: 'false' }).cacheEnabled).toBe(false);
    expect(problemsOf({ ...production, CACHE_ENABLED: 'off' })[0]).toContain('CACHE_ENABLED');
  });

  it('ALLOW_EVICTING_REDIS is a flag, false by default', () => {
    expect(parseConfig(production).allowEvictingRedis).toBe(false);
    expect(parseConfig({ ...production, ALLOW_EVICTING_REDIS: 'true' }).allowEvictingRedis).toBe(true);
    expect(problemsOf({ ...production, ALLOW_EVICTING_REDIS: 'yes' })[0]).toContain('ALLOW_EVICTING_REDIS');
  });

  it('an IPv6 REDIS_HOST is bracketed in the URL and in host:port', () => {
    const spec = parseConfig({ ...token, REDIS_HOST: '::1', REDIS_PORT: '7000' }).redis!;
    expect(spec.hostPort).toBe('[::1]:7000');
    expect(spec.host).toBe('::1');
  });

  it('a REDIS_HOST that is not a host is refused by name', () => {
    expect(problemsOf({ ...token, REDIS_HOST: 'a b' })[0]).toContain('REDIS_HOST must be a host name or an IP address');
  });
});
