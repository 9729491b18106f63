import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthBodySchema, adminRedisHealthSchema } from '@tollgate/shared';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestApp, TEST_ADMIN_TOKEN, type Backend, type TestApp } from '../../src/test-support/test-app.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

for (const backend of ['redis', 'memory'] as const satisfies readonly Backend[]) {
  describe(`health endpoints (${backend} backend)`, () => {
    let redis: TestRedisServer | undefined;
    let t: TestApp;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      t = await createTestApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
    });

    afterAll(async () => {
      await t.close();
      await redis?.destroy();
    });

    it('GET /health answers the contract body', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      const body = healthBodySchema.parse(response.json());
      if (backend === 'redis') {
        expect(body).toMatchObject({ status: 'healthy', demo_mode: false, warnings: [] });
        expect(body.redis).toEqual({ status: 'connected', backend: 'redis' });
        expect(body.queue).toEqual({ status: 'connected', backend: 'redis', queue_depth: 0 });
      } else {
        expect(body).toMatchObject({ status: 'degraded', demo_mode: true });
        expect(body.redis).toEqual({ status: 'in-memory', backend: 'memory' });
        expect(body.queue).toEqual({ status: 'in-memory', backend: 'memory', queue_depth: 0 });
        expect(body.warnings).toHaveLength(2);
      }
      expect(body.version).toBe('1.0.0');
      expect(body.environment).toBe('test');
    });

    it('the tRPC health.check returns the same body', async () => {
      const [rest, rpc] = await Promise.all([
        t.app.inject({ method: 'GET', url: '/health' }),
        t.app.inject({ method: 'GET', url: '/trpc/health.check' }),
      ]);
      expect(rpc.statusCode).toBe(200);
      expect(rpc.json<{ result: { data: unknown } }>().result.data).toEqual(rest.json());
    });

    it('/livez and /readyz', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    });

    it('/admin/health/redis: 401 without a token, 403 with a wrong one, 200 with the report', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/admin/health/redis' })).statusCode).toBe(401);
      const wrong = await t.app.inject({
        method: 'GET',
        url: '/admin/health/redis',
        headers: { authorization: 'Bearer wrong-token-of-some-length' },
      });
      expect(wrong.statusCode).toBe(403);
      const ok = await t.app.inject({ method: 'GET', url: '/admin/health/redis', headers: admin });
      expect(ok.statusCode).toBe(200);
      const body = adminRedisHealthSchema.parse(ok.json());
      expect(body.counter_backend.backend).toBe(backend);
      expect(body.demo_mode).toBe(backend === 'memory');
    });

    it('admin.health.redis over tRPC: UNAUTHORIZED, FORBIDDEN, then the report', async () => {
      const none = await t.app.inject({ method: 'GET', url: '/trpc/admin.health.redis' });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
      const wrong = await t.app.inject({
        method: 'GET',
        url: '/trpc/admin.health.redis',
        headers: { authorization: 'Bearer nope-nope-nope-nope' },
      });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json()).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
      const ok = await t.app.inject({ method: 'GET', url: '/trpc/admin.health.redis', headers: admin });
      expect(
        adminRedisHealthSchema.parse(ok.json<{ result: { data: unknown } }>().result.data).queue_service.queue_depth,
      ).toBe(0);
    });

    it('/metrics needs the admin token and exposes process, HTTP, queue and backend metrics', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      await t.app.inject({ method: 'GET', url: '/health' });
      const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: admin });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toContain('process_cpu_user_seconds_total');
      expect(response.body).toMatch(
        /tollgate_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*status_code="200"/,
      );
      expect(response.body).toMatch(/tollgate_queue_depth\{[^}]*\} 0/);
      expect(response.body).toMatch(/tollgate_backend_up\{[^}]*backend="counters"[^}]*\} 1/);
    });

    it('a body over BODY_LIMIT_BYTES is a tRPC-shaped 413', async () => {
      const small = await createTestApp({
        backend,
        ...(redis === undefined ? {} : { redisUrl: redis.url }),
        env: { BODY_LIMIT_BYTES: '1024' },
      });
      try {
        const response = await small.app.inject({
          method: 'POST',
          url: '/trpc/validation.validate',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ schema: {}, document: 'x'.repeat(4096) }),
        });
        expect(response.statusCode).toBe(413);
        expect(response.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
        const batched = await small.app.inject({
          method: 'POST',
          url: '/trpc/validation.validate,validation.validate?batch=1',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ 0: 'x'.repeat(2048), 1: 'y' }),
        });
        expect(batched.statusCode).toBe(413);
        expect(batched.json()).toHaveLength(2);
      } finally {
        await small.close();
      }
    });

    it('helmet sets security headers', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/health' });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      // the console must load over plain HTTP on any address (TLS belongs to a proxy)
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    });
  });
}
