import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitJobInput } from '@tollgate/shared';
import type { RedisCacheStore } from '../../src/cache/redis-cache-store.js';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { createSubscriber } from '../../src/redis/redis-client.js';
import { TestRedisCluster } from '../../src/test-support/redis-cluster.js';
import { expectedResult, heavyJob, startListeningApp, waitFor, type ListeningApp } from '../jobs/helpers.js';

/**
 * Jobs on a Redis Cluster: every acknowledged job completes, also when the master holding the
 * queue's slot (`{queue}`) is SIGKILLed while jobs are queued and running and its replica takes over.
 * While the failover lasts, calls that need that master fail closed (503 within 1 s) and health says
 * so; then everything resumes by itself.
 */

/** short locks, so that a running job whose lock was lost with its master comes back within seconds */
const ENV = { REDIS_CLUSTER: 'true', JOB_LOCK_DURATION_MS: '4000', JOB_STALLED_INTERVAL_MS: '1000' };

let cluster: TestRedisCluster;
let app: ListeningApp;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  cluster = await TestRedisCluster.start();
  app = await startListeningApp({ backend: 'redis', redisUrl: cluster.url, env: ENV });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await app?.close();
  await cluster?.destroy();
});

interface Probe {
  at: number;
  what: 'submit' | 'validate' | 'health';
  status: number;
  ms: number;
}

/** One call over HTTP: its status and how long it took. */
async function timedCall(what: Probe['what'], request: () => Promise<Response>, onBody?: (body: unknown) => void) {
  const started = performance.now();
  const response = await request();
  const body: unknown = await response.json();
  if (response.status === 200) onBody?.(body);
  return { at: started, what, status: response.status, ms: performance.now() - started };
}

const post = (path: string, apiKey: string, input: unknown) => () =>
  fetch(`${app.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(input),
  });

/** Waits until every job in `acknowledged` has completed with the result its input calls for. */
async function expectAllCompleted(acknowledged: Map<string, SubmitJobInput>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await Promise.all([...acknowledged.keys()].map((id) => app.deps.queue.get(id).catch(() => null)));
    const pending = jobs.flatMap((job, i) =>
      job?.state === 'completed'
        ? []
        : [`${[...acknowledged.keys()][i]}: ${job?.state ?? 'not found'} ${job?.failedReason ?? ''}`],
    );
    if (pending.length === 0) break;
    if (Date.now() > deadline) {
      throw new Error(
        `${pending.length} of ${acknowledged.size} acknowledged jobs not completed:\n${pending.slice(0, 10).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const [id, input] of acknowledged) {
    const job = await app.deps.queue.get(id);
    expect(job?.result).toEqual(await expectedResult(input));
  }
}

describe('a subscriber on a Redis Cluster', () => {
  it('moves to another node when its node dies, and gets every PUBLISH of the cluster there', async () => {
    const subscriber = createSubscriber(app.deps.redis!, { lazyConnect: true });
    subscriber.on('error', () => undefined);
    const received: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => received.push(message));
    let closes = 0;
    subscriber.on('close', () => (closes += 1));
    try {
      await subscriber.connect();
      await subscriber.subscribe('tollgate:test-channel');
      const port = subscriber.options.port!;
      await app.deps.redis!.publish('tollgate:test-channel', 'before');
      await waitFor(
        async () => received,
        (messages) => messages.includes('before'),
        5000,
        'message before',
      );

      const node = (await cluster.topology()).find((candidate) => candidate.port === port)!;
      if (node.role === 'master') await cluster.killMaster(port);
      else await cluster.kill(port);
      await waitFor(
        async () => subscriber.status === 'ready' && subscriber.options.port !== port,
        (moved) => moved,
        10_000,
        'subscriber on another node',
      );
      expect(closes).toBeGreaterThan(0); // what tells the near cache to forget what it kept
      await waitFor(
        async () => {
          await app.deps.redis!.publish('tollgate:test-channel', 'after');
          return received;
        },
        (messages) => messages.includes('after'),
        10_000,
        'message after',
      );
      // the killed node comes back (a former master as a replica), for the tests that follow
      await cluster.restart(port);
      await cluster.waitUntilHealthy();
    } finally {
      subscriber.disconnect();
    }
  }, 40_000);
});

