import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_FAILURES_PER_WINDOW } from '../../src/auth/failed-attempts.js';
import type { Invalidation } from '../../src/cache/redis-cache-keys.js';
import type { RedisCacheStore } from '../../src/cache/redis-cache-store.js';
import { createTollgateClient, type TollgateClient } from '../../src/client/index.js';
import { freePort } from '../../src/test-support/free-port.js';
import { TestRedisCluster } from '../../src/test-support/redis-cluster.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../../src/test-support/test-app.js';
import { ADMIN_TOKEN, exerciseServer, expectNoSecrets, Processes, runKeysCli } from './helpers.js';

/**
 * Tollgate on a Redis Cluster (three masters with a replica each, a password, REDIS_CLUSTER=true):
 * exact quotas across two instances, API keys spread over the masters, the cache's scripts and
 * near-cache pub/sub, admin attempts, and the built server, worker and keys CLI naming the cluster.
 */

const PASSWORD = 'cluster-secret-password-7';
const PREFIX = 'cl';

let cluster: TestRedisCluster;
const instances: TestApp[] = [];
const urls: string[] = [];
let admin: TollgateClient;

beforeAll(async () => {
  cluster = await TestRedisCluster.start({ password: PASSWORD });
  for (let i = 0; i < 2; i++) {
    const instance = await createTestApp({
      backend: 'redis',
      redisUrl: cluster.url,
      env: { REDIS_CLUSTER: 'true', REDIS_PREFIX: PREFIX, TRUST_PROXY: '127.0.0.1' },
    });
    instances.push(instance);
    await instance.app.listen({ host: '127.0.0.1', port: 0 });
    urls.push(`http://127.0.0.1:${(instance.app.server.address() as AddressInfo).port}`);
  }
  admin = createTollgateClient({ url: urls[0]!, adminToken: TEST_ADMIN_TOKEN });
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await cluster?.destroy();
});

/** `host:port` of every live master, sorted, as the start-up lines list them. */
async function masterList(): Promise<string> {
  return (await cluster.masters())
    .map((master) => `127.0.0.1:${master.port}`)
    .sort()
    .join(', ');
}

