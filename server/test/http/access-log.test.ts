import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Deps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import { createTestDeps, TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';

/** The access log as an operator reads it: one line per request, the facts there, no secrets. */
describe('access log', () => {
  const lines: Array<Record<string, unknown>> = [];
  let deps: Deps;
  let app: FastifyInstance;

  beforeAll(async () => {
    deps = await createTestDeps({ backend: 'memory' });
    const logger = createLogger(
      { logLevel: 'info', environment: 'test' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    app = await buildApp({ ...deps, logger }, { serveConsole: false });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await deps.close();
  });

  it('writes one `request completed` line per request, with method, URL, route, status and time, never the key', async () => {
    const key = 'tg_accessLogKeyThatMustNotBeLogged0';
    lines.length = 0;
    const health = await app.inject({ method: 'GET', url: '/health' });
    const refused = await app.inject({
      method: 'POST',
      url: '/trpc/validation.validate',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify({ schema: {}, document: 1 }),
    });
    expect(health.statusCode).toBe(200);
    expect(refused.statusCode).toBe(401);

    const access = lines.filter((line) => line['req'] !== undefined || line['res'] !== undefined);
    expect(access.map((line) => line['msg'])).toEqual(['request completed', 'request completed']);
    expect(access[0]).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/health', route: '/health' },
      res: { statusCode: 200 },
    });
    expect(access[1]).toMatchObject({
      req: { method: 'POST', url: '/trpc/validation.validate', route: '/trpc/:path' },
      res: { statusCode: 401 },
    });
    expect(typeof access[1]!['responseTime']).toBe('number');
    const text = JSON.stringify(lines);
    expect(text).not.toContain(key);
    expect(text).not.toContain(TEST_ADMIN_TOKEN);
  });
});
