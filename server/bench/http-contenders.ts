import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../src/test-support/free-port.js';
import { JOB } from './job-payload.js';
import { Spawned } from './spawned.js';
import { TOLLGATE_DIST } from './standalone-scripts.js';
import { startTollgateServer } from './tollgate-process.js';

/** The body every POST contender gets: a 1-property schema and a document that passes. */
export const VALIDATE_BODY = '{"schema":{"type":"object","properties":{"a":{"type":"string"}}},"document":{"a":"x"}}';

export type HttpContenderId =
  | 'guarded'
  | 'unguarded'
  | 'guarded-quiet'
  | 'fastify-rate-limit'
  | 'trpc-limiter'
  | 'ceiling'
  | 'health'
  | 'jobs-get-cached'
  | 'jobs-get-uncached';

/** The rows that read one finished job: their path gets `?input=` once the job has completed. */
export const FINISHED_JOB_IDS: readonly HttpContenderId[] = ['jobs-get-cached', 'jobs-get-uncached'];

export interface HttpContender {
  id: HttpContenderId;
  /** the row's name */
  label: string;
  /** what one request does there */
  what: string;
  method: 'GET' | 'POST';
  path: string;
  /** a probe's 200 body must contain this, or the contender is not doing the same work */
  expect: string;
  /** talks to Redis on every request */
  usesRedis: boolean;
  /** the probe's `X-Cache` header must say this: the cached row really hits, the uncached one really misses */
  xCache?: 'HIT' | 'MISS';
}

export interface StartedContender extends HttpContender {
  process: Spawned;
  url: string;
}

/** Where the contenders come from: the bench's Redis, the compiled peer scripts, a log directory. */
export interface StartContext {
  redisUrl: string;
  peersDir: string;
  dir: string;
  adminToken: string;
}

const TRPC_VALID = '{"result":{"data":{"valid":true,"errors":[]}}}';

/** In the table's order; the rounds rotate it. */
export const HTTP_CONTENDERS: readonly HttpContender[] = [
  {
    id: 'guarded',
    label: 'Tollgate, guarded `validation.validate`',
    what: 'the built server (`node server/dist/main.js`), a real key, exact sliding-window quota in Redis',
    method: 'POST',
    path: '/trpc/validation.validate',
    expect: TRPC_VALID,
    usesRedis: true,
  },
  {
    id: 'unguarded',
    label: 'the same procedure unguarded',
    what:
      'Tollgate’s own request path (its built lean handler, the procedure as a direct call), zod schemas, built validation ' +
      'service, logger, access log and security headers; no key screen, schema check, quota, cache check or metrics ' +
      '(`bench/peers/tollgate-unguarded.ts`)',
    method: 'POST',
    path: '/trpc/validation.validate',
    expect: TRPC_VALID,
    usesRedis: false,
  },
  {
    id: 'guarded-quiet',
    label: 'Tollgate guarded, `LOG_LEVEL=warn` (no access line)',
    what:
      'the guarded row’s server with one setting changed: `LOG_LEVEL=warn`, so no `request completed` line per ' +
      'request (the peers write no log at all); what the access line costs',
    method: 'POST',
    path: '/trpc/validation.validate',
    expect: TRPC_VALID,
    usesRedis: true,
  },
  {
    id: 'fastify-rate-limit',
    label: 'Fastify route + `@fastify/rate-limit` (Redis) + ajv',
    what: 'fixed window in Redis keyed by the Authorization header, body JSON schema, ajv (`bench/peers/fastify-rate-limit.ts`)',
    method: 'POST',
    path: '/validate',
    expect: '{"valid":true,"errors":[]}',
    usesRedis: true,
  },
  {
    id: 'trpc-limiter',
    label: 'stock tRPC v11 adapter + `@trpc-limiter/redis` + ajv',
    what: 'rate-limiter-flexible on node-redis keyed by the Authorization header, zod input, ajv (`bench/peers/trpc-limiter.ts`)',
    method: 'POST',
    path: '/trpc/validate',
    expect: TRPC_VALID,
    usesRedis: true,
  },
  {
    id: 'ceiling',
    label: 'bare Fastify route `{ ok: true }` (ceiling)',
    what: 'parses the same body, no Redis, no validation (`bench/peers/bare-fastify.ts`)',
    method: 'POST',
    path: '/ok',
    expect: '{"ok":true}',
    usesRedis: false,
  },
  {
    id: 'health',
    label: 'Tollgate `health.check`',
    what: 'GET /trpc/health.check on a second built server: Redis PING and queue depth',
    method: 'GET',
    path: '/trpc/health.check',
    expect: '"status":"healthy"',
    usesRedis: true,
  },
  {
    id: 'jobs-get-cached',
    label: 'Tollgate `jobs.get` of a finished job, cached',
    what:
      'GET /trpc/jobs.get?input={"jobId":…} of one completed job (submitted through `jobs.submit` before the ' +
      'rounds) on a third built server: an hour-long response-cache entry per key, answered from the near ' +
      'cache (no Redis command for the cache itself)',
    method: 'GET',
    path: '/trpc/jobs.get',
    expect: '"state":"completed"',
    usesRedis: true,
    xCache: 'HIT',
  },
  {
    id: 'jobs-get-uncached',
    label: 'Tollgate `jobs.get` of a finished job, without the cache',
    what:
      'the same request (same key, same job) on a fourth built server started with `CACHE_ENABLED=false`: ' +
      'the job read from BullMQ’s Redis keys on every call',
    method: 'GET',
    path: '/trpc/jobs.get',
    expect: '"state":"completed"',
    usesRedis: true,
    xCache: 'MISS',
  },
];

