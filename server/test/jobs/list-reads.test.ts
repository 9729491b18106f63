import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitJobInput } from '@tollgate/shared';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';
import {
  startListeningApp,
  trafficOf,
  trpcMutation,
  trpcQuery,
  waitFor,
  type ListeningApp,
  type RedisTraffic,
} from './helpers.js';

const schema = {
  type: 'object',
  properties: { n: { type: 'integer', minimum: 0 }, tag: { type: 'string', maxLength: 8 } },
  required: ['n', 'tag'],
};

/** A job of `size` documents, most of them invalid (so its result is larger than its input). */
function jobOf(seed: number, size: number): SubmitJobInput {
  return {
    schema,
    documents: Array.from({ length: size }, (_, i) => ({ n: i % 3 === 0 ? -i : i, tag: `t${seed}-${i}` })),
  };
}

interface Page {
  items: Array<{ id: string; state: string; ownerKeyId?: string }>;
  nextCursor: string | null;
}

/** The job hash fields a list must never read. */
const WHOLE_JOB_FIELDS = ['data', 'returnvalue'];
const JOB_KEY = /^tollgate:\{queue\}:jobs:[0-9a-f-]{36}$/;

/** Commands on job hashes are HMGETs of summary fields only (key lookups for auth are not job reads). */
function expectNoInputOrResultRead(traffic: RedisTraffic): void {
  const onJobs = traffic.commands.filter((command) => JOB_KEY.test(command.args[0] ?? ''));
  expect(onJobs.length).toBeGreaterThan(0);
  for (const command of onJobs) {
    expect(command.name).toBe('hmget');
    for (const field of WHOLE_JOB_FIELDS) expect(command.args.slice(1)).not.toContain(field);
  }
}

describe('jobs.list and admin.jobs.list read only what they return (real Redis)', () => {
  let redis: TestRedisServer;
  let app: ListeningApp;
  let worker: RunningWorker | undefined;
  const keys: Record<'small' | 'large', string> = { small: '', large: '' };
  const ids: Record<'small' | 'large', string[]> = { small: [], large: [] };

  const submit = async (apiKey: string, input: SubmitJobInput) => {
    const response = await trpcMutation(app.url, 'jobs.submit', JSON.stringify(input), apiKey);
    expect(response.status).toBe(200);
    return (response.body.result?.data as { jobId: string }).jobId;
  };

  const list = (apiKey: string, input: unknown) => trpcQuery(app.url, 'jobs.list', input, apiKey);
  const adminList = (input: unknown) => trpcQuery(app.url, 'admin.jobs.list', input, TEST_ADMIN_TOKEN);

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    app = await startListeningApp({ backend: 'redis', redisUrl: redis.url });
    for (const name of ['small', 'large'] as const) {
      const created = await app.admin.admin.keys.create.mutate({
        name,
        rateLimit: { limit: 1_000_000, windowSec: 60 },
        dailyJobQuota: 1_000_000,
      });
      keys[name] = created.apiKey;
    }
    for (let seed = 0; seed < 5; seed++) {
      ids.small.push(await submit(keys.small, jobOf(seed, 1)));
      ids.large.push(await submit(keys.large, jobOf(seed, 4000)));
    }
    worker = app.deps.queue.startWorker(2);
    for (const id of [...ids.small, ...ids.large]) {
      await waitFor(
        () => app.deps.queue.get(id),
        (job) => job?.state === 'completed',
        30_000,
        `job ${id} completed`,
      );
    }
  });

  afterAll(async () => {
    await worker?.close();
    await app.close();
    await redis.destroy();
  });

  it('reads no input or result: a page costs the same bytes whatever the size of its jobs', async () => {
    const connection = app.deps.redis as Redis; // one Redis, not a cluster
    await list(keys.large, { limit: 5 }); // loads the state script once
    const pages: Record<'small' | 'large', Page | undefined> = { small: undefined, large: undefined };
    const traffic = {} as Record<'small' | 'large', RedisTraffic>;
    for (const name of ['small', 'large'] as const) {
      traffic[name] = await trafficOf(connection, async () => {
        const response = await list(keys[name], { limit: 5 });
        expect(response.status).toBe(200);
        pages[name] = response.body.result?.data as Page;
      });
      expect(pages[name]!.items.map((item) => item.id)).toEqual([...ids[name]].reverse());
      expect(pages[name]!.items.every((item) => item.state === 'completed')).toBe(true);
      expectNoInputOrResultRead(traffic[name]);
    }
    // what the same five large jobs weigh when read whole (as lists read them before)
    const whole = await trafficOf(connection, async () => {
      await Promise.all(ids.large.map((id) => app.deps.queue.get(id)));
    });
    const { small, large } = traffic;
    console.info(
      `list page of 5 jobs: ${small.bytesRead} B read (1 document each), ${large.bytesRead} B read ` +
        `(4,000 documents each); the 5 large jobs read whole: ${whole.bytesRead} B`,
    );
    expect(Math.abs(large.bytesRead - small.bytesRead)).toBeLessThan(64);
    expect(large.bytesRead).toBeLessThan(4096);
    expect(whole.bytesRead).toBeGreaterThan(100 * large.bytesRead);
    // the index read, then one MULTI for the whole page (HMGETs + the state script): two round trips
    const sent = large.commands.map((command) => command.name);
    expect(sent.filter((name) => name === 'multi')).toHaveLength(1);
    expect(sent.filter((name) => name === 'hmget')).toHaveLength(5);
  });

  it('admin.jobs.list shows owners without reading inputs or results', async () => {
    const connection = app.deps.redis as Redis; // one Redis, not a cluster
    let page: Page | undefined;
    const traffic = await trafficOf(connection, async () => {
      const response = await adminList({ limit: 10 });
      expect(response.status).toBe(200);
      page = response.body.result?.data as Page;
    });
    expect(page!.items).toHaveLength(10);
    const created = await app.admin.admin.keys.list.query();
    const ownerOf = new Map(created.items.map((item) => [item.name, item.id]));
    for (const item of page!.items) {
      expect(item.ownerKeyId).toBe(ownerOf.get(ids.large.includes(item.id) ? 'large' : 'small'));
    }
    expectNoInputOrResultRead(traffic);
    expect(traffic.bytesRead).toBeLessThan(8192);
  });

  it('answers both lists with 200 while the worker is busy with large jobs', async () => {
    await app.admin.admin.queue.pause.mutate();
    const busy: string[] = [];
    for (let seed = 10; seed < 18; seed++) busy.push(await submit(keys.large, jobOf(seed, 4000)));
    await app.admin.admin.queue.resume.mutate();
    const statuses = new Set<number>();
    let slowest = 0;
    let sawActive = false;
    const finished = async () => {
      const page = await adminList({ state: 'completed', limit: 100 });
      const done = new Set((page.body.result?.data as Page).items.map((item) => item.id));
      return busy.every((id) => done.has(id));
    };
    while (!(await finished())) {
      const [own, all] = await Promise.all([list(keys.large, { limit: 20 }), adminList({ limit: 20 })]);
      for (const response of [own, all]) {
        statuses.add(response.status);
        slowest = Math.max(slowest, response.ms);
        if ((response.body.result?.data as Page | undefined)?.items.some((item) => item.state === 'active')) {
          sawActive = true;
        }
      }
    }
    expect([...statuses]).toEqual([200]);
    expect(sawActive).toBe(true);
    expect(slowest).toBeLessThan(750);
  });
});
