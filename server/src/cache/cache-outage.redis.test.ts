import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError, isTimeout, toTRPCError } from '../errors.js';
import { closeQuietly, connectAndPing, createCommandConnection } from '../redis/connections.js';
import { TestRedisServer } from '../test-support/redis-server.js';
import { createRedisCacheStore, type RedisCacheStore } from './redis-cache-store.js';

let server: TestRedisServer;
let connections: RedisClient[] = [];
let a: RedisCacheStore;
let b: RedisCacheStore;

async function instance(prefix: string): Promise<RedisCacheStore> {
  const connection = createCommandConnection(server.url, 2000);
  connection.on('error', () => undefined);
  await connectAndPing(connection, 2000);
  connections.push(connection);
  const store = createRedisCacheStore({ redis: connection, prefix });
  expect(await store.near!.whenLive(2000)).toBe(true);
  return store;
}

/** B holds `k` in its near cache (a near hit), written by A. */
async function warmB(value: string) {
  const seen = new Promise<void>((resolve) => {
    const stop = b.near!.onInvalidation(() => {
      stop();
      resolve();
    });
  });
  await a.set('k', value, { group: 'g' });
  await seen;
  await b.get('k', { group: 'g' });
  const nearHits = b.stats().nearHits;
  expect((await b.get('k', { group: 'g' }))?.value).toBe(value);
  expect(b.stats().nearHits).toBe(nearHits + 1);
}

/** How a call ends and how long it took. */
async function attempt(call: () => Promise<unknown>) {
  const started = performance.now();
  const outcome = await call().then(
    (value) => ({ value, error: null }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
}

function expectFailedClosed(result: { error: unknown; ms: number }, withinMs: number) {
  expect(result.error).toBeInstanceOf(BackendUnavailableError);
  expect(toTRPCError(result.error)?.code).toBe('SERVICE_UNAVAILABLE');
  expect(result.ms).toBeLessThan(withinMs);
}

beforeEach(async () => {
  server = await TestRedisServer.start();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  a = await instance(prefix);
  b = await instance(prefix);
});

afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
  await Promise.all(connections.map((connection) => closeQuietly(connection)));
  connections = [];
  await server.destroy();
});

describe('cache while Redis is down', () => {
  it('killed: every operation fails closed at once, the near cache stops serving, service resumes by itself', async () => {
    await warmB('before the outage');
    await server.kill();
    const killedAt = performance.now();
    await vi.waitFor(() => expect(b.near!.isLive()).toBe(false), { timeout: 500, interval: 1 });
    console.log(`near cache stopped serving ${(performance.now() - killedAt).toFixed(1)} ms after Redis was killed`);
    expect(b.near!.size).toBe(0);
    let computes = 0;
    const calls = {
      get: () => b.get('k', { group: 'g' }),
      has: () => b.has('k', { group: 'g' }),
      set: () => b.set('k', 'x', { group: 'g' }),
      delete: () => b.delete('k', { group: 'g' }),
      deleteGroup: () => b.deleteGroup('g'),
      getOrCompute: () => b.getOrCompute('k', () => ++computes, { group: 'g' }),
    };
    for (const call of Object.values(calls)) expectFailedClosed(await attempt(call), 250);
    expect(computes).toBe(0);

    await server.restart(); // no persistence: the entries and the script cache are gone
    expect(await b.near!.whenLive(5000)).toBe(true);
    await vi.waitFor(async () => expect(await a.has('k', { group: 'g' })).toBe(false), { timeout: 5000 });
    await warmB('after the outage');
  });

  it('hung (SIGSTOP): near hits stop within maxSilenceMs, reads fail closed within 1 s as timeouts', async () => {
    await warmB('before the hang');
    server.pause();
    const pausedAt = performance.now();
    try {
      await vi.waitFor(() => expect(b.near!.isLive()).toBe(false), { timeout: 1000, interval: 1 });
      const noticedAfter = performance.now() - pausedAt;
      console.log(`near cache stopped serving ${noticedAfter.toFixed(0)} ms after Redis hung`);
      expect(noticedAfter).toBeLessThan(300 + 100 + 150); // maxSilenceMs + heartbeat + slack
      const read = await attempt(() => b.get('k', { group: 'g' }));
      expectFailedClosed(read, 1000);
      expect(isTimeout(read.error)).toBe(true); // a triage upstream can still tell slow from down
      expectFailedClosed(await attempt(() => a.set('k', 'x')), 1000);
    } finally {
      server.resume();
    }
    expect(await b.near!.whenLive(5000)).toBe(true);
    expect((await b.get('k', { group: 'g' }))?.value).toBe('before the hang');
    await warmB('after the hang');
  });
});
