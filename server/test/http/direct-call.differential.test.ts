import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { manualClock, T0 } from '../../src/counters/counter-store.contract.js';
import type { Deps } from '../../src/deps.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { credentialOf } from '../../src/keys/api-key.js';
import { nested, POISON_SCHEMA } from '../../src/test-support/hostile-inputs.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createFixedKeys, ENVELOPE_AND_QUOTA_HEADERS } from '../../src/test-support/differential.js';
import { createTestDeps } from '../../src/test-support/test-app.js';

/**
 * The direct calls of the guarded procedures and key queries (src/trpc/direct-call.ts) against the
 * tRPC middleware chain they stand in for: one list of calls, sent in order to two identical fresh
 * apps on the lean path, one running direct calls and one the chain, on each backend. Every call
 * must get the same status, the same headers and the same body — successes, every refusal of the
 * guard and of key authentication, errors of the procedures, cached answers and 304s, a budget
 * overrun and, on Redis, an outage.
 */

const MAIN_KEY = 'tg_directCallMainKey000000000000000';
const TIGHT_KEY = 'tg_directCallTightKey00000000000000';
const REVOKED_KEY = 'tg_directCallRevokedKey000000000000';
const UNKNOWN_KEY = 'tg_directCallUnknownKey000000000000';

const VALID = { schema: { type: 'object', required: ['a'] }, document: { a: 1 } };
const INVALID_DOC = { schema: { type: 'object', required: ['a'] }, document: {} };
/** a `$ref` sends the pair to a validation thread, whose answers are cached */
const WITH_REF = {
  schema: { $defs: { s: { type: 'string', minLength: 2 } }, type: 'array', items: { $ref: '#/$defs/s' } },
  document: ['ab', 'c'],
};
const SUBMIT = { schema: { type: 'number' }, documents: [1, 'x'] };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (path: string, body: unknown, key: string | null = MAIN_KEY, raw = false): InjectOptions => ({
  method: 'POST',
  url: `/trpc/${path}`,
  headers: { 'content-type': 'application/json', ...(key === null ? {} : bearer(key)) },
  payload: raw ? (body as string) : JSON.stringify(body),
});
const batch = (paths: string[], inputs: unknown[], key: string = MAIN_KEY) =>
  post(`${paths.join(',')}?batch=1`, Object.fromEntries(inputs.map((input, i) => [i, input])), key);
const get = (path: string, input: unknown, key: string | null = MAIN_KEY, extra: Record<string, string> = {}) => ({
  method: 'GET' as const,
  url: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
  headers: { ...(key === null ? {} : bearer(key)), ...extra },
});
/** the id of the last job MAIN_KEY submitted, in each app */
type JobRequest = (jobId: string) => InjectOptions;
const NO_SUCH_JOB = '00000000-0000-4000-8000-000000000000';

interface Call {
  name: string;
  request: InjectOptions | JobRequest;
  /** the status the call exists to test */
  status: number;
  /** run the queued jobs to their end before this call */
  finishJobsFirst?: true;
  /** Redis backend only: stop Redis before this call */
  stopRedisFirst?: true;
}