describe('jobs on a Redis Cluster', () => {
  it('completes every acknowledged job (a worker runs them)', async () => {
    const client = await app.newKeyClient('cluster-jobs');
    const acknowledged = new Map<string, SubmitJobInput>();
    for (let seed = 0; seed < 20; seed += 5) {
      const inputs = Array.from({ length: 5 }, (_, i) => heavyJob(seed + i, 500));
      const answers = await Promise.all(inputs.map((input) => client.jobs.submit.mutate(input)));
      answers.forEach((answer, i) => acknowledged.set(answer.jobId, inputs[i]!));
    }
    expect((await app.deps.queue.counts()).waiting).toBe(20);
    worker = app.deps.queue.startWorker(2);
    await expectAllCompleted(acknowledged, 20_000);
  });

  it('survives a failover of the queue master: fails closed within 1 s while it lasts, resumes by itself, loses no acknowledged job', async () => {
    const queueMaster = await cluster.masterPortOf('tollgate:{queue}:jobs:wait');
    // an API key whose counters live on that master too
    let apiKey = '';
    for (let i = 0; i < 40 && apiKey === ''; i++) {
      const key = await app.admin.admin.keys.create.mutate({
        name: `failover-${i}`,
        rateLimit: { limit: 1_000_000, windowSec: 60 },
        dailyJobQuota: 1_000_000,
      });
      if ((await cluster.masterPortOf(`tollgate:{key:${key.id}}:meta`)) === queueMaster) apiKey = key.apiKey;
    }
    expect(apiKey, 'a key on the queue master').not.toBe('');

    const acknowledged = new Map<string, SubmitJobInput>();
    let seed = 1000;
    const submit = () => {
      const input = heavyJob(seed++, 2000);
      return timedCall('submit', post('jobs.submit', apiKey, input), (body) => {
        acknowledged.set((body as { result: { data: { jobId: string } } }).result.data.jobId, input);
      });
    };
    // a backlog, so that jobs are queued and running when the master dies
    for (let i = 0; i < 30; i++) expect((await submit()).status).toBe(200);

    const probes: Probe[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push(
          ...(await Promise.all([
            submit(),
            timedCall('validate', post('validation.validate', apiKey, { schema: { type: 'integer' }, document: 1 })),
            timedCall('health', () => fetch(`${app.url}/health`)),
          ])),
        );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = performance.now();
    const failover = await cluster.killMaster(queueMaster);
    // resumed: every kind of call answers 200 again, by itself
    const resumed = await waitFor(
      async () => probes.filter((probe) => probe.at > killedAt + failover.ms),
      (after) =>
        (['submit', 'validate', 'health'] as const).every((what) =>
          after.some((p) => p.what === what && p.status === 200),
        ),
      15_000,
      'service resumed after the failover',
    );
    const resumedAt = Math.max(
      ...(['submit', 'validate', 'health'] as const).map(
        (what) => resumed.find((probe) => probe.what === what && probe.status === 200)!.at,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    probing = false;
    await prober;

    const during = probes.filter((probe) => probe.at >= killedAt && probe.at < resumedAt);
    const failed = during.filter((probe) => probe.status !== 200);
    // fail closed: 503s (never another error, never a hang), each within 1 s
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((probe) => probe.status))).toEqual(new Set([503]));
    const slowest503 = Math.max(...failed.map((probe) => probe.ms));
    expect(slowest503).toBeLessThan(1000);
    const lastFailure = Math.max(...failed.map((probe) => probe.at + probe.ms));
    console.info(
      `failover of the queue master (${failover.killedPort} → ${failover.promotedPort}): promoted ${failover.ms} ms after the kill; ` +
        `calls failed closed for ${Math.round(lastFailure - killedAt)} ms (${failed.length} of ${during.length} answers 503, ` +
        `the slowest in ${Math.round(slowest503)} ms); every call answered again ${Math.round(resumedAt - killedAt)} ms ` +
        `after the kill (${Math.round(resumedAt - killedAt - failover.ms)} ms after the promotion)`,
    );
    expect(probes.filter((probe) => probe.at > resumedAt + 200).every((probe) => probe.status === 200)).toBe(true);

    // the near cache listens again (on another node if its node was the one killed)
    expect(await (app.deps.cache as RedisCacheStore).near!.whenLive(5000)).toBe(true);

    // nothing acknowledged is lost: before, during and after the failover
    await expectAllCompleted(acknowledged, 45_000);
    const counts = await app.deps.queue.counts();
    expect(counts.failed).toBe(0);
  }, 90_000);
});
