import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JOB_DOCUMENTS, type JobUpdate } from '@tollgate/shared';
import type { TollgateClient } from '../../src/client/index.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { codeOf, expectedResult, startListeningApp, statusOf, waitFor, type ListeningApp } from './helpers.js';

const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'] };

/** Events of one subscription, over real SSE, until it completes or errors. */
function subscribe(client: TollgateClient, jobId: string, onFirst?: () => void) {
  const events: JobUpdate[] = [];
  const done = new Promise<{ events: JobUpdate[]; error?: unknown }>((resolve) => {
    const subscription = client.jobs.onUpdate.subscribe(
      { jobId },
      {
        onData(event) {
          events.push(event);
          if (events.length === 1) onFirst?.();
        },
        onError(error) {
          subscription.unsubscribe();
          resolve({ events, error });
        },
        onComplete() {
          resolve({ events });
        },
      },
    );
  });
  return done;
}

for (const backend of ['redis', 'memory'] as const) {
  describe(`jobs procedures over HTTP and SSE (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let app: ListeningApp;
    let alice: TollgateClient;
    let bob: TollgateClient;
    let worker: RunningWorker;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      app = await startListeningApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
      alice = await app.newKeyClient('alice');
      bob = await app.newKeyClient('bob');
      worker = app.deps.queue.startWorker(2);
    });

    afterAll(async () => {
      await worker.close();
      await app.close();
      await redis?.destroy();
    });

    it('submits a job, runs it, and returns each document’s result in order', async () => {
      const input = { schema, documents: [{ n: 1 }, { n: -1 }, {}, { n: 'x' }] };
      const submitted = await alice.jobs.submit.mutate(input);
      expect(submitted.state).toBe('waiting');
      const job = await waitFor(
        () => alice.jobs.get.query({ jobId: submitted.jobId }),
        (current) => current.state === 'completed',
        10_000,
      );
      expect(job).toMatchObject({ id: submitted.jobId, progress: 100, attemptsMade: 1 });
      expect(job.result).toEqual(await expectedResult(input));
      expect(job.result).toMatchObject({ total: 4, valid: 1, invalid: 3 });
      expect(job.finishedAt).toBeGreaterThanOrEqual(job.createdAt);

      const seenByAdmin = await app.admin.admin.jobs.get.query({ id: submitted.jobId });
      expect(seenByAdmin).toMatchObject({ id: submitted.jobId, state: 'completed', attemptsMade: 1 });
      expect(seenByAdmin.result).toEqual(job.result);
      expect(seenByAdmin.ownerKeyId).toMatch(/^k_/);
      expect(seenByAdmin.input).toEqual({
        kind: 'validate',
        documents: 4,
        schemaBytes: Buffer.byteLength(JSON.stringify(schema)),
      });
      expect(seenByAdmin).not.toHaveProperty('input.schema');
      expect(await statusOf(app.admin.admin.jobs.get.query({ id: 'no-such-job' }))).toBe(404);
      expect(await statusOf(alice.admin.jobs.get.query({ id: submitted.jobId }))).toBe(401);
    });

    it('refuses an invalid JSON Schema with BAD_REQUEST before the quota is touched', async () => {
      const carol = await app.newKeyClient('carol', 5);
      const before = await carol.usage.get.query();
      let error: unknown;
      try {
        await carol.jobs.submit.mutate({ schema: { type: 'no-such-type' }, documents: [{}] });
      } catch (caught) {
        error = caught;
      }
      expect(codeOf(error)).toBe('BAD_REQUEST');
      expect(
        await statusOf(carol.jobs.submit.mutate({ schema: { $ref: 'https://example.com/s.json' }, documents: [1] })),
      ).toBe(400);
      expect(await statusOf(carol.jobs.submit.mutate({ schema, documents: [] }))).toBe(400);
      const tooMany = Array.from({ length: MAX_JOB_DOCUMENTS + 1 }, (_, n) => ({ n }));
      await expect(carol.jobs.submit.mutate({ schema, documents: tooMany })).rejects.toThrow(/MAX_JOB_DOCUMENTS/);
      const after = await carol.usage.get.query();
      expect(after.quota.used).toBe(before.quota.used);
      expect(after.rate.remaining).toBe(before.rate.remaining);
    });

    it('shows a key only its own jobs: another key’s job is NOT_FOUND', async () => {
      const { jobId } = await alice.jobs.submit.mutate({ schema, documents: [{ n: 2 }] });
      expect(await statusOf(bob.jobs.get.query({ jobId }))).toBe(404);
      expect(await statusOf(alice.jobs.get.query({ jobId: 'no-such-job' }))).toBe(404);
      const bobsJobs = await bob.jobs.list.query();
      expect(bobsJobs.items.map((item) => item.id)).not.toContain(jobId);
      const subscription = await subscribe(bob, jobId);
      expect(codeOf(subscription.error)).toBe('NOT_FOUND');
      expect(subscription.events).toEqual([]);
    });

    it('lists the caller’s jobs newest first, paginated, without results', async () => {
      const dave = await app.newKeyClient('dave');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await dave.jobs.submit.mutate({ schema, documents: [{ n: i }] })).jobId);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await dave.jobs.list.query({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        for (const item of result.items) {
          expect(item).not.toHaveProperty('result');
          expect(item).not.toHaveProperty('ownerKeyId');
        }
        seen.push(...result.items.map((item) => item.id));
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      expect(seen).toEqual([...ids].reverse());
      expect(await statusOf(dave.jobs.list.query({ cursor: 'bogus' }))).toBe(400);
      expect(await statusOf(dave.jobs.list.query({ limit: 101 }))).toBe(400);
      const admin = await app.admin.admin.jobs.list.query({ limit: 100 });
      const owners = new Set(admin.items.map((item) => item.ownerKeyId));
      expect(owners.size).toBeGreaterThanOrEqual(2);
    });

    it('streams the current state, progress and the final state over SSE', async () => {
      expect(await app.admin.admin.queue.pause.mutate()).toEqual({ paused: true });
      const input = { schema, documents: Array.from({ length: 40 }, (_, n) => ({ n })) };
      const { jobId } = await alice.jobs.submit.mutate(input);
      const outcome = await subscribe(alice, jobId, () => {
        void app.admin.admin.queue.resume.mutate();
      });
      expect(outcome.error).toBeUndefined();
      const { events } = outcome;
      expect(events[0]).toMatchObject({ jobId, state: 'waiting', progress: 0 });
      expect(events.at(-1)).toMatchObject({ jobId, state: 'completed', progress: 100 });
      const progress = events.filter((event) => event.state === 'active').map((event) => event.progress);
      expect(progress.filter((value) => value > 0 && value < 100).length).toBeGreaterThan(0);
      expect(await app.admin.admin.queue.resume.mutate()).toEqual({ paused: false });
    });

    it('lets an admin retry and remove jobs', async () => {
      const { jobId } = await alice.jobs.submit.mutate({ schema, documents: [{ n: 3 }] });
      await waitFor(
        () => alice.jobs.get.query({ jobId }),
        (job) => job.state === 'completed',
        10_000,
      );
      const retried = await app.admin.admin.jobs.retry.mutate({ id: jobId });
      expect(retried.ownerKeyId).toBeTypeOf('string');
      await waitFor(
        () => alice.jobs.get.query({ jobId }),
        (job) => job.state === 'completed',
        10_000,
      );
      expect(await app.admin.admin.jobs.remove.mutate({ id: jobId })).toEqual({ id: jobId, removed: true });
      expect(await statusOf(alice.jobs.get.query({ jobId }))).toBe(404);
      expect(await statusOf(app.admin.admin.jobs.remove.mutate({ id: jobId }))).toBe(404);
      expect(await statusOf(app.admin.admin.jobs.retry.mutate({ id: 'no-such-job' }))).toBe(404);
      expect(await statusOf(alice.admin.jobs.list.query({}))).toBe(401);
    });
  });
}