const CALLS: Call[] = [
  { name: 'valid document', request: post('validation.validate', VALID), status: 200 },
  { name: 'invalid document', request: post('validation.validate', INVALID_DOC), status: 200 },
  { name: 'no key', request: post('validation.validate', VALID, null), status: 401 },
  { name: 'malformed key', request: post('validation.validate', VALID, 'nope'), status: 401 },
  { name: 'unknown key', request: post('validation.validate', VALID, UNKNOWN_KEY), status: 401 },
  { name: 'revoked key', request: post('validation.validate', VALID, REVOKED_KEY), status: 401 },
  { name: 'zod input error', request: post('validation.validate', { schema: {} }), status: 400 },
  { name: 'empty body', request: post('validation.validate', '', MAIN_KEY, true), status: 400 },
  {
    name: 'schema that does not compile',
    request: post('validation.validate', { schema: { type: 'nope' }, document: 1 }),
    status: 400,
  },
  {
    name: 'pattern RE2 refuses',
    request: post('validation.validate', { schema: { properties: { a: { pattern: '(?=a)b' } } }, document: {} }),
    status: 400,
  },
  {
    name: 'unknown $schema',
    request: post('validation.validate', { schema: { $schema: 'https://example.com/s' }, document: 1 }),
    status: 400,
  },
  { name: 'pair for a thread, first (miss)', request: post('validation.validate', WITH_REF), status: 200 },
  { name: 'pair for a thread, again (hit)', request: post('validation.validate', WITH_REF), status: 200 },
  {
    name: 'over the validation budget',
    request: post('validation.validate', { schema: POISON_SCHEMA, document: nested(40) }),
    status: 422,
  },
  { name: 'last rate slot', request: post('validation.validate', VALID, TIGHT_KEY), status: 200 },
  { name: 'rate limit reached', request: post('validation.validate', VALID, TIGHT_KEY), status: 429 },
  {
    name: 'batch: ok, zod error, refused schema',
    request: batch(
      ['validation.validate', 'validation.validate', 'validation.validate'],
      [VALID, { document: 1 }, { schema: { minimum: 'x' }, document: 1 }],
    ),
    status: 207,
  },
  { name: 'job submitted', request: post('jobs.submit', SUBMIT), status: 200 },
  { name: 'jobs.get of a waiting job (not cached)', request: (id) => get('jobs.get', { jobId: id }), status: 200 },
  { name: 'jobs.get of no such job', request: get('jobs.get', { jobId: NO_SUCH_JOB }), status: 404 },
  { name: 'jobs.get without a key', request: (id) => get('jobs.get', { jobId: id }, null), status: 401 },
  { name: 'jobs.get, unknown key', request: (id) => get('jobs.get', { jobId: id }, UNKNOWN_KEY), status: 401 },
  { name: 'jobs.get, revoked key', request: (id) => get('jobs.get', { jobId: id }, REVOKED_KEY), status: 401 },
  { name: "jobs.get of another key's job", request: (id) => get('jobs.get', { jobId: id }, TIGHT_KEY), status: 404 },
  { name: 'jobs.get, zod input error', request: get('jobs.get', { jobId: 7 }), status: 400 },
  { name: 'jobs.get as a POST', request: (id) => post('jobs.get', { jobId: id }), status: 405 },
  {
    name: 'jobs.get of the finished job (miss)',
    request: (id) => get('jobs.get', { jobId: id }),
    status: 200,
    finishJobsFirst: true,
  },
  { name: 'jobs.get of the finished job (hit)', request: (id) => get('jobs.get', { jobId: id }), status: 200 },
  {
    name: 'jobs.get, If-None-Match of the hit: 304',
    request: (id) => get('jobs.get', { jobId: id }, MAIN_KEY, { 'if-none-match': '*' }),
    status: 304,
  },
  { name: 'jobs.list', request: get('jobs.list', { limit: 10 }), status: 200 },
  { name: 'jobs.list, zod input error', request: get('jobs.list', { limit: -1 }), status: 400 },
  { name: 'jobs.list without a key', request: get('jobs.list', {}, null), status: 401 },
  {
    name: 'batch: jobs.get, jobs.get of no such job, jobs.list',
    request: (id) => ({
      method: 'GET',
      url: `/trpc/jobs.get,jobs.get,jobs.list?batch=1&input=${encodeURIComponent(
        JSON.stringify({ 0: { jobId: id }, 1: { jobId: NO_SUCH_JOB }, 2: {} }),
      )}`,
      headers: bearer(MAIN_KEY),
    }),
    status: 207,
  },
  { name: 'second job: last daily slot', request: post('jobs.submit', SUBMIT), status: 200 },
  { name: 'daily job quota reached', request: post('jobs.submit', SUBMIT), status: 429 },
  {
    name: 'job over MAX_JOB_DOCUMENTS',
    request: post('jobs.submit', { schema: {}, documents: Array.from({ length: 10_001 }, () => 0) }),
    status: 400,
  },
  {
    name: 'job whose schema does not compile',
    request: post('jobs.submit', { schema: { type: 7 }, documents: [1] }),
    status: 400,
  },
  {
    name: 'Redis gone: fail closed',
    request: post('validation.validate', VALID),
    status: 503,
    stopRedisFirst: true,
  },
  { name: 'Redis gone: jobs too', request: post('jobs.submit', SUBMIT), status: 503 },
  { name: 'Redis gone: jobs.get', request: (id) => get('jobs.get', { jobId: id }), status: 503 },
  { name: 'Redis gone: jobs.list', request: get('jobs.list', {}), status: 503 },
];

