import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type * as fastifyAdapter from '@trpc/server/adapters/fastify';
import { buildApp } from '../../src/app.js';
import { manualClock, T0 } from '../../src/counters/counter-store.contract.js';
import type { Deps } from '../../src/deps.js';
import { credentialOf } from '../../src/keys/api-key.js';
import { createFixedKeys, ENVELOPE_AND_QUOTA_HEADERS } from '../../src/test-support/differential.js';
import { createTestDeps, TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';

// Counts the requests the lean handler declines: the stock plugin calls its own copy of this
// function, so only the lean path's hand-overs are seen here.
const handedOver = vi.hoisted(() => ({ count: 0 }));
vi.mock('@trpc/server/adapters/fastify', async (importOriginal) => {
  const original = await importOriginal<typeof fastifyAdapter>();
  return {
    ...original,
    fastifyRequestHandler: (...args: Parameters<typeof original.fastifyRequestHandler>) => {
      handedOver.count++;
      return original.fastifyRequestHandler(...args);
    },
  };
});

/**
 * One list of calls, sent in order to an app on the lean tRPC path and to an identical fresh app
 * on the stock adapter alone: every call must get the same status, the same relevant headers and
 * the same body. Keys are created with fixed values, so bodies compare as they are; only random
 * job ids and freshly created keys are masked.
 */

const MAIN_KEY = 'tg_differentialMainKey0000000000000';
const TIGHT_KEY = 'tg_differentialTightKey000000000000';
const UNKNOWN_KEY = 'tg_differentialUnknownKey0000000000';
const BODY_LIMIT = 4096;

const VALID = { schema: { type: 'object', required: ['a'] }, document: { a: 1 } };
const INVALID_DOC = { schema: { type: 'object', required: ['a'] }, document: {} };
const ZOD_ERROR = { schema: {} };
const SUBMIT = { schema: { type: 'number' }, documents: [1, 'x'] };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };
const q = (input: unknown) => encodeURIComponent(JSON.stringify(input));
const batchBody = (...inputs: unknown[]) => JSON.stringify(Object.fromEntries(inputs.map((v, i) => [i, v])));

interface Call {
  name: string;
  request: InjectOptions;
  /** the status the call exists to test (checked on the lean side; equality does the rest) */
  status: number;
  /** the lean handler declines it: the stock handler answers on both sides */
  declined?: true;
}

const post = (url: string, payload: string, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url,
  headers: { ...json, ...headers },
  payload,
});
const get = (url: string, headers: Record<string, string> = {}): InjectOptions => ({ method: 'GET', url, headers });

