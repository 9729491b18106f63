import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeQuietly } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { manualClock, T0 } from './cache-store.contract.js';
import type { Invalidation } from './redis-cache-keys.js';
import { createRedisCacheStore, type RedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store.js';
import { openTestConnection } from '../test-support/test-connections.js';

let server: TestRedisServer;
const connections: RedisClient[] = [];
const stores: RedisCacheStore[] = [];
const delays: Record<string, number[]> = {};

const connect = (): Promise<RedisClient> => openTestConnection(server.url, connections);

/** Two instances (separate connections, one Redis) sharing a fresh prefix; `bRedis` is B's command connection. */
async function twoInstances(options: Partial<RedisCacheStoreOptions> = {}) {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const make = async (redis: RedisClient) => {
    const store = createRedisCacheStore({ redis, prefix, ...options });
    stores.push(store);
    expect(await store.near!.whenLive(2000)).toBe(true);
    return store;
  };
  const bRedis = await connect();
  return { a: await make(await connect()), b: await make(bRedis), bRedis };
}

/** Resolves when `store` has applied an invalidation matching `match` (the "invalidation seen" hook). */
function seen(store: RedisCacheStore, match: (invalidation: Invalidation) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const stop = store.near!.onInvalidation((invalidation) => {
      if (!match(invalidation)) return;
      stop();
      resolve(performance.now());
    });
  });
}
const anything = () => true;

/** B reads `key` once it has seen A's write, so its near cache keeps the entry; checks it did. */
async function warm(b: RedisCacheStore, key: string, group?: string) {
  const before = b.stats().nearHits;
  const first = await b.get(key, group === undefined ? {} : { group });
  expect(await b.get(key, group === undefined ? {} : { group })).toEqual(first);
  expect(b.stats().nearHits).toBe(before + 1);
  return first;
}

beforeAll(async () => {
  server = await TestRedisServer.start();
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await Promise.all(connections.map((connection) => closeQuietly(connection)));
  await server?.destroy();
  for (const [kind, list] of Object.entries(delays)) {
    const sorted = [...list].sort((x, y) => x - y);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
    console.log(`B saw the invalidation (${kind}; n=${list.length}): min ${at(0)}, p50 ${at(0.5)}, max ${at(1)} ms`);
  }
});

describe('near cache across instances', () => {
  it('answers a near hit without sending any Redis command', async () => {
    const { a, b, bRedis } = await twoInstances();
    const written = seen(b, anything);
    await a.set('k', { big: 'x'.repeat(1000) }, { group: 'g' });
    await written;
    await warm(b, 'k', 'g');
    const sent = vi.spyOn(bRedis, 'sendCommand');
    for (let i = 0; i < 100; i++) expect((await b.get('k', { group: 'g' }))?.value).toEqual({ big: 'x'.repeat(1000) });
    expect(await b.has('k', { group: 'g' })).toBe(true);
    expect((await b.getOrCompute('k', () => 'not run', { group: 'g' })).hit).toBe(true);
    expect(sent).not.toHaveBeenCalled();
    sent.mockRestore();
    // warm(): one read from Redis, then 1 + 100 gets + getOrCompute from memory; has() is not a read
    expect(b.stats()).toMatchObject({ nearHits: 102, hits: 103 });
  });

  const evictions = {
    delete: { run: (a: RedisCacheStore) => a.delete('k', { group: 'g' }), after: null },
    deleteGroup: { run: (a: RedisCacheStore) => a.deleteGroup('g'), after: null },
    overwrite: { run: (a: RedisCacheStore) => a.set('k', 'new', { group: 'g' }), after: 'new' },
  };
  for (const [kind, { run, after }] of Object.entries(evictions)) {
    it(`sees a ${kind} on instance A before its next read on B (delay measured)`, async () => {
      const { a, b } = await twoInstances();
      for (let round = 0; round < 20; round++) {
        const warmed = seen(b, (i) => i.kind === 'entry' && i.entryKey.endsWith('other'));
        await a.set('k', 'old', { group: 'g' });
        await a.set('other', 'kept', { group: 'h' });
        await warmed; // messages arrive in order: both writes are seen
        await warm(b, 'k', 'g');
        await warm(b, 'other', 'h');
        const invalidated = seen(b, (i) => i.kind === (kind === 'deleteGroup' ? 'group' : 'entry'));
        const sentAt = performance.now();
        await run(a);
        const resolvedAt = performance.now();
        const seenAt = await invalidated;
        (delays[`${kind}, after A sent it`] ??= []).push(seenAt - sentAt);
        (delays[`${kind}, after A's call resolved`] ??= []).push(seenAt - resolvedAt);
        expect((await b.get('k', { group: 'g' }))?.value ?? null).toBe(after);
        expect((await b.get('other', { group: 'h' }))?.value).toBe('kept'); // still a near hit
      }
      expect(Math.max(...delays[`${kind}, after A sent it`]!)).toBeLessThan(50);
    });
  }

  it('never answers an older value than the last write B has seen, under constant overwrites', async () => {
    const { a, b } = await twoInstances();
    await a.set('counter', 0);
    let done = false;
    let last = -1;
    const reader = (async () => {
      while (!done) {
        const value = (await b.get<number>('counter'))?.value ?? -1;
        expect(value).toBeGreaterThanOrEqual(last);
        last = value;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 1; i <= 200; i++) {
      const invalidated = seen(b, anything);
      await a.set('counter', i);
      await invalidated;
      expect((await b.get<number>('counter'))?.value).toBe(i);
    }
    done = true;
    await reader;
    expect(b.stats().nearHits).toBeGreaterThan(0);
  });

  it('is cleared and bypassed while its subscriber is disconnected, until it has resubscribed', async () => {
    const { a, b, bRedis } = await twoInstances();
    const warmed = seen(b, anything);
    await a.set('k', 'old');
    await warmed;
    await warm(b, 'k');
    await bRedis.client('KILL', 'TYPE', 'pubsub');
    await vi.waitFor(() => expect(b.near!.isLive()).toBe(false), { timeout: 1000, interval: 1 });
    expect(b.near!.size).toBe(0);
    await a.set('k', 'written while B could not hear'); // B's invalidation is lost
    const nearHits = b.stats().nearHits;
    expect((await b.get('k'))?.value).toBe('written while B could not hear');
    expect((await b.get('k'))?.value).toBe('written while B could not hear');
    expect(b.stats().nearHits).toBe(nearHits);
    expect(await b.near!.whenLive(3000)).toBe(true);
    await warm(b, 'k');
  });

  it('lets near entries expire at their TTL by the clock', async () => {
    const clock = manualClock(T0);
    const { a, b } = await twoInstances({ clock });
    const warmed = seen(b, anything);
    await a.set('k', 'v', { ttlSec: 2 });
    await warmed;
    await warm(b, 'k');
    clock.advance(2000);
    expect(await b.get('k')).toBeNull();
    expect(b.near!.size).toBe(0);
  });
});
