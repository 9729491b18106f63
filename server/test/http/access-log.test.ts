import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Deps } from '../../src/deps.js';
import { AccessLog } from '../../src/http/access-log.js';
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

/**
 * The `request completed` line is written by a redaction-free logger from fields built one by one
 * (access-log.ts): it must be the line the process logger writes through its serializers and
 * redaction, field for field, whatever the request.
 */
describe('access line fast path', () => {
  type Line = Record<string, unknown>;

  /** The lines as written, each line's times replaced by a placeholder. */
  async function textOf(fastPath: boolean, logLevel: 'info' | 'warn'): Promise<string[]> {
    const written: string[] = [];
    await linesOf(fastPath, logLevel, written);
    return written.map((line) =>
      line.replace(/"time":\d+,/, '"time":T,').replace(/"responseTime":[-+.\de]+,/, '"responseTime":R,'),
    );
  }

  async function linesOf(fastPath: boolean, logLevel: 'info' | 'warn', written: string[] = []): Promise<Line[]> {
    const lines: Line[] = [];
    const logger = createLogger(
      { logLevel, environment: 'test' },
      {
        write: (line: string) => {
          written.push(line);
          lines.push(JSON.parse(line) as Line);
        },
      },
    );
    const app = Fastify({
      loggerInstance: logger,
      logController: fastPath ? new AccessLog(logger) : new AccessLog(),
      genReqId: () => 'req-fixed',
    });
    app.get('/items/:id', async () => ({ ok: true }));
    app.post('/items', async (_request, reply) => reply.code(201).send({ created: true }));
    app.get('/quiet', { logLevel: 'warn' }, async () => 'shh');
    app.get('/fails', async () => {
      throw new Error('broken');
    });
    await app.ready();
    const requests = [
      { method: 'GET', url: '/items/7?input=%7B%22a%22%3A1%7D&token=s3cret&apiKey=tg_x&b=2' },
      { method: 'POST', url: '/items?connectionParams=%7B%7D', payload: { a: 1 } },
      { method: 'GET', url: '/nowhere' },
      { method: 'GET', url: '/quiet' },
      { method: 'GET', url: '/fails' },
    ] as const;
    for (const request of requests) await app.inject(request);
    await app.close();
    return lines.map(({ time: _time, responseTime, ...rest }) => ({ ...rest, responseTime: typeof responseTime }));
  }

  it('writes the line the process logger writes, credential parameters redacted, levels respected', async () => {
    const fast = await linesOf(true, 'info');
    expect(fast).toEqual(await linesOf(false, 'info'));
    const completed = fast.filter((line) => line['msg'] === 'request completed');
    expect(completed.map((line) => (line['res'] as { statusCode: number }).statusCode)).toEqual([200, 201, 404, 500]);
    expect(completed[0]).toMatchObject({
      environment: 'test',
      reqId: 'req-fixed',
      req: { url: '/items/7?input=%7B%22a%22%3A1%7D&token=[REDACTED]&apiKey=[REDACTED]&b=2', route: '/items/:id' },
      responseTime: 'number',
    });
    expect(JSON.stringify(fast)).not.toContain('s3cret');
    expect(fast.filter((line) => line['level'] === 50)).toHaveLength(1);
    expect(await linesOf(true, 'warn')).toEqual(await linesOf(false, 'warn'));
  });

  it('writes those lines character for character (the times aside), in the same order', async () => {
    const fast = await textOf(true, 'info');
    expect(fast.filter((line) => line.includes('"msg":"request completed"'))).toHaveLength(4);
    expect(fast.every((line) => line.endsWith('\n'))).toBe(true);
    expect(fast).toEqual(await textOf(false, 'info'));
  });
});