const CALLS: Call[] = [
  { name: 'health.check over GET', request: get('/trpc/health.check'), status: 200 },
  {
    name: 'good mutation',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), bearer(MAIN_KEY)),
    status: 200,
  },
  {
    name: 'good mutation, invalid document',
    request: post('/trpc/validation.validate', JSON.stringify(INVALID_DOC), bearer(MAIN_KEY)),
    status: 200,
  },
  { name: 'good query', request: get('/trpc/usage.get', bearer(MAIN_KEY)), status: 200 },
  {
    name: 'zod input error (issues)',
    request: post('/trpc/validation.validate', JSON.stringify(ZOD_ERROR), bearer(MAIN_KEY)),
    status: 400,
  },
  { name: 'no API key', request: post('/trpc/validation.validate', JSON.stringify(VALID)), status: 401 },
  {
    name: 'malformed API key',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), bearer('nope')),
    status: 401,
  },
  {
    name: 'unknown API key',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), bearer(UNKNOWN_KEY)),
    status: 401,
  },
  {
    name: 'wrong admin token',
    request: get('/trpc/admin.keys.list', bearer('wrong-admin-token-0000000')),
    status: 403,
  },
  { name: 'admin query', request: get('/trpc/admin.keys.list', bearer(TEST_ADMIN_TOKEN)), status: 200 },
  {
    name: 'admin mutation',
    request: post('/trpc/admin.keys.create', JSON.stringify({ name: 'd' }), bearer(TEST_ADMIN_TOKEN)),
    status: 200,
  },
  {
    name: 'last rate slot',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), bearer(TIGHT_KEY)),
    status: 200,
  },
  {
    name: '429 with Retry-After and quota',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), bearer(TIGHT_KEY)),
    status: 429,
  },
  {
    name: '429 batch',
    request: post('/trpc/validation.validate,validation.validate?batch=1', batchBody(VALID, VALID), bearer(TIGHT_KEY)),
    status: 429,
  },
  { name: 'unknown procedure over GET', request: get('/trpc/nope.nothing', bearer(MAIN_KEY)), status: 404 },
  { name: 'unknown procedure over POST', request: post('/trpc/nope.nothing', '{}', bearer(MAIN_KEY)), status: 404 },
  {
    name: 'batch, all ok',
    request: post(
      '/trpc/validation.validate,validation.validate?batch=1',
      batchBody(VALID, INVALID_DOC),
      bearer(MAIN_KEY),
    ),
    status: 200,
  },
  {
    name: 'batch, all failing',
    request: post('/trpc/validation.validate,validation.validate?batch=1', batchBody(ZOD_ERROR, {}), bearer(MAIN_KEY)),
    status: 400,
  },
  {
    name: 'batch, mixed',
    request: post(
      '/trpc/validation.validate,validation.validate?batch=1',
      batchBody(VALID, ZOD_ERROR),
      bearer(MAIN_KEY),
    ),
    status: 207,
  },
  {
    name: 'batch, two error statuses',
    request: post('/trpc/validation.validate,nope.x?batch=1', batchBody(ZOD_ERROR), bearer(MAIN_KEY)),
    status: 207,
  },
  {
    name: 'batch, missing input of one call',
    request: post(
      '/trpc/validation.validate,validation.validate?batch=1',
      JSON.stringify({ 1: VALID }),
      bearer(MAIN_KEY),
    ),
    status: 207,
  },
  {
    name: 'batch of queries over GET',
    request: get(`/trpc/usage.get,health.check,jobs.list?batch=1&input=${q({ 2: { limit: 5 } })}`, bearer(MAIN_KEY)),
    status: 200,
  },
  {
    name: 'batch of queries over GET, one unknown',
    request: get('/trpc/usage.get,nope?batch=1', bearer(MAIN_KEY)),
    status: 207,
  },
  {
    name: 'batch param repeated',
    request: post('/trpc/validation.validate?batch=1&batch=1', batchBody(VALID), bearer(MAIN_KEY)),
    status: 200,
  },
  {
    name: 'batch=0 is a single call',
    request: post('/trpc/validation.validate?batch=0', JSON.stringify(VALID), bearer(MAIN_KEY)),
    status: 200,
  },
  {
    name: 'mutation over GET',
    request: get(`/trpc/validation.validate?input=${q(VALID)}`, bearer(MAIN_KEY)),
    status: 405,
  },
  { name: 'query over POST', request: post('/trpc/usage.get', '{}', bearer(MAIN_KEY)), status: 405 },
  {
    name: 'batch of mutations over GET',
    request: get(`/trpc/validation.validate,validation.validate?batch=1&input=${q({ 0: VALID })}`, bearer(MAIN_KEY)),
    status: 405,
  },
  {
    name: 'oversized body',
    request: post(
      '/trpc/validation.validate',
      JSON.stringify({ schema: {}, document: 'x'.repeat(BODY_LIMIT) }),
      bearer(MAIN_KEY),
    ),
    status: 413,
  },
  {
    name: 'oversized batch',
    request: post(
      '/trpc/validation.validate,validation.validate?batch=1',
      batchBody('x'.repeat(BODY_LIMIT), VALID),
      bearer(MAIN_KEY),
    ),
    status: 413,
  },
  { name: 'malformed JSON', request: post('/trpc/validation.validate', '{"schema":', bearer(MAIN_KEY)), status: 400 },
  {
    name: 'malformed JSON before the key is checked',
    request: post('/trpc/validation.validate', '{"schema":'),
    status: 401,
  },
  {
    name: 'malformed JSON in a batch',
    request: post('/trpc/validation.validate,validation.validate?batch=1', '{"0":', bearer(MAIN_KEY)),
    status: 400,
  },
  {
    name: 'batch input that is not an object',
    request: post('/trpc/validation.validate?batch=1', '[1]', bearer(MAIN_KEY)),
    status: 400,
  },
  { name: 'empty JSON body', request: post('/trpc/validation.validate', '', bearer(MAIN_KEY)), status: 400 },
  { name: 'JSON null body', request: post('/trpc/validation.validate', 'null', bearer(MAIN_KEY)), status: 400 },
  {
    name: 'body with a byte order mark',
    request: post('/trpc/validation.validate', `\uFEFF${JSON.stringify(VALID)}`, bearer(MAIN_KEY)),
    status: 200,
  },
  {
    name: 'content-type with charset',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), {
      ...bearer(MAIN_KEY),
      'content-type': 'application/json; charset=utf-8',
    }),
    status: 200,
  },
  {
    name: 'POST without content-type',
    request: { method: 'POST', url: '/trpc/validation.validate', headers: bearer(MAIN_KEY) },
    status: 415,
    declined: true,
  },
  {
    name: 'text/plain body',
    request: post('/trpc/validation.validate', JSON.stringify(VALID), {
      ...bearer(MAIN_KEY),
      'content-type': 'text/plain',
    }),
    status: 415,
    declined: true,
  },
  {
    name: 'percent-encoded path',
    request: post('/trpc/validation%2Evalidate', JSON.stringify(VALID), bearer(MAIN_KEY)),
    status: 200,
  },
  { name: 'jobs.submit', request: post('/trpc/jobs.submit', JSON.stringify(SUBMIT), bearer(MAIN_KEY)), status: 200 },
  { name: 'jobs.list', request: get(`/trpc/jobs.list?input=${q({ limit: 10 })}`, bearer(MAIN_KEY)), status: 200 },
  {
    name: 'jobs.get NOT_FOUND',
    request: get(`/trpc/jobs.get?input=${q({ jobId: 'nope' })}`, bearer(MAIN_KEY)),
    status: 404,
  },
  { name: 'GET with malformed input', request: get('/trpc/jobs.get?input=%7B', bearer(MAIN_KEY)), status: 400 },
  { name: 'GET with empty input', request: get('/trpc/jobs.get?input=', bearer(MAIN_KEY)), status: 400 },
  {
    name: 'GET with malformed percent-encoding',
    request: get('/trpc/jobs.get?input=%E0%A4%A', bearer(MAIN_KEY)),
    status: 400,
  },
  // declined by the lean handler: the stock handler answers on both sides
  { name: 'HEAD', request: { method: 'HEAD', url: '/trpc/health.check' }, status: 204, declined: true },
  {
    name: 'PUT',
    request: { method: 'PUT', url: '/trpc/validation.validate', headers: json, payload: '{}' },
    status: 405,
    declined: true,
  },
  {
    name: 'batch mixing a query and a mutation',
    request: post('/trpc/health.check,validation.validate?batch=1', batchBody(undefined, VALID), bearer(MAIN_KEY)),
    status: 400,
    declined: true,
  },
  {
    name: 'jsonl streaming batch',
    request: post('/trpc/validation.validate?batch=1', batchBody(VALID), {
      ...bearer(MAIN_KEY),
      'trpc-accept': 'application/jsonl',
    }),
    status: 200,
    declined: true,
  },
  {
    name: 'query with connectionParams',
    request: get(`/trpc/usage.get?connectionParams=${q({ token: MAIN_KEY })}`),
    status: 200,
    declined: true,
  },
  {
    name: 'SSE subscription refused',
    request: get('/trpc/admin.status', { accept: 'text/event-stream' }),
    status: 200,
    declined: true,
  },
];

