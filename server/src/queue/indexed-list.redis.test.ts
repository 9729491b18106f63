import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../test-support/redis-server.js';
import { listFromIndex } from './indexed-list.js';
import { INDEX_GRACE_MS, JobIndex } from './job-index.js';
import { toSummary, type StoredJob } from './job-queue.js';
import { scoreOf } from './list-cursor.js';

describe('listing from a job index', () => {
  let server: TestRedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await TestRedisServer.start();
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    redis.disconnect();
    await server.destroy();
  });

  const jobOf = (id: string, createdAt: number): StoredJob => ({
    id,
    kind: 'validate',
    ownerKeyId: 'k_owner',
    state: 'waiting',
    progress: 0,
    attemptsMade: 0,
    createdAt,
  });

  it('keeps a just-indexed entry whose job is not added yet, and drops old entries whose job is gone', async () => {
    const index = new JobIndex(redis, 'test:{queue}:jobs');
    const now = Date.now();
    const stored = new Map<string, StoredJob>();
    // an old job removed by retention, a job being added right now, and a job that exists
    await index.addMany([
      { jobId: 'gone', ownerKeyId: 'k_owner', score: scoreOf(now - INDEX_GRACE_MS - 5_000) },
      { jobId: 'in-flight', ownerKeyId: 'k_owner', score: scoreOf(now) },
      { jobId: 'present', ownerKeyId: 'k_owner', score: scoreOf(now - 1_000) },
    ]);
    stored.set('present', jobOf('present', now - 1_000));
    const loaded: string[][] = [];
    const load = (ids: string[]) => {
      loaded.push(ids);
      return Promise.resolve(
        ids.map((id) => {
          const job = stored.get(id);
          return job === undefined ? null : toSummary(job);
        }),
      );
    };

    const page = await listFromIndex(index, load, { limit: 10 });
    expect(page.items.map((item) => item.id)).toEqual(['present']);
    await expect.poll(() => redis.zrange(index.keyFor(undefined), 0, -1)).toEqual(['present', 'in-flight']);

    // the in-flight job lands: the next page shows it
    stored.set('in-flight', jobOf('in-flight', now));
    const next = await listFromIndex(index, load, { limit: 10 });
    expect(next.items.map((item) => item.id)).toEqual(['in-flight', 'present']);
    // one batch of summaries per page
    expect(loaded).toEqual([
      ['in-flight', 'present', 'gone'],
      ['in-flight', 'present'],
    ]);
  });
});
