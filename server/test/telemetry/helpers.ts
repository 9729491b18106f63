import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { JobQueue, StoredJob } from '../../src/queue/job-queue.js';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';

interface TrpcBody {
  result?: { data?: unknown };
  error?: unknown;
}

/** A tRPC mutation through HTTP (app.inject, no port). */
export async function injectMutation(
  app: FastifyInstance,
  path: string,
  input: unknown,
  token: string,
): Promise<{ status: number; data: unknown }> {
  const response = await app.inject({
    method: 'POST',
    url: `/trpc/${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(input),
  });
  const body = response.json<TrpcBody>();
  expect(response.statusCode, JSON.stringify(body)).toBe(200);
  return { status: response.statusCode, data: body.result?.data };
}

/** A fresh API key (admin.keys.create through HTTP). */
export async function createKey(app: FastifyInstance): Promise<string> {
  const { data } = await injectMutation(app, 'admin.keys.create', { name: 'traced' }, TEST_ADMIN_TOKEN);
  return (data as { apiKey: string }).apiKey;
}

/** Submits a small validation job through HTTP and returns its id. */
export async function submitJob(app: FastifyInstance, apiKey: string): Promise<string> {
  const input = { schema: { type: 'integer' }, documents: [1, 'two'] };
  const { data } = await injectMutation(app, 'jobs.submit', input, apiKey);
  return (data as { jobId: string }).jobId;
}

/** Polls the queue until the job has finished. */
export async function waitForFinished(queue: JobQueue, id: string, timeoutMs = 10_000): Promise<StoredJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.get(id);
    if (job !== null && (job.state === 'completed' || job.state === 'failed')) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job?.state ?? 'missing'}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