/**
 * Compared headers. The response cache's X-Cache, Cache-Control and ETag are left out on purpose:
 * only the lean path sets them (the stock adapter is the reference, without HTTP caching), and
 * no call here involves the cache anyway (jobs.get answers NOT_FOUND, errors are never cached,
 * and the validate pairs are small enough to skip it); 'involve no caching' below checks that.
 * Caching is tested in test/cache/.
 */
const HEADERS = [...ENVELOPE_AND_QUOTA_HEADERS, 'x-content-type-options', 'content-security-policy'];

interface Seen {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  /** whether the request reached the stock handler through the lean route */
  handedOver: boolean;
  /** whether the response carries the response cache's headers (X-Cache) */
  cached: boolean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const FIXED_IDS = new Set([MAIN_KEY, TIGHT_KEY, UNKNOWN_KEY].map((key) => credentialOf(key).id));
/** Random values (job ids, keys created by a call) differ between the two apps. */
const mask = (text: string) =>
  text
    .replace(UUID, '<uuid>')
    .replace(/tg_[A-Za-z0-9_-]{22,}/g, (key) => (key.startsWith('tg_differential') ? key : '<new key>'))
    .replace(/k_[0-9a-f]{16}/g, (id) => (FIXED_IDS.has(id) ? id : '<new key id>'));

function seen(response: LightMyRequestResponse, handedOverNow: boolean): Seen {
  const headers = Object.fromEntries(HEADERS.map((name) => [name, response.headers[name]]));
  const text = mask(response.body);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // SSE and JSONL bodies compare as text
  }
  const cached = response.headers['x-cache'] !== undefined;
  return { status: response.statusCode, headers, body, handedOver: handedOverNow, cached };
}

