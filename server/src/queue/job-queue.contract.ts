import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnrecoverableError } from 'bullmq';
import type { JobUpdate, ValidationJobResult } from '@tollgate/shared';
import { defineJobKind } from '../jobs/job-kind.js';
import { registerJobKinds, type JobKinds } from '../jobs/registry.js';
import { JobActiveError } from '../errors.js';
import type { JobPolicy } from './job-policy.js';
import { toSummary, type JobQueue, type RunningWorker, type StoredJob } from './job-queue.js';

/** Test-only controls of the contract kinds (the worker runs in the test process). */
const gates = new Map<string, () => void>();
const failing = new Set<string>();

function resultOf(total: number): ValidationJobResult {
  return { total, valid: total, invalid: 0, results: [] };
}

const keyed = z.object({ key: z.string() });

const contractKinds: JobKinds = registerJobKinds(
  defineJobKind({
    name: 'steps',
    input: z.object({ steps: z.number().int().min(1) }),
    async handler({ steps }, { reportProgress }) {
      for (let step = 1; step < steps; step++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await reportProgress((step * 100) / steps);
      }
      return resultOf(steps);
    },
  }),
  defineJobKind({
    name: 'always-fail',
    input: z.object({}),
    handler: () => Promise.reject(new Error('boom')),
  }),
  defineJobKind({
    name: 'unrecoverable',
    input: z.object({}),
    handler: () => Promise.reject(new UnrecoverableError('can never work')),
  }),
  defineJobKind({
    name: 'toggle',
    input: keyed,
    handler: ({ key }) =>
      failing.has(key) ? Promise.reject(new UnrecoverableError(`${key} is failing`)) : Promise.resolve(resultOf(1)),
  }),
  defineJobKind({
    name: 'gate',
    input: keyed,
    async handler({ key }) {
      await new Promise<void>((resolve) => gates.set(key, resolve));
      return resultOf(1);
    },
  }),
);

export const CONTRACT_POLICY: Partial<JobPolicy> = { attempts: 3, backoffDelayMs: 50 };

export interface QueueUnderTest {
  queue: JobQueue;
  cleanup(): Promise<void>;
}

export type QueueFactory = (kinds: JobKinds, policy: Partial<JobPolicy>) => Promise<QueueUnderTest>;

async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function collect(iterable: AsyncIterable<JobUpdate>, timeoutMs = 10_000): Promise<JobUpdate[]> {
  const updates: JobUpdate[] = [];
  const timer = setTimeout(() => updates.push({ jobId: 'timeout', state: 'failed', progress: 0, at: 0 }), timeoutMs);
  try {
    for await (const update of iterable) updates.push(update);
  } finally {
    clearTimeout(timer);
  }
  return updates;
}