async function startPeer(context: StartContext, name: string, script: string, env: Record<string, string>) {
  const port = await freePort();
  const process = await Spawned.start({
    name,
    args: [join(context.peersDir, script)],
    env: { PORT: String(port), ...env },
    dir: context.dir,
    ready: /listening on/,
  });
  return { process, url: `http://127.0.0.1:${port}` };
}

/** Starts one contender as its own process on a free loopback port. */
export async function startContender(contender: HttpContender, context: StartContext): Promise<StartedContender> {
  const redis = { REDIS_URL: context.redisUrl };
  const server = async () => {
    switch (contender.id) {
      case 'guarded':
      case 'guarded-quiet':
      case 'health':
      case 'jobs-get-cached':
      case 'jobs-get-uncached':
        // Instances of one deployment (same prefix: one key works on all); each with its default
        // embedded worker. One runs without the response cache, one logs warnings only.
        return startTollgateServer({
          name: `tollgate-${contender.id}`,
          redisUrl: context.redisUrl,
          prefix: 'bench-http',
          dir: context.dir,
          adminToken: context.adminToken,
          ...(contender.id === 'jobs-get-uncached' ? { env: { CACHE_ENABLED: 'false' } } : {}),
          ...(contender.id === 'guarded-quiet' ? { env: { LOG_LEVEL: 'warn' } } : {}),
        });
      case 'unguarded':
        return startPeer(context, contender.id, 'tollgate-unguarded.js', { TOLLGATE_DIST });
      case 'fastify-rate-limit':
        return startPeer(context, contender.id, 'fastify-rate-limit.js', redis);
      case 'trpc-limiter':
        return startPeer(context, contender.id, 'trpc-limiter.js', redis);
      case 'ceiling':
        return startPeer(context, contender.id, 'bare-fastify.js', {});
    }
  };
  const { process, url } = await server();
  return { ...contender, process, url };
}

/** The headers of every request: the same key for everyone (the peers key their limit on it). */
export function requestHeaders(contender: HttpContender, apiKey: string): Record<string, string> {
  return {
    authorization: `Bearer ${apiKey}`,
    ...(contender.method === 'POST' ? { 'content-type': 'application/json' } : {}),
  };
}

/** One request before any load: a 200 whose body shows the expected work, or the bench stops. */
export async function probe(contender: StartedContender, apiKey: string): Promise<void> {
  const response = await fetch(contender.url + contender.path, {
    method: contender.method,
    headers: requestHeaders(contender, apiKey),
    ...(contender.method === 'POST' ? { body: VALIDATE_BODY } : {}),
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes(contender.expect)) {
    throw new Error(
      `${contender.label} answered ${response.status} ${body.slice(0, 300)} (expected ${contender.expect})\n` +
        contender.process.tail(),
    );
  }
  const xCache = response.headers.get('x-cache');
  if (contender.xCache !== undefined && xCache !== contender.xCache) {
    throw new Error(`${contender.label} answered with X-Cache: ${xCache} (expected ${contender.xCache})`);
  }
}

/** How long a submitted job may take to complete before the bench gives up. */
const JOB_COMPLETION_TIMEOUT_MS = 30_000;

/**
 * Submits one job through `POST /trpc/jobs.submit` on `contender` (any Tollgate server of the
 * deployment: their embedded workers run it) and polls `jobs.get` until it has completed; resolves
 * to the `jobs.get` path (with its `?input=`) that reads it.
 */
export async function finishedJobPath(contender: StartedContender, apiKey: string): Promise<string> {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const submitted = await fetch(`${contender.url}/trpc/jobs.submit`, {
    method: 'POST',
    headers,
    body: JSON.stringify(JOB),
  });
  const submitBody = await submitted.text();
  if (submitted.status !== 200) {
    throw new Error(
      `jobs.submit answered ${submitted.status} ${submitBody.slice(0, 300)}\n${contender.process.tail()}`,
    );
  }
  const { jobId } = (JSON.parse(submitBody) as { result: { data: { jobId: string } } }).result.data;
  const path = `/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ jobId }))}`;
  const deadline = performance.now() + JOB_COMPLETION_TIMEOUT_MS;
  let last = '';
  while (performance.now() < deadline) {
    const response = await fetch(contender.url + path, { headers: { authorization: headers.authorization } });
    last = `${response.status} ${await response.text()}`;
    if (last.startsWith('200 ') && last.includes('"state":"completed"')) return path;
    if (last.includes('"state":"failed"')) break;
    await sleep(50);
  }
  throw new Error(
    `job ${jobId} did not complete: jobs.get answered ${last.slice(0, 300)}\n${contender.process.tail()}`,
  );
}
