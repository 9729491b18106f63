import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import helmet from '@fastify/helmet';
import { HELMET_OPTIONS } from '../../src/http/security-headers.js';
import { createTestApp, type TestApp } from '../../src/test-support/test-app.js';

/** What `@fastify/helmet`, registered for every route as app.ts once did, sets on a response. */
async function helmetReference(): Promise<Record<string, unknown>> {
  const reference = Fastify();
  await reference.register(helmet, HELMET_OPTIONS);
  reference.get('/', async () => ({ ok: true }));
  const response = await reference.inject({ method: 'GET', url: '/' });
  await reference.close();
  const {
    'content-type': _type,
    'content-length': _length,
    date: _date,
    connection: _connection,
    ...security
  } = response.headers;
  return security;
}

const pick = (response: LightMyRequestResponse, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, response.headers[name]]));

describe('security headers, computed once', () => {
  let t: TestApp;
  let expected: Record<string, unknown>;
  beforeAll(async () => {
    t = await createTestApp({ backend: 'memory', serveConsole: true, env: { BODY_LIMIT_BYTES: '1024' } });
    expected = await helmetReference();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are what helmet set before, on API responses, errors, 404s and the console alike', async () => {
    const names = Object.keys(expected);
    expect(names).toEqual(expect.arrayContaining(['content-security-policy', 'x-content-type-options']));
    const responses = [
      await t.app.inject({ method: 'GET', url: '/health' }),
      await t.app.inject({ method: 'GET', url: '/trpc/health.check' }),
      await t.app.inject({ method: 'GET', url: '/trpc/usage.get' }),
      await t.app.inject({
        method: 'POST',
        url: '/trpc/validation.validate',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ document: 'x'.repeat(2048) }),
      }),
      await t.app.inject({ method: 'GET', url: '/trpc-nothing-here' }),
      await t.app.inject({ method: 'GET', url: '/' }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 401, 413, 404, 200]);
    for (const response of responses) expect(pick(response, names)).toEqual(expected);
  });

  it('keep the console’s CSP loadable over plain HTTP', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});
