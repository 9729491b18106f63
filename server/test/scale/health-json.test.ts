import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthBodySchema } from '@tollgate/shared';
import { wantsHealthJson, type HealthJsonBody } from '../../src/http/health-report.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestApp, type Backend, type TestApp } from '../../src/test-support/test-app.js';

const machine = { accept: 'application/health+json' };

function healthJson(app: TestApp) {
  return app.app.inject({ method: 'GET', url: '/health', headers: machine });
}

function expectDraftShape(body: HealthJsonBody): void {
  expect(['pass', 'warn', 'fail']).toContain(body.status);
  expect(body).toMatchObject({ version: '1', releaseId: '1.0.0', serviceId: 'tollgate' });
  expect(Object.keys(body.checks).sort()).toEqual(['queue:depth', 'redis:responseTime']);
  for (const entries of Object.values(body.checks)) {
    expect(entries).toHaveLength(1);
    expect(Number.isNaN(Date.parse(entries[0]!.time))).toBe(false);
  }
}

describe('GET /health with Accept: application/health+json (IETF health-check draft)', () => {
  const redisServers: TestRedisServer[] = [];
  const apps: TestApp[] = [];

  async function appOn(backend: Backend, env: Record<string, string> = {}) {
    let redisUrl: string | undefined;
    if (backend === 'redis') {
      const redis = await TestRedisServer.start();
      redisServers.push(redis);
      redisUrl = redis.url;
    }
    const app = await createTestApp({ backend, ...(redisUrl === undefined ? {} : { redisUrl }), env });
    apps.push(app);
    return app;
  }

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(redisServers.map((redis) => redis.destroy()));
  });

  describe('on Redis', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await appOn('redis');
    });

    it('pass, with Redis response time and queue depth, as application/health+json', async () => {
      const response = await healthJson(t);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/health\+json/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['vary']).toMatch(/accept/i);
      const body = response.json<HealthJsonBody>();
      expectDraftShape(body);
      expect(body.status).toBe('pass');
      expect(body.output).toBeUndefined();
      const [redis] = body.checks['redis:responseTime'];
      expect(redis).toMatchObject({ componentType: 'datastore', status: 'pass', observedUnit: 'ms' });
      expect(redis!.observedValue).toBeGreaterThanOrEqual(0);
      expect(redis!.observedValue).toBeLessThan(800);
      expect(body.checks['queue:depth'][0]).toMatchObject({ status: 'pass', observedValue: 0, observedUnit: 'jobs' });
    });

    it('without the header (or asking for JSON), the contract body is unchanged', async () => {
      for (const headers of [{}, { accept: 'application/json' }, { accept: '*/*' }]) {
        const response = await t.app.inject({ method: 'GET', url: '/health', headers });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(healthBodySchema.strict().parse(response.json())).toMatchObject({ status: 'healthy', warnings: [] });
      }
    });
  });

  it('demo mode is warn (HTTP 200), on in-memory backends', async () => {
    const t = await appOn('memory');
    const response = await healthJson(t);
    expect(response.statusCode).toBe(200);
    const body = response.json<HealthJsonBody>();
    expectDraftShape(body);
    expect(body.status).toBe('warn');
    expect(body.notes[0]).toContain('DEMO_MODE');
    expect(body.output).toContain('DEMO_MODE');
    expect(body.checks['redis:responseTime'][0]).toMatchObject({ status: 'warn', componentId: 'memory' });
    expect(body.checks['queue:depth'][0]).toMatchObject({ status: 'warn', observedValue: 0 });
    const plain = await t.app.inject({ method: 'GET', url: '/health' });
    expect(plain.json()).toMatchObject({ status: 'degraded' });
  });

  it('demo mode is warn on Redis too, while the checks pass', async () => {
    const t = await appOn('redis', { DEMO_MODE: 'true' });
    const body = (await healthJson(t)).json<HealthJsonBody>();
    expect(body.status).toBe('warn');
    expect(body.checks['redis:responseTime'][0]!.status).toBe('pass');
  });

  it('Redis down: 503 and fail, with no observed values', async () => {
    const t = await appOn('redis');
    await redisServers.at(-1)!.kill();
    const started = Date.now();
    const response = await healthJson(t);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(response.statusCode).toBe(503);
    const body = response.json<HealthJsonBody>();
    expectDraftShape(body);
    expect(body.status).toBe('fail');
    expect(body.output).toContain('unreachable');
    expect(body.checks['redis:responseTime'][0]).toMatchObject({ status: 'fail' });
    expect(body.checks['redis:responseTime'][0]!.observedValue).toBeUndefined();
    expect(body.checks['queue:depth'][0]).toMatchObject({ status: 'fail' });
    expect(body.checks['queue:depth'][0]!.observedValue).toBeUndefined();
    // the plain body keeps its own shape and the same status
    const plain = await t.app.inject({ method: 'GET', url: '/health' });
    expect(plain.statusCode).toBe(503);
    expect(plain.json()).toMatchObject({ status: 'unhealthy' });
  });
});

describe('wantsHealthJson', () => {
  it('answers the health-check format only when application/health+json is asked for', () => {
    expect(wantsHealthJson(undefined)).toBe(false);
    expect(wantsHealthJson('*/*')).toBe(false);
    expect(wantsHealthJson('application/json')).toBe(false);
    expect(wantsHealthJson('application/health+json')).toBe(true);
    expect(wantsHealthJson('Application/Health+JSON; charset=utf-8')).toBe(true);
    expect(wantsHealthJson('application/health+json, application/json;q=0.9, */*;q=0.1')).toBe(true);
    expect(wantsHealthJson('application/json, application/health+json;q=0.5')).toBe(false);
    expect(wantsHealthJson('application/health+json;q=0')).toBe(false);
  });
});
