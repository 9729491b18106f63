import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess } from '../../src/test-support/server-process.js';

const ADMIN_TOKEN = 'outage-admin-token-0123456789';

async function healthOf(url: string): Promise<{
  status: number;
  body: { status: string; redis: { status: string }; queue: { queue_depth: number | null } };
}> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: (await response.json()) as never };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Redis outage and recovery (built server, real Redis)', () => {
  let redis: TestRedisServer;
  let server: TollgateProcess;

  beforeAll(async () => {
    redis = await TestRedisServer.start({ password: 'outage-secret-pw' });
    server = await TollgateProcess.start({ env: { REDIS_URL: redis.url, ADMIN_TOKEN, LOG_LEVEL: 'info' } });
    await server.ready();
  });

  afterAll(async () => {
    await server.destroy();
    await redis.destroy();
  });

  it('killed Redis → 503 unhealthy within 3 s; back → 200 within 10 s, no restart', async () => {
    expect((await healthOf(server.url)).status).toBe(200);
    await redis.kill();
    const down = await waitFor(async () => (await healthOf(server.url)).status === 503, 3_000);
    expect(down).toBeLessThan(3_000);
    const { body } = await healthOf(server.url);
    expect(body.status).toBe('unhealthy');
    expect(body.redis.status).toBe('disconnected');
    expect(body.queue.queue_depth).toBeNull();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await metrics.text();
    expect(text).toMatch(/tollgate_queue_depth\{[^}]*\} NaN$/im); // prom-client writes "Nan"; Prometheus reads either
    expect(text).toMatch(/tollgate_backend_up\{[^}]*backend="counters"[^}]*\} 0/);
    const admin = await fetch(`${server.url}/admin/health/redis`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(admin.status).toBe(200);

    await redis.restart();
    const up = await waitFor(async () => (await healthOf(server.url)).status === 200, 10_000);
    expect(up).toBeLessThan(10_000);
    expect((await healthOf(server.url)).body.status).toBe('healthy');
  });

  it('a hung Redis (SIGSTOP) makes health answer 503 quickly instead of hanging', async () => {
    redis.pause();
    try {
      const started = Date.now();
      const { status } = await healthOf(server.url);
      expect(status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      redis.resume();
    }
    await waitFor(async () => (await healthOf(server.url)).status === 200, 10_000);
  });

  it('accepts the admin token through SSE connectionParams and keeps it out of the request log', async () => {
    const params = encodeURIComponent(JSON.stringify({ token: ADMIN_TOKEN }));
    const controller = new AbortController();
    const response = await fetch(`${server.url}/trpc/admin.status?connectionParams=${params}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('"queue_service"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.text).toContain('connectionParams=[REDACTED]');
  });

  it('never logs the Redis password or the admin token', () => {
    expect(server.text).not.toContain('outage-secret-pw');
    expect(server.text).not.toContain(ADMIN_TOKEN);
  });
});
