import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_FAILURES_PER_WINDOW } from '../../src/auth/failed-attempts.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../src/test-support/test-app.js';

/**
 * Failed admin-token attempts are limited per client address — on HTTP endpoints, tRPC
 * procedures (the console's sign-in) alike, across instances: after 10 failures in a minute,
 * every attempt from that address gets 429 with Retry-After, the right token included; other
 * addresses are unaffected.
 */

const WRONG = 'wrong-admin-token-0000000000';

type Surface = 'metrics' | 'health' | 'trpc';
const SURFACES: Surface[] = ['metrics', 'health', 'trpc'];

function request(app: TestApp, surface: Surface, token: string, forwardedFor?: string) {
  const headers = {
    authorization: `Bearer ${token}`,
    ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
  };
  const url = { metrics: '/metrics', health: '/admin/health/redis', trpc: '/trpc/admin.keys.list' }[surface];
  return app.app.inject({ method: 'GET', url, headers });
}

for (const backend of ['redis', 'memory'] as const) {
  describe(`admin brute force (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    const apps: TestApp[] = [];

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
    });
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });
    afterAll(async () => {
      await redis?.destroy();
    });

    async function newApp(env: Record<string, string> = {}): Promise<TestApp> {
      const app = await createTestApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }), env });
      apps.push(app);
      return app;
    }

    it('refuses an address after 10 failures, the right token included, on every admin surface; others are unaffected', async () => {
      const app = await newApp({ TRUST_PROXY: '127.0.0.1' });
      const attacker = `203.0.113.${backend === 'redis' ? 1 : 2}`;
      for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
        const response = await request(app, SURFACES[i % SURFACES.length]!, WRONG, attacker);
        expect(response.statusCode).toBe(403);
      }
      for (const surface of SURFACES) {
        const refused = await request(app, surface, TEST_ADMIN_TOKEN, attacker);
        expect(refused.statusCode, surface).toBe(429);
        const retryAfter = Number(refused.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(refused.body).toContain('Too many failed admin-token attempts');
        expect(refused.body).not.toContain(TEST_ADMIN_TOKEN);
      }
      for (const surface of SURFACES) {
        const bystander = await request(app, surface, TEST_ADMIN_TOKEN, '198.51.100.9');
        expect(bystander.statusCode, surface).toBe(200);
      }
    });

    it('believes X-Forwarded-For only from TRUST_PROXY: by default the socket address is the client', async () => {
      const app = await newApp();
      for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
        // A different forged address each time: it must not spread the failures.
        expect((await request(app, 'health', WRONG, `192.0.2.${i}`)).statusCode).toBe(403);
      }
      expect((await request(app, 'health', TEST_ADMIN_TOKEN, '192.0.2.200')).statusCode).toBe(429);
    });

    if (backend === 'redis') {
      it('counts failures across instances sharing one Redis', async () => {
        const a = await newApp({ TRUST_PROXY: '127.0.0.1' });
        const b = await newApp({ TRUST_PROXY: '127.0.0.1' });
        const attacker = '203.0.113.77';
        for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
          expect((await request(i % 2 === 0 ? a : b, 'trpc', WRONG, attacker)).statusCode).toBe(403);
        }
        expect((await request(a, 'trpc', TEST_ADMIN_TOKEN, attacker)).statusCode).toBe(429);
        expect((await request(b, 'metrics', TEST_ADMIN_TOKEN, attacker)).statusCode).toBe(429);
      });
    }
  });
}
