import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationJobResult } from '@tollgate/shared';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';
import { startListeningApp, trpcMutation, trpcQuery, waitFor, type ListeningApp } from './helpers.js';

/** BODY_LIMIT_BYTES by default (CONTRACT §2): the largest body the server accepts. */
const BODY_LIMIT_BYTES = 1_048_576;

/** A deadline of the queue's reads (the command connection's timeout is 750 ms). */
const USUAL_DEADLINE_MS = 750;

const schema = {
  type: 'object',
  properties: {
    n: { type: 'integer', minimum: 0 },
    tag: { type: 'string', maxLength: 8 },
    note: { type: 'string', maxLength: 200 },
  },
  required: ['n', 'tag', 'note'],
};

/**
 * The body of a jobs.submit call of exactly `bytes` bytes: documents of ~250 bytes, two in three
 * invalid (so the job has a sizeable result), the last one padded to the byte.
 */
function submitBodyOf(bytes: number): { body: string; documents: number } {
  const note = 'n'.repeat(200);
  const documentOf = (n: number) => ({ n: n % 3 === 0 ? -n : n, tag: n % 3 === 1 ? `long-tag-${n}` : 'ok', note });
  const documents: Array<ReturnType<typeof documentOf>> = [];
  const bodyOf = () => JSON.stringify({ schema, documents });
  let size = Buffer.byteLength(bodyOf());
  for (let n = 0; ; n++) {
    const added = Buffer.byteLength(JSON.stringify(documentOf(n))) + 1;
    if (size + added > bytes - 300) break;
    documents.push(documentOf(n));
    size += added;
  }
  const last = documents.at(-1)!;
  last.note = '';
  last.note = 'p'.repeat(bytes - Buffer.byteLength(bodyOf()));
  return { body: bodyOf(), documents: documents.length };
}

describe('the largest job the server accepts, end to end (real Redis, HTTP)', () => {
  let redis: TestRedisServer;
  let inspector: Redis;
  let app: ListeningApp;
  let apiKey: string;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    inspector = new Redis(redis.url);
    app = await startListeningApp({ backend: 'redis', redisUrl: redis.url });
    ({ apiKey } = await app.admin.admin.keys.create.mutate({ name: 'big', rateLimit: { limit: 1000, windowSec: 60 } }));
  });

  afterAll(async () => {
    await worker?.close();
    await app.close();
    inspector.disconnect();
    await redis.destroy();
  });

  it('is submitted, worked, listed and fetched within the usual deadlines', async () => {
    const { body, documents } = submitBodyOf(BODY_LIMIT_BYTES);
    expect(Buffer.byteLength(body)).toBe(BODY_LIMIT_BYTES);
    const tooBig = await trpcMutation(app.url, 'jobs.submit', `${body} `, apiKey);
    expect(tooBig.status).toBe(413);

    const submitted = await trpcMutation(app.url, 'jobs.submit', body, apiKey);
    expect(submitted.status).toBe(200);
    const { jobId } = submitted.body.result?.data as { jobId: string };
    const key = `tollgate:{queue}:jobs:${jobId}`;
    const events = 'tollgate:{queue}:jobs:events';
    const memoryOf = async (name: string) => Number(await inspector.call('MEMORY', 'USAGE', name, 'SAMPLES', '0'));
    const [waitingMemory, eventsBefore] = await Promise.all([memoryOf(key), memoryOf(events)]);

    worker = app.deps.queue.startWorker(1);
    const listed = await waitFor(
      () => trpcQuery(app.url, 'jobs.list', { limit: 5 }, apiKey),
      (response) => (response.body.result?.data as { items: Array<{ state: string }> }).items[0]?.state === 'completed',
      60_000,
      'the job completed',
    );
    expect(listed.status).toBe(200);
    expect(listed.ms).toBeLessThan(USUAL_DEADLINE_MS);
    const adminListed = await trpcQuery(app.url, 'admin.jobs.list', { limit: 5 }, TEST_ADMIN_TOKEN);
    expect(adminListed.status).toBe(200);
    expect(adminListed.body.result?.data).toMatchObject({ items: [{ id: jobId, state: 'completed', progress: 100 }] });

    const fetched = await trpcQuery(app.url, 'jobs.get', { jobId }, apiKey);
    expect(fetched.status).toBe(200);
    expect(fetched.ms).toBeLessThan(USUAL_DEADLINE_MS);
    const job = fetched.body.result?.data as { state: string; result: ValidationJobResult };
    expect(job.state).toBe('completed');
    expect(job.result.total).toBe(documents);
    expect(job.result.invalid).toBeGreaterThan(documents / 2);

    const [memory, eventsAfter, inputBytes, resultBytes] = await Promise.all([
      memoryOf(key),
      memoryOf(events),
      inspector.hstrlen(key, 'data'),
      inspector.hstrlen(key, 'returnvalue'),
    ]);
    console.info(
      `largest job (${BODY_LIMIT_BYTES} B body, ${documents} documents): submit ${Math.round(submitted.ms)} ms, ` +
        `list ${Math.round(listed.ms)} ms, get ${Math.round(fetched.ms)} ms; MEMORY USAGE of the job key: ` +
        `${waitingMemory} B waiting, ${memory} B completed (input ${inputBytes} B, result ${resultBytes} B); ` +
        `events stream grew by ${eventsAfter - eventsBefore} B`,
    );
    expect(memory).toBeGreaterThan(inputBytes + resultBytes);
  });
});