async function createKeys(deps: Deps): Promise<void> {
  await createFixedKeys(
    deps,
    [
      [MAIN_KEY, 1000],
      [TIGHT_KEY, 1],
    ] as const,
    10,
  );
}

/** A fresh app on `trpcPath`, its keys, and what each call of CALLS got. */
async function run(trpcPath: 'lean' | 'stock'): Promise<Seen[]> {
  const deps = await createTestDeps({
    backend: 'memory',
    clock: manualClock(T0),
    env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), RUN_WORKER: 'false' },
  });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(deps, { serveConsole: false, trpcPath });
    await createKeys(deps);
    const results: Seen[] = [];
    for (const call of CALLS) {
      const before = handedOver.count;
      const response = await app.inject(call.request);
      results.push(seen(response, handedOver.count > before));
    }
    return results;
  } finally {
    await app?.close();
    await deps.close();
  }
}

describe('the lean tRPC path answers exactly as the stock adapter', () => {
  let lean: Seen[];
  let stock: Seen[];
  beforeAll(async () => {
    lean = await run('lean');
    stock = await run('stock');
  });

  it.each(CALLS.map((call, index) => [call.name, index] as const))('%s', (_name, index) => {
    const { handedOver: leanHandedOver, cached: _leanCached, ...leanSeen } = lean[index]!;
    const { handedOver: stockHandedOver, cached: _stockCached, ...stockSeen } = stock[index]!;
    expect(leanSeen).toEqual(stockSeen);
    expect(leanSeen.status).toBe(CALLS[index]!.status);
    expect(leanHandedOver).toBe(CALLS[index]!.declined === true);
    expect(stockHandedOver).toBe(false);
  });

  it('involve no caching', () => {
    expect(CALLS.filter((_, index) => lean[index]!.cached).map((call) => call.name)).toEqual([]);
  });

  it('carries what the calls exist to test', () => {
    const byName = (name: string) => lean[CALLS.findIndex((call) => call.name === name)]!;
    const limited = byName('429 with Retry-After and quota');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ error: { data: { quota: { kind: 'rate', limit: 1, remaining: 0 } } } });
    expect(byName('zod input error (issues)').body).toMatchObject({
      error: { data: { issues: [{ path: 'document' }] } },
    });
    expect(byName('good query').headers.vary).toBe('trpc-accept, accept');
    expect(byName('batch, mixed').body).toHaveLength(2);
    expect(byName('oversized body').body).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
