import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationJobResult } from '@tollgate/shared';
import type { TollgateClient } from '../../src/client/index.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { nested, POISON_SCHEMA } from '../../src/test-support/hostile-inputs.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';
import { startListeningApp, waitFor, type ListeningApp } from '../jobs/helpers.js';

/**
 * No single call or job stalls the server: while each hostile (but rate-abiding) call runs,
 * liveness, health and another key's guarded call keep answering, and the event loop's worst
 * delay stays far below the validation budget. A poison job fails naming its budget while normal
 * jobs submitted after it complete.
 */

const BUDGET_MS = 1000;
const JOB_BUDGET_MS = 2000;

interface Answer {
  status: number;
  body: { result?: { data: unknown }; error?: { message: string; data: { code: string } } };
}

const HOSTILE: Array<{
  name: string;
  input: { schema: unknown; document: unknown };
  expect: (answer: Answer) => void;
}> = [
  {
    name: 'uniqueItems over 40,000 small objects',
    input: {
      schema: { type: 'array', uniqueItems: true },
      document: Array.from({ length: 40_000 }, (_, i) => ({ id: i, tag: `t${i % 7}` })),
    },
    expect: (answer) => expect(answer.body.result?.data).toEqual({ valid: true, errors: [] }),
  },
  {
    name: 'uniqueItems over 100,000 integers, one duplicate at the end',
    input: {
      schema: { type: 'array', uniqueItems: true },
      document: [...Array.from({ length: 100_000 }, (_, i) => i), 5],
    },
    expect: (answer) => expect(answer.body.result?.data).toMatchObject({ valid: false }),
  },
  {
    name: 'a schema with 10,000 properties',
    input: {
      schema: {
        type: 'object',
        properties: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, { type: 'string' }])),
      },
      document: {},
    },
    expect: (answer) => {
      expect(answer.status).toBe(400);
      expect(answer.body.error?.message).toContain('MAX_SCHEMA_OBJECTS');
    },
  },
  {
    name: "pattern '^\\d*\\d*\\d*$' on 50,000 characters",
    input: { schema: { type: 'string', pattern: '^\\d*\\d*\\d*$' }, document: `${'1'.repeat(50_000)}x` },
    expect: (answer) => expect(answer.body.result?.data).toMatchObject({ valid: false }),
  },
  {
    name: 'an exponential schema (2^40 steps)',
    input: { schema: POISON_SCHEMA, document: nested(40) },
    expect: (answer) => {
      expect(answer.status).toBe(422);
      expect(answer.body.error?.data.code).toBe('UNPROCESSABLE_CONTENT');
      expect(answer.body.error?.message).toContain('VALIDATION_BUDGET_MS');
    },
  },
];

for (const backend of ['redis', 'memory'] as const) {
  describe(`isolation: hostile calls and jobs never stall the server (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let app: ListeningApp;
    let hostileKey: string;
    let client: TollgateClient;
    let worker: RunningWorker;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      app = await startListeningApp({
        backend,
        ...(redis === undefined ? {} : { redisUrl: redis.url }),
        env: { VALIDATION_BUDGET_MS: String(BUDGET_MS), JOB_BUDGET_MS: String(JOB_BUDGET_MS), VALIDATION_THREADS: '2' },
      });
      const created = await app.admin.admin.keys.create.mutate({
        name: 'hostile',
        rateLimit: { limit: 1000, windowSec: 60 },
      });
      hostileKey = created.apiKey;
      client = await app.newKeyClient('bystander');
      worker = app.deps.queue.startWorker(4);
    });

    afterAll(async () => {
      await worker.close();
      await app.close();
      await redis?.destroy();
    });

    async function call(path: string, body: unknown, token: string): Promise<Answer> {
      const response = await fetch(`${app.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Answer['body'] };
    }

    /** /livez, /health and a bystander's guarded call, timed, until `done` settles. */
    async function probeUntil(done: Promise<unknown>): Promise<number[]> {
      const latencies: number[] = [];
      let finished = false;
      void done.finally(() => (finished = true));
      while (!finished) {
        const started = performance.now();
        const [live, health, guarded] = await Promise.all([
          fetch(`${app.url}/livez`),
          fetch(`${app.url}/health`),
          client.validation.validate.mutate({ schema: { type: 'integer' }, document: 1 }),
        ]);
        latencies.push(performance.now() - started);
        expect(live.status).toBe(200);
        expect(health.status).toBe(200);
        expect(guarded.valid).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return latencies;
    }

    for (const hostile of HOSTILE) {
      it(`${hostile.name}: answers within its budget while the server keeps answering`, async () => {
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        const started = performance.now();
        const answer = call('validation.validate', hostile.input, hostileKey);
        const latencies = await probeUntil(answer);
        const elapsed = performance.now() - started;
        delay.disable();
        hostile.expect(await answer);
        // Answered, not stalled: its budget plus generous time to move half a megabyte in and out.
        expect(elapsed).toBeLessThan(BUDGET_MS + 9000);
        expect(Math.max(...latencies)).toBeLessThan(500);
        expect(delay.max / 1e6).toBeLessThan(BUDGET_MS / 2);
      });
    }

    it('the over-budget call counted against the rate limit', async () => {
      const usage = await fetch(`${app.url}/trpc/usage.get`, { headers: { authorization: `Bearer ${hostileKey}` } });
      const data = ((await usage.json()) as { result: { data: { rate: { limit: number; remaining: number } } } }).result
        .data;
      // Four answered calls and the 422 counted; the 400 (schema too big) did not.
      expect(data.rate.limit - data.rate.remaining).toBe(4);
    });

    it('a poison job fails naming JOB_BUDGET_MS while 20 normal jobs submitted after it complete', async () => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const poison = await client.jobs.submit.mutate({ schema: POISON_SCHEMA, documents: [nested(40)] });
      const normal = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.jobs.submit.mutate({ schema: { type: 'object', required: ['n'] }, documents: [{ n: i }, {}] }),
        ),
      );
      const done = waitFor(
        () => Promise.all(normal.map(({ jobId }) => client.jobs.get.query({ jobId }))),
        (jobs) => jobs.every((job) => job.state === 'completed'),
        JOB_BUDGET_MS + 10_000,
        'the normal jobs to complete',
      );
      const latencies = await probeUntil(done);
      for (const job of await done) expect((job.result as ValidationJobResult).valid).toBe(1);
      const failed = await waitFor(
        () => client.jobs.get.query({ jobId: poison.jobId }),
        (job) => job.state === 'failed',
        JOB_BUDGET_MS + 10_000,
        'the poison job to fail',
      );
      delay.disable();
      expect(failed.failedReason).toContain('JOB_BUDGET_MS');
      expect(failed.attemptsMade).toBe(1);
      expect(Math.max(...latencies)).toBeLessThan(500);
      expect(delay.max / 1e6).toBeLessThan(BUDGET_MS / 2);
    });

    it('exposes event-loop delay and the validation threads in /metrics', async () => {
      const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      const text = await response.text();
      expect(text).toMatch(/^nodejs_eventloop_lag_max_seconds\{[^}]*\} \d/m);
      expect(text).toMatch(/^tollgate_validation_pool_utilization\{[^}]*\} [\d.]+/m);
      expect(text).toMatch(/^tollgate_validation_threads\{[^}]*\} 2$/m);
    });
  });
}