async function validateOn(index: number, apiKey: string): Promise<number> {
  const response = await fetch(`${urls[index]}/trpc/validation.validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ schema: { type: 'integer' }, document: 1 }),
  });
  await response.arrayBuffer();
  return response.status;
}

function histogram(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

const newKey = (limit: number) =>
  admin.admin.keys.create.mutate({ name: `cluster-${limit}`, rateLimit: { limit, windowSec: 60 } });

describe('quotas on a Redis Cluster, two instances', () => {
  it('names the cluster in the start-up lines', async () => {
    expect(instances[0]!.lines[0]).toBe(
      `✓ Redis counter backend connected: cluster of 3 masters (${await masterList()})`,
    );
    expect(instances[0]!.lines.slice(1)).toEqual([
      '✓ Counter backend initialized (Redis)',
      '✓ Redis queue service connected',
      '✓ Queue service initialized (Redis)',
    ]);
  });

  it('admits exactly `limit` of a concurrent burst spread over both instances, for several keys at once', async () => {
    const limits = [20, 3, 7, 12];
    const keys = await Promise.all(limits.map(newKey));
    const calls = keys.flatMap((key, k) =>
      Array.from({ length: limits[k]! + 8 }, (_, i) => ({ k, index: (i + k) % 2, apiKey: key.apiKey })),
    );
    const statuses = await Promise.all(
      calls.map(async (call) => ({ k: call.k, status: await validateOn(call.index, call.apiKey) })),
    );
    const byKey = limits.map((_, k) => histogram(statuses.filter((s) => s.k === k).map((s) => s.status)));
    expect(byKey).toEqual(limits.map((limit) => ({ 200: limit, 429: 8 })));
  });

  it('spreads the keys of different API keys over the masters', async () => {
    const keys = await Promise.all(Array.from({ length: 30 }, (_, i) => newKey(100 + i)));
    const masters = await cluster.masters();
    const perMaster = new Map<number, number>();
    for (const key of keys) {
      const meta = `${PREFIX}:{key:${key.id}}:meta`;
      const slot = await cluster.slotOf(meta);
      const owner = masters.find((master) => master.slots.some(([from, to]) => slot >= from && slot <= to));
      expect(owner, `slot ${slot} has a master`).toBeDefined();
      // the key really is on that master: asked directly (no redirection), it has it
      expect(await cluster.command(owner!.port, 'EXISTS', meta)).toBe(1);
      perMaster.set(owner!.port, (perMaster.get(owner!.port) ?? 0) + 1);
    }
    console.info(`30 API keys over the masters: ${[...perMaster.values()].join(' / ')}`);
    expect(perMaster.size).toBeGreaterThanOrEqual(2);
    // and the admin list (one command per key, across slots) sees them all
    const listed = await admin.admin.keys.list.query();
    expect(keys.every((key) => listed.items.some((item) => item.id === key.id))).toBe(true);
  });
});

describe('cache and admin attempts on a Redis Cluster (smoke)', () => {
  it('near caches of both instances follow each other (pub/sub across nodes); groups drop at once', async () => {
    const [a, b] = instances.map((instance) => instance.deps.cache as RedisCacheStore);
    expect(await a!.near!.whenLive(3000)).toBe(true);
    expect(await b!.near!.whenLive(3000)).toBe(true);
    /** resolves once B has applied the invalidation of `what` (A's writes reach B through another node) */
    const bHears = (what: Invalidation) =>
      new Promise<void>((resolve) => {
        const stop = b!.near!.onInvalidation((invalidation) => {
          if (JSON.stringify(invalidation) !== JSON.stringify(what)) return;
          stop();
          resolve();
        });
      });
    const greeting = { kind: 'entry', entryKey: `${PREFIX}:{cache:smoke}:v:greeting` } as const;
    let heard = bHears(greeting);
    await a!.set('greeting', 'hello', { group: 'smoke' });
    await heard;
    expect((await b!.get('greeting', { group: 'smoke' }))?.value).toBe('hello');
    expect((await b!.get('greeting', { group: 'smoke' }))?.value).toBe('hello'); // now from B's memory
    expect(b!.stats().nearHits).toBeGreaterThan(0);

    heard = bHears(greeting);
    await a!.set('greeting', 'hello again', { group: 'smoke' });
    await heard;
    expect((await b!.get('greeting', { group: 'smoke' }))?.value).toBe('hello again');

    // getOrCompute (lock and store scripts) and a whole group dropped in one script
    let computes = 0;
    const compute = () => ++computes;
    const results = await Promise.all(
      instances.map((_, i) => [a, b][i]!.getOrCompute('answer', compute, { group: 'smoke' })),
    );
    expect(computes).toBe(1);
    expect(results.map((result) => result.value)).toEqual([1, 1]);
    expect(await b!.getOrCompute('solo', () => 'no group')).toMatchObject({ value: 'no group', hit: false });
    heard = bHears({ kind: 'group', group: 'smoke' });
    expect(await a!.deleteGroup('smoke')).toBe(2);
    await heard;
    expect(await b!.get('answer', { group: 'smoke' })).toBeNull();
    expect(await b!.get('greeting', { group: 'smoke' })).toBeNull();
  });

  it('limits failed admin-token attempts per address across instances', async () => {
    const attacker = '203.0.113.77';
    const attempt = (index: number, token: string) =>
      instances[index]!.app.inject({
        method: 'GET',
        url: '/admin/health/redis',
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': attacker },
      });
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) {
      expect((await attempt(i % 2, 'wrong-admin-token-0000000000')).statusCode).toBe(403);
    }
    for (const index of [0, 1]) expect((await attempt(index, TEST_ADMIN_TOKEN)).statusCode).toBe(429);
    const bystander = await instances[1]!.app.inject({
      method: 'GET',
      url: '/admin/health/redis',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(bystander.statusCode).toBe(200);
    expect(bystander.json()).toMatchObject({ counter_backend: { status: 'connected', backend: 'redis' } });
  });
});

describe('the built server, worker and keys CLI on a Redis Cluster', () => {
  const processes = new Processes();
  afterAll(() => processes.destroy());

  it('start naming the cluster, answer /health in both formats, serve a key, a guarded call and a job; no secret printed', async () => {
    const env = { REDIS_CLUSTER: 'true', REDIS_URL: cluster.url, ENVIRONMENT: 'production' };
    const [server, worker] = await Promise.all([
      processes.server({ ...env, RUN_WORKER: 'false' }),
      processes.worker({ ...env, WORKER_CONCURRENCY: '2' }),
    ]);
    await Promise.all([server.ready(), worker.ready()]);
    const masters = await masterList();
    const lines = server.output.filter((line) => line.startsWith('✓'));
    expect(lines.slice(0, 4)).toEqual([
      `✓ Redis counter backend connected: cluster of 3 masters (${masters})`,
      '✓ Counter backend initialized (Redis)',
      '✓ Redis queue service connected',
      '✓ Queue service initialized (Redis)',
    ]);
    expect(lines[4]).toMatch(/^✓ Tollgate listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(worker.output).toContain(`✓ Redis queue service connected: cluster of 3 masters (${masters})`);

    const apiKey = await exerciseServer(server); // /health both formats, a key, a guarded call, a job
    const cli = await runKeysCli(['create', '--name', 'cli-on-cluster'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`✓ API key created in cluster of 3 masters (${masters}) (prefix tollgate)`);
    const cliKey = /API key \(shown only once\): (\S+)/.exec(cli.stdout)?.[1];
    expect(cliKey).toBeDefined();
    const client = createTollgateClient({ url: server.url, apiKey: cliKey! });
    expect((await client.usage.get.query()).rate.remaining).toBe(60);

    // the CLI prints its key once, by design; nothing else prints a secret
    expectNoSecrets([server.text, worker.text, cli.stderr].join('\n'), [PASSWORD, ADMIN_TOKEN, apiKey, cliKey!]);
    expectNoSecrets(cli.stdout, [PASSWORD, ADMIN_TOKEN, apiKey]);
  }, 60_000);

  it('refuses to start on an evicting master, naming it; an unreachable cluster is named with the password masked', async () => {
    const [master] = await cluster.masters();
    await cluster.command(master!.port, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const refused = await processes.server({ REDIS_CLUSTER: 'true', REDIS_URL: cluster.url });
      expect((await refused.waitForExit()).code).toBe(1);
      expect(refused.text).toContain(`❌ Redis maxmemory-policy is allkeys-lru on master 127.0.0.1:${master!.port}: `);
    } finally {
      await cluster.command(master!.port, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }

    const [p1, p2] = [await freePort(), await freePort()];
    const unreachable = await processes.server({
      REDIS_CLUSTER: 'true',
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${p1},127.0.0.1:${p2}`,
      REDIS_CONNECT_TIMEOUT_MS: '1000',
    });
    expect((await unreachable.waitForExit()).code).toBe(1);
    expect(unreachable.text).toContain(
      `❌ Redis validation failed: Failed to connect to Redis at redis://:****@127.0.0.1:${p1},127.0.0.1:${p2}`,
    );
    expectNoSecrets(unreachable.text, [PASSWORD]);
  }, 30_000);
});