/** One suite every JobQueue implementation passes (memory and BullMQ). */
export function describeJobQueueContract(name: string, factory: QueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    let subject: QueueUnderTest;
    let queue: JobQueue;
    const workers: RunningWorker[] = [];
    const startWorker = (concurrency = 2) => {
      const worker = queue.startWorker(concurrency);
      workers.push(worker);
      return worker;
    };
    const finished = (id: string) =>
      waitFor(
        () => queue.get(id),
        (job) => job?.state === 'completed' || job?.state === 'failed',
      ) as Promise<StoredJob>;

    beforeEach(async () => {
      subject = await factory(contractKinds, CONTRACT_POLICY);
      queue = subject.queue;
    });

    afterEach(async () => {
      for (const release of gates.values()) release();
      gates.clear();
      failing.clear();
      await Promise.all(workers.splice(0).map((worker) => worker.close()));
      await subject.cleanup();
    });

    it('adds a job that waits, then completes with its result and progress 100', async () => {
      const added = await queue.add({ kind: 'steps', data: { steps: 2 }, ownerKeyId: 'k_a' });
      expect(added).toMatchObject({ state: 'waiting', progress: 0, attemptsMade: 0, ownerKeyId: 'k_a', kind: 'steps' });
      expect(await queue.get(added.id)).toMatchObject({ id: added.id, state: 'waiting', createdAt: added.createdAt });
      expect(await queue.get('no-such-job')).toBeNull();
      startWorker();
      const done = await finished(added.id);
      expect(done).toMatchObject({ state: 'completed', progress: 100, attemptsMade: 1, result: resultOf(2) });
      expect(done.finishedAt).toBeGreaterThanOrEqual(done.createdAt);
      expect(done.failedReason).toBeUndefined();
    });

    it('lists an owner’s jobs newest first, paginated, and all jobs for the admin', async () => {
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) {
        mine.push((await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' })).id);
        await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_b' });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await queue.list({ ownerKeyId: 'k_a', limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const item of page.items) {
          expect(item.ownerKeyId).toBe('k_a');
          expect(item).not.toHaveProperty('result');
        }
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor !== undefined && pages < 10);
      expect(seen).toEqual([...mine].reverse());
      const all = await queue.list({ limit: 100 });
      expect(all.items).toHaveLength(10);
      expect(all.nextCursor).toBeNull();
      expect(new Set(all.items.map((item) => item.ownerKeyId))).toEqual(new Set(['k_a', 'k_b']));
      const createdAts = all.items.map((item) => item.createdAt);
      expect(createdAts).toEqual([...createdAts].sort((a, b) => b - a));
      expect((await queue.list({ ownerKeyId: 'k_nobody', limit: 20 })).items).toEqual([]);
    });

    it('lists each job as get shows it, less its result and failure reason', async () => {
      startWorker();
      const completed = await queue.add({ kind: 'steps', data: { steps: 3 }, ownerKeyId: 'k_a' });
      const failed = await queue.add({ kind: 'unrecoverable', data: {}, ownerKeyId: 'k_a' });
      const active = await queue.add({ kind: 'gate', data: { key: 'listed' }, ownerKeyId: 'k_a' });
      await Promise.all([finished(completed.id), finished(failed.id)]);
      await waitFor(
        () => queue.get(active.id),
        (job) => job?.state === 'active',
      );
      await queue.pause();
      const waiting = await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' });
      const ids = [waiting, active, failed, completed].map((job) => job.id);
      for (const page of [await queue.list({ ownerKeyId: 'k_a', limit: 10 }), await queue.list({ limit: 10 })]) {
        const wholes = await Promise.all(ids.map((id) => queue.get(id)));
        expect(page.items).toEqual(wholes.map((job) => toSummary(job!)));
      }
      expect(new Set((await queue.list({ limit: 10 })).items.map((item) => item.state))).toEqual(
        new Set(['waiting', 'active', 'failed', 'completed']),
      );
      gates.get('listed')?.();
    });

    it('rejects a cursor it did not issue', async () => {
      await expect(queue.list({ limit: 5, cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/i);
    });

    it('filters the list by state', async () => {
      startWorker();
      const done = await Promise.all(
        [1, 2, 3].map(() => queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' })),
      );
      await Promise.all(done.map((job) => finished(job.id)));
      await queue.pause();
      const waiting = await Promise.all(
        [1, 2].map(() => queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' })),
      );
      const waitingPage = await queue.list({ ownerKeyId: 'k_a', state: 'waiting', limit: 20 });
      expect(waitingPage.items.map((item) => item.id).sort()).toEqual(waiting.map((job) => job.id).sort());
      const completedPage = await queue.list({ ownerKeyId: 'k_a', state: 'completed', limit: 20 });
      expect(completedPage.items).toHaveLength(3);
      for (const item of completedPage.items) expect(item).toMatchObject({ state: 'completed', progress: 100 });
      expect((await queue.list({ ownerKeyId: 'k_a', state: 'failed', limit: 20 })).items).toEqual([]);

      // a filtered list pages on, newest first, and says when it is done
      const first = await queue.list({ ownerKeyId: 'k_a', state: 'completed', limit: 2 });
      expect(first.items.map((item) => item.id)).toEqual(completedPage.items.slice(0, 2).map((item) => item.id));
      expect(first.nextCursor).not.toBeNull();
      const second = await queue.list({ ownerKeyId: 'k_a', state: 'completed', limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((item) => item.id)).toEqual([completedPage.items[2]!.id]);
      expect(second.nextCursor).toBeNull();
      const admin = await queue.list({ state: 'waiting', limit: 1 });
      expect(admin.items).toHaveLength(1);
      expect(admin.nextCursor).not.toBeNull();
    });

    it('emits the current state first, then progress, and ends with the final state', async () => {
      await queue.pause();
      const job = await queue.add({ kind: 'steps', data: { steps: 4 }, ownerKeyId: 'k_a' });
      startWorker();
      const controller = new AbortController();
      const updates = collect(queue.watch(job.id, controller.signal));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await queue.resume();
      const events = await updates;
      expect(events[0]).toMatchObject({ jobId: job.id, state: 'waiting', progress: 0 });
      expect(events.at(-1)).toMatchObject({ jobId: job.id, state: 'completed', progress: 100 });
      const progress = events.filter((event) => event.state === 'active').map((event) => event.progress);
      expect(progress.some((value) => value > 0 && value < 100)).toBe(true);
      expect(events.filter((event) => event.state === 'completed')).toHaveLength(1);
    });

    it('watching a job that already finished yields its final state and ends', async () => {
      startWorker();
      const job = await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' });
      await finished(job.id);
      const events = await collect(queue.watch(job.id, new AbortController().signal));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ state: 'completed', progress: 100 });
    });

    it('stops watching when the signal aborts', async () => {
      await queue.pause();
      const job = await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' });
      const controller = new AbortController();
      const updates = collect(queue.watch(job.id, controller.signal));
      setTimeout(() => controller.abort(), 100);
      const events = await updates;
      expect(events.map((event) => event.state)).toEqual(['waiting']);
    });

    it('retries with exponential backoff, then fails with the last reason', async () => {
      startWorker();
      const started = Date.now();
      const job = await queue.add({ kind: 'always-fail', data: {}, ownerKeyId: 'k_a' });
      const done = await finished(job.id);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 3, failedReason: 'boom' });
      expect(done.result).toBeUndefined();
      // backoff 50 ms, then 100 ms
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('fails at once on an UnrecoverableError', async () => {
      startWorker();
      const job = await queue.add({ kind: 'unrecoverable', data: {}, ownerKeyId: 'k_a' });
      const done = await finished(job.id);
      expect(done).toMatchObject({ state: 'failed', attemptsMade: 1, failedReason: 'can never work' });
    });

    it('fails at once when the data does not match the kind’s schema', async () => {
      startWorker();
      const job = await queue.add({ kind: 'steps', data: { steps: 'many' }, ownerKeyId: 'k_a' });
      const done = await finished(job.id);
      expect(done.state).toBe('failed');
      expect(done.attemptsMade).toBe(1);
      expect(done.failedReason).toMatch(/Invalid data for job kind 'steps'/);
    });

    it('runs a failed job again when it is retried', async () => {
      startWorker();
      failing.add('t1');
      const job = await queue.add({ kind: 'toggle', data: { key: 't1' }, ownerKeyId: 'k_a' });
      expect((await finished(job.id)).state).toBe('failed');
      failing.delete('t1');
      const retried = await queue.retry(job.id);
      expect(retried?.state).toMatch(/waiting|active|completed/);
      const done = await waitFor(
        () => queue.get(job.id),
        (current) => current?.state === 'completed',
      );
      expect(done).toMatchObject({ state: 'completed', progress: 100 });
      expect(await queue.retry('no-such-job')).toBeNull();
    });

    it('removes jobs that are not running, and refuses to remove a running one', async () => {
      await queue.pause();
      const waiting = await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' });
      expect(await queue.remove(waiting.id)).toBe(true);
      expect(await queue.get(waiting.id)).toBeNull();
      expect((await queue.list({ ownerKeyId: 'k_a', limit: 10 })).items).toEqual([]);
      expect(await queue.remove(waiting.id)).toBe(false);

      await queue.resume();
      startWorker();
      const running = await queue.add({ kind: 'gate', data: { key: 'g1' }, ownerKeyId: 'k_a' });
      await waitFor(
        () => queue.get(running.id),
        (job) => job?.state === 'active',
      );
      await expect(queue.remove(running.id)).rejects.toBeInstanceOf(JobActiveError);
      gates.get('g1')?.();
      await finished(running.id);
      expect(await queue.remove(running.id)).toBe(true);
    });

    it('holds jobs while paused (they count in the depth) and runs them on resume', async () => {
      startWorker();
      await queue.pause();
      expect(await queue.isPaused()).toBe(true);
      const jobs = await Promise.all(
        [1, 2, 3].map(() => queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' })),
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await queue.depth()).toBe(3);
      expect(await queue.counts()).toMatchObject({ waiting: 3, active: 0, completed: 0 });
      for (const job of jobs) expect((await queue.get(job.id))?.state).toBe('waiting');
      await queue.resume();
      expect(await queue.isPaused()).toBe(false);
      await Promise.all(jobs.map((job) => finished(job.id)));
      expect(await queue.depth()).toBe(0);
    });

    it('counts jobs by state', async () => {
      startWorker(4);
      const ok = await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' });
      const bad = await queue.add({ kind: 'unrecoverable', data: {}, ownerKeyId: 'k_a' });
      const running = await queue.add({ kind: 'gate', data: { key: 'g2' }, ownerKeyId: 'k_a' });
      await Promise.all([finished(ok.id), finished(bad.id)]);
      await waitFor(
        () => queue.get(running.id),
        (job) => job?.state === 'active',
      );
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 1, completed: 1, failed: 1 });
      gates.get('g2')?.();
      await finished(running.id);
      expect(await queue.counts()).toMatchObject({ active: 0, completed: 2, failed: 1 });
    });

    it('keeps a monotonic total of finished jobs that removals do not lower', async () => {
      expect(await queue.finishedTotal()).toBe(0);
      startWorker(2);
      const ok = await queue.add({ kind: 'steps', data: { steps: 1 }, ownerKeyId: 'k_a' });
      const bad = await queue.add({ kind: 'unrecoverable', data: {}, ownerKeyId: 'k_a' });
      await Promise.all([finished(ok.id), finished(bad.id)]);
      await waitFor(
        () => queue.finishedTotal(),
        (total) => total === 2,
      );
      expect(await queue.remove(ok.id)).toBe(true);
      expect(await queue.finishedTotal()).toBe(2);
    });

    it('reports a delayed job while it waits for its backoff', async () => {
      await subject.cleanup();
      subject = await factory(contractKinds, { attempts: 2, backoffDelayMs: 2000 });
      queue = subject.queue;
      startWorker();
      const job = await queue.add({ kind: 'always-fail', data: {}, ownerKeyId: 'k_a' });
      const delayed = await waitFor(
        () => queue.get(job.id),
        (current) => current?.state === 'delayed',
      );
      expect(delayed).toMatchObject({ attemptsMade: 1, failedReason: 'boom' });
      expect(await queue.depth()).toBe(1);
      expect((await queue.counts()).delayed).toBe(1);
    });

    it('reports its backend', async () => {
      expect(['redis', 'memory']).toContain(queue.kind);
      expect(await queue.status()).toBe(queue.kind === 'redis' ? 'connected' : 'in-memory');
    });
  });
}
