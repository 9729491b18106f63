import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { JobDetail } from '@tollgate/shared';
import type { Clock } from '../../src/clock.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { createTestApp, TEST_ADMIN_TOKEN, type Backend, type TestApp } from '../../src/test-support/test-app.js';
import { createKey, mutation } from '../quota/inject-helpers.js';

export const BACKENDS: readonly Backend[] = ['memory', 'redis'];

/** A GET of one call, or of a batch when `calls` has several, with the raw response. */
export async function get(
  app: FastifyInstance,
  calls: Array<[path: string, input: unknown]>,
  token: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const batched = calls.length > 1;
  const paths = calls.map(([path]) => path).join(',');
  const input = batched
    ? JSON.stringify(Object.fromEntries(calls.map(([, value], index) => [index, value])))
    : JSON.stringify(calls[0]![1]);
  const url = `/trpc/${paths}?${batched ? 'batch=1&' : ''}input=${encodeURIComponent(input)}`;
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
}

export const jobGet = (app: FastifyInstance, jobId: string, token: string, headers: Record<string, string> = {}) =>
  get(app, [['jobs.get', { jobId }]], token, headers);

export const adminMutation = (app: FastifyInstance, path: string, input: unknown) =>
  mutation(app, path, input, TEST_ADMIN_TOKEN);

/** The caching headers of a response, for compact assertions. */
export function cachingOf(response: LightMyRequestResponse) {
  return {
    status: response.statusCode,
    xCache: response.headers['x-cache'],
    cacheControl: response.headers['cache-control'],
    etag: response.headers['etag'],
  };
}

export interface CacheTestApp extends TestApp {
  /** an API key with a generous rate limit */
  newKey(limit?: number): Promise<string>;
  /** submits a small job with `apiKey` and waits until it has finished (a worker runs meanwhile) */
  finishedJob(apiKey: string, documents?: unknown[]): Promise<JobDetail>;
  /** submits a job that stays waiting (no worker runs until `finishedJob` is called) */
  waitingJob(apiKey: string): Promise<string>;
}

const SCHEMA = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };

export async function startCacheApp(options: {
  backend: Backend;
  redisUrl?: string;
  clock?: Clock;
  env?: Record<string, string>;
}): Promise<CacheTestApp> {
  const t = await createTestApp({ ...options, env: { RUN_WORKER: 'false', ...options.env } });
  let worker: RunningWorker | null = null;
  const submit = async (apiKey: string, documents: unknown[]) => {
    const response = await mutation<{ jobId: string }>(t.app, 'jobs.submit', { schema: SCHEMA, documents }, apiKey);
    if (response.status !== 200) throw new Error(`submit failed: ${JSON.stringify(response.body)}`);
    return response.body.result.data.jobId;
  };
  return {
    ...t,
    async newKey(limit = 100_000) {
      return (await createKey(t.app, { rateLimit: { limit, windowSec: 60 } })).apiKey;
    },
    waitingJob: (apiKey) => submit(apiKey, [{ n: 1 }]),
    async finishedJob(apiKey, documents = [{ n: 1 }, { n: 'x' }]) {
      const jobId = await submit(apiKey, documents);
      worker ??= t.deps.queue.startWorker(2);
      return waitUntilFinished(t, jobId);
    },
    async close() {
      await worker?.close();
      await t.close();
    },
  };
}

/** Polls the queue itself (not the cached procedure) until the job has completed or failed. */
export async function waitUntilFinished(t: TestApp, jobId: string, timeoutMs = 10_000): Promise<JobDetail> {
  const started = Date.now();
  for (;;) {
    const job = await t.deps.queue.get(jobId);
    if (job !== null && (job.state === 'completed' || job.state === 'failed')) {
      const { ownerKeyId: _owner, kind: _kind, input: _input, ...detail } = job;
      return detail;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