const HEADERS = [...ENVELOPE_AND_QUOTA_HEADERS, 'x-cache', 'cache-control', 'etag'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** a job's times (epoch milliseconds): each app ran its own job */
const EPOCH_MS = /(?<=:)1\d{12}\b/g;

interface Seen {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
}

function seen(response: LightMyRequestResponse): Seen {
  const headers = Object.fromEntries(HEADERS.map((name) => [name, response.headers[name]]));
  const text = response.body.replace(UUID, '<uuid>').replace(EPOCH_MS, '"<ms>"');
  // the entity tag digests the body, times included: whether there is one is what both must agree on
  if (headers['etag'] !== undefined) headers['etag'] = 'W/"<digest>"';
  return { status: response.statusCode, headers, body: text === '' ? '' : (JSON.parse(text) as unknown) };
}

const bearerOf = (request: InjectOptions) =>
  (request.headers as Record<string, string> | undefined)?.['authorization']?.replace('Bearer ', '');

async function createKeys(deps: Deps): Promise<void> {
  const keys = [
    [MAIN_KEY, 1000],
    [TIGHT_KEY, 1],
    [REVOKED_KEY, 1000],
  ] as const;
  await createFixedKeys(deps, keys, 2);
  await deps.counters.revokeKey(credentialOf(REVOKED_KEY).id);
}

/** The calls for a backend: on memory, those before the outage. */
function callsFor(backend: 'memory' | 'redis'): Call[] {
  const outage = CALLS.findIndex((call) => call.stopRedisFirst === true);
  return backend === 'redis' ? CALLS : CALLS.slice(0, outage);
}

/** A fresh app (its own Redis on the Redis backend), its keys, what each call got and the cache's hits. */
async function run(backend: 'memory' | 'redis', directCalls: boolean): Promise<{ seen: Seen[]; cacheHits: number }> {
  const redis = backend === 'redis' ? await TestRedisServer.start() : null;
  const deps = await createTestDeps({
    backend,
    ...(redis === null ? {} : { redisUrl: redis.url }),
    clock: manualClock(T0),
    env: { RUN_WORKER: 'false', VALIDATION_BUDGET_MS: '300', VALIDATION_THREADS: '1' },
  });
  const app = await buildApp(deps, { serveConsole: false, directCalls });
  let worker: RunningWorker | undefined;
  try {
    await createKeys(deps);
    const results: Seen[] = [];
    let cacheHits = 0;
    let jobId = NO_SUCH_JOB;
    for (const call of callsFor(backend)) {
      if (call.stopRedisFirst === true) {
        cacheHits = deps.cache.stats().hits;
        await worker?.close();
        await redis?.stop();
      }
      if (call.finishJobsFirst === true) {
        worker = deps.queue.startWorker(1);
        await vi.waitFor(async () => expect((await deps.queue.get(jobId))?.state).toBe('completed'), 10_000);
      }
      const request = typeof call.request === 'function' ? call.request(jobId) : call.request;
      const response = await app.inject(request);
      if (request.url === '/trpc/jobs.submit' && response.statusCode === 200 && bearerOf(request) === MAIN_KEY) {
        jobId = (JSON.parse(response.body) as { result: { data: { jobId: string } } }).result.data.jobId;
      }
      results.push(seen(response));
    }
    return { seen: results, cacheHits: redis === null ? deps.cache.stats().hits : cacheHits };
  } finally {
    await worker?.close();
    await app.close();
    await deps.close();
    await redis?.destroy();
  }
}

describe.each(['memory', 'redis'] as const)('direct calls answer as the middleware chain (%s backend)', (backend) => {
  const calls = callsFor(backend);
  let direct: { seen: Seen[]; cacheHits: number };
  let chain: { seen: Seen[]; cacheHits: number };
  beforeAll(async () => {
    direct = await run(backend, true);
    chain = await run(backend, false);
  }, 60_000);

  it.each(calls.map((call, index) => [call.name, index] as const))('%s', (_name, index) => {
    expect(direct.seen[index]).toEqual(chain.seen[index]);
    expect(direct.seen[index]!.status).toBe(calls[index]!.status);
  });

  it('answered the repeated thread-bound pair and the finished job from the response cache on both paths', () => {
    // the pair's second call; the finished job's second and third calls and the batch's jobs.get
    expect(direct.cacheHits).toBe(4);
    expect(chain.cacheHits).toBe(4);
  });
});
