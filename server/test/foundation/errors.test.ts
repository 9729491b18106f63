import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/keys/key-service.js';
import { createTestApp, type TestApp } from '../../src/test-support/test-app.js';

/** `[[[…1…]]]` nested `depth` levels, built as text so the test itself never recurses. */
function nestedArrayText(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

for (const environment of ['production', 'development'] as const) {
  describe(`error responses (ENVIRONMENT=${environment})`, () => {
    let t: TestApp;
    let apiKey: string;

    beforeAll(async () => {
      t = await createTestApp({ backend: 'memory', env: { ENVIRONMENT: environment } });
      apiKey = (await createApiKey(t.deps.counters, t.deps.config, t.deps.clock, { name: 'errors' })).apiKey;
    });

    afterAll(async () => {
      await t.close();
    });

    const post = (path: string, payload: string, key = apiKey) =>
      t.app.inject({
        method: 'POST',
        url: `/trpc/${path}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        payload,
      });

    it('a zod failure is BAD_REQUEST naming the failing paths', async () => {
      const response = await post('validation.validate', JSON.stringify({ schema: 'nope' }));
      expect(response.statusCode).toBe(400);
      const body = response.json();
      expect(body.error.data.code).toBe('BAD_REQUEST');
      const paths = (body.error.data.issues as Array<{ path: string }>).map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['schema', 'document']));
      if (environment === 'production') expect(body.error.data.stack).toBeUndefined();
    });

    it('a document nested deeper than 256 levels is BAD_REQUEST, even 20 000 levels deep', async () => {
      for (const depth of [257, 20_000]) {
        const response = await post('validation.validate', `{"schema":{},"document":${nestedArrayText(depth)}}`);
        expect(response.statusCode).toBe(400);
        expect(response.json().error.data.code).toBe('BAD_REQUEST');
        expect(response.body).toContain('256');
      }
      const ok = await post('validation.validate', `{"schema":{},"document":${nestedArrayText(256)}}`);
      expect(ok.statusCode).toBe(200);
    });

    it('runs a pattern that would backtrack catastrophically in linear time instead of freezing the server', async () => {
      const evil = JSON.stringify({
        schema: { type: 'string', pattern: '^(a+)+$' },
        document: `${'a'.repeat(50_000)}!`,
      });
      const [answered, alive] = await Promise.all([post('validation.validate', evil), t.app.inject('/livez')]);
      expect(answered.statusCode).toBe(200);
      expect(answered.json().result.data.valid).toBe(false);
      expect(alive.statusCode).toBe(200);
    });

    it('malformed JSON is a tRPC-shaped 400', async () => {
      const response = await post('validation.validate', '{"schema":');
      expect(response.statusCode).toBe(400);
      expect(response.json().error.data.httpStatus).toBe(400);
    });

    it('refuses unknown and revoked keys before their input is parsed or any schema compiled', async () => {
      const invalidInput = JSON.stringify({ schema: { type: 'no-such-type' } });
      const unknown = await post('validation.validate', invalidInput, `tg_${'B'.repeat(32)}`);
      expect(unknown.statusCode).toBe(401);
      const revoked = await createApiKey(t.deps.counters, t.deps.config, t.deps.clock, { name: 'revoked' });
      await t.deps.counters.revokeKey(revoked.id);
      const afterRevoke = await post('jobs.submit', invalidInput, revoked.apiKey);
      expect(afterRevoke.statusCode).toBe(401);
      expect(afterRevoke.json().error.message).toBe('API key revoked');
    });

    it('unknown keys are UNAUTHORIZED and unknown procedures NOT_FOUND', async () => {
      const unknownKey = await post('validation.validate', '{"schema":{},"document":1}', `tg_${'A'.repeat(32)}`);
      expect(unknownKey.statusCode).toBe(401);
      expect(unknownKey.json().error.data.code).toBe('UNAUTHORIZED');
      const missing = await t.app.inject({ method: 'GET', url: '/trpc/no.such.procedure' });
      expect(missing.statusCode).toBe(404);
    });

    it(`a server fault ${environment === 'production' ? 'hides its stack and message' : 'shows its stack'}`, async () => {
      const consume = t.deps.counters.consume.bind(t.deps.counters);
      t.deps.counters.consume = () => Promise.reject(new Error('disk on fire at /srv/secret/path'));
      try {
        const response = await post('validation.validate', JSON.stringify({ schema: {}, document: 1 }));
        expect(response.statusCode).toBe(500);
        const error = response.json().error;
        if (environment === 'production') {
          expect(response.body).not.toContain('"stack"');
          expect(response.body).not.toContain('/srv/secret/path');
          expect(error.message).toBe('Internal server error');
        } else {
          expect(error.data.stack).toEqual(expect.stringContaining('disk on fire'));
        }
      } finally {
        t.deps.counters.consume = consume;
      }
    });

    it('answers client errors without a stack trace', async () => {
      const response = await post('validation.validate', JSON.stringify({ schema: 1, document: 1 }));
      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain('"stack"');
      expect(response.body).not.toMatch(/\bat .*\.(?:js|ts):\d+/);
    });
  });
}
