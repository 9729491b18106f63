import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess, WORKER_ENTRY } from '../../src/test-support/server-process.js';
import { freePort } from '../../src/test-support/free-port.js';

const ADMIN_TOKEN = 'startup-admin-token-0123456789';
const processes: TollgateProcess[] = [];

async function start(env: Record<string, string>, entry?: string): Promise<TollgateProcess> {
  const proc = await TollgateProcess.start({ env, ...(entry === undefined ? {} : { entry }) });
  processes.push(proc);
  return proc;
}

async function health(proc: TollgateProcess) {
  const response = await fetch(`${proc.url}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('start-up (built server, real processes)', () => {
  let redis: TestRedisServer;

  beforeAll(async () => {
    redis = await TestRedisServer.start({ password: 'p@ss-w0rd-secret' });
  });

  afterAll(async () => {
    await Promise.all(processes.map((proc) => proc.destroy()));
    await redis.destroy();
  });

  it('refuses to start in production without REDIS_URL', async () => {
    const proc = await start({});
    const { code } = await proc.waitForExit();
    expect(code).toBe(1);
    expect(proc.output[0]).toBe('❌ Redis validation failed: REDIS_URL environment variable is required');
  });

  it('refuses an unreachable Redis and never prints its password', async () => {
    const port = await freePort();
    const proc = await start({
      REDIS_URL: `redis://admin:hunter2-secret@127.0.0.1:${port}`,
      ADMIN_TOKEN,
      REDIS_CONNECT_TIMEOUT_MS: '1000',
    });
    const { code } = await proc.waitForExit();
    expect(code).toBe(1);
    expect(proc.text).toContain(
      `❌ Redis validation failed: Failed to connect to Redis at redis://admin:****@127.0.0.1:${port}`,
    );
    expect(proc.text).not.toContain('hunter2-secret');
  });

  it('gives up on a Redis that accepts but never answers within REDIS_CONNECT_TIMEOUT_MS', async () => {
    const hung = await TestRedisServer.start();
    hung.pause();
    try {
      const started = Date.now();
      const proc = await start({ REDIS_URL: hung.url, ADMIN_TOKEN, REDIS_CONNECT_TIMEOUT_MS: '800' });
      const { code } = await proc.waitForExit();
      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(proc.text).toContain('❌ Redis validation failed: Failed to connect to Redis at');
    } finally {
      await hung.destroy();
    }
  });

  it('reports every invalid variable by name and exits 1', async () => {
    const proc = await start({ REDIS_URL: redis.url, ADMIN_TOKEN: 'short', PORT: 'eighty', WORKER_CONCURRENCY: '0' });
    const { code } = await proc.waitForExit();
    expect(code).toBe(1);
    for (const variable of ['ADMIN_TOKEN', 'PORT', 'WORKER_CONCURRENCY']) expect(proc.text).toContain(variable);
    expect(proc.text).not.toContain('p@ss-w0rd-secret');
  });

  it('starts in production with Redis: the four ✓ lines in order, then healthy', async () => {
    const proc = await start({ REDIS_URL: redis.url, ADMIN_TOKEN, ENVIRONMENT: 'production' });
    await proc.ready();
    const lines = proc.output.filter((line) => line.startsWith('✓'));
    expect(lines.slice(0, 4)).toEqual([
      `✓ Redis counter backend connected: 127.0.0.1:${redis.port}`,
      '✓ Counter backend initialized (Redis)',
      '✓ Redis queue service connected',
      '✓ Queue service initialized (Redis)',
    ]);
    expect(proc.text).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const { status, body } = await health(proc);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'healthy',
      version: '1.0.0',
      environment: 'production',
      demo_mode: false,
      redis: { status: 'connected', backend: 'redis' },
      queue: { status: 'connected', backend: 'redis', queue_depth: 0 },
      warnings: [],
    });
    expect(proc.text).not.toContain('p@ss-w0rd-secret');
    expect(proc.text).not.toContain(ADMIN_TOKEN);
  });

  it('demo mode without Redis: ⚠ lines, a demo key, a generated admin token, degraded health', async () => {
    const proc = await start({ DEMO_MODE: 'true' });
    await proc.ready();
    expect(proc.output).toContain('⚠ Using in-memory counters (DEMO_MODE)');
    expect(proc.output).toContain('⚠ Using in-memory queue (DEMO_MODE)');
    const keyLine = proc.output.find((line) => line.startsWith('Demo API key: '));
    expect(keyLine).toMatch(/^Demo API key: tg_[A-Za-z0-9_-]{22,}$/);
    const tokenLine = proc.output.find((line) => line.startsWith('Admin token: '));
    expect(tokenLine).toBeDefined();
    const { status, body } = await health(proc);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'degraded',
      demo_mode: true,
      redis: { status: 'in-memory', backend: 'memory' },
      queue: { status: 'in-memory', backend: 'memory', queue_depth: 0 },
    });
    expect(body['warnings']).toHaveLength(2);

    // the printed key works at once, and the printed token opens the admin report
    const apiKey = keyLine!.slice('Demo API key: '.length);
    const usage = await fetch(`${proc.url}/trpc/usage.get`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(usage.status).toBe(200);
    const token = tokenLine!.slice('Admin token: '.length);
    const admin = await fetch(`${proc.url}/admin/health/redis`, { headers: { authorization: `Bearer ${token}` } });
    expect(admin.status).toBe(200);
  });

  it('demo mode with a reachable Redis uses Redis and prints no ⚠ backend lines', async () => {
    const proc = await start({ DEMO_MODE: 'true', REDIS_URL: redis.url, ADMIN_TOKEN });
    await proc.ready();
    expect(proc.text).toContain('✓ Counter backend initialized (Redis)');
    expect(proc.text).not.toContain('⚠ Using in-memory');
    expect(proc.text).not.toContain('Admin token:');
    expect(proc.text).toMatch(/Demo API key: tg_/);
    const { status, body } = await health(proc);
    expect(status).toBe(200);
    expect(body).toMatchObject({ demo_mode: true, redis: { backend: 'redis', status: 'connected' } });
  });

  it('demo mode with an unreachable Redis falls back to memory', async () => {
    const port = await freePort();
    const proc = await start({
      DEMO_MODE: 'true',
      REDIS_URL: `redis://:pw-secret-9@127.0.0.1:${port}`,
      REDIS_CONNECT_TIMEOUT_MS: '500',
    });
    await proc.ready();
    expect(proc.output).toContain('⚠ Using in-memory counters (DEMO_MODE)');
    expect(proc.text).not.toContain('pw-secret-9');
    expect((await health(proc)).body).toMatchObject({ status: 'degraded' });
  });

  describe('the standalone worker', () => {
    it('needs Redis even with DEMO_MODE=true', async () => {
      const proc = await start({ DEMO_MODE: 'true' }, WORKER_ENTRY);
      expect((await proc.waitForExit()).code).toBe(1);
      expect(proc.output[0]).toBe('❌ Redis validation failed: REDIS_URL environment variable is required');
    });

    it('refuses an unreachable Redis without printing its password', async () => {
      const port = await freePort();
      const proc = await start(
        { REDIS_URL: `redis://:w0rker-secret@127.0.0.1:${port}`, REDIS_CONNECT_TIMEOUT_MS: '500' },
        WORKER_ENTRY,
      );
      expect((await proc.waitForExit()).code).toBe(1);
      expect(proc.text).toContain(`Failed to connect to Redis at redis://:****@127.0.0.1:${port}`);
      expect(proc.text).not.toContain('w0rker-secret');
    });

    it('starts without an admin token and exits 0 on SIGTERM', async () => {
      const proc = await start({ REDIS_URL: redis.url, WORKER_CONCURRENCY: '3' }, WORKER_ENTRY);
      await proc.waitForLine('✓ Worker started (concurrency 3)');
      proc.signal('SIGTERM');
      const exit = await proc.waitForExit(12_000);
      expect(exit, proc.text).toEqual({ code: 0, signal: null });
      expect(proc.text).toContain('✓ Worker stopped');
      expect(proc.text).not.toContain('p@ss-w0rd-secret');
    });
  });
});
