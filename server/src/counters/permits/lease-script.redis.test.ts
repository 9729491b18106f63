import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../redis/redis-client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../test-support/redis-server.js';
import { closeQuietly } from '../../redis/connections.js';
import { manualClock, T0 } from '../counter-store.contract.js';
import { createRedisCounterStore } from '../redis-counter-store.js';
import { redisKeyNames } from '../redis-keys.js';
import { createQuotaScript, type ScriptAnswer, type ScriptRequest } from '../quota-script.js';
import { windowGeometry } from '../sliding-window.js';
import { openTestConnection } from '../../test-support/test-connections.js';
import { storeTestKey } from '../../test-support/test-keys.js';

let server: TestRedisServer;
let redis: RedisClient;

beforeAll(async () => {
  server = await TestRedisServer.start();
  redis = await openTestConnection(server.url);
});

afterAll(async () => {
  await closeQuietly(redis);
  await server?.destroy();
});

const RATE = { rate: true, daily: false };
const LEASE = { leaseMs: 250, fairShare: 8, minLease: 4 };

/** A key on a fresh namespace, the raw script, and a permit-less store for reads and resets. */
async function setup(limit: number, windowSec = 60) {
  const clock = manualClock(T0);
  const prefix = `l${randomBytes(4).toString('hex')}`;
  const names = redisKeyNames(prefix);
  const store = createRedisCounterStore({ redis, prefix, clock, permits: false });
  const credential = await storeTestKey(store, {
    name: 'lease',
    rateLimit: { limit, windowSec },
    dailyJobQuota: 10,
    createdAt: T0,
  });
  const script = createQuotaScript(redis, names, clock, clock);
  const run = async (request: ScriptRequest): Promise<ScriptAnswer> => {
    const answer = await script(credential.id, credential.hash, request);
    if (typeof answer !== 'object') throw new Error(`unexpected ${answer}`);
    return answer;
  };
  const used = async () => (await store.usage(await store.getKey(credential.id).then((k) => k!))).rateUsed;
  const fields = () => redis.hgetall(names.rate(credential.id));
  return {
    clock,
    store,
    run,
    used,
    fields,
    id: credential.id,
    rateKey: names.rate(credential.id),
    geometry: windowGeometry(windowSec),
  };
}

describe('consume-3.lua leases', () => {
  it('grants at most a fair share of the headroom, counted as used at once, valid until the lease or the bucket ends', async () => {
    const { clock, run, used, fields, geometry } = await setup(100);
    const first = await run({ cost: RATE, lease: { ...LEASE, wanted: 100 } });
    // 1 call + floor(99 / 8) = 12 permits
    expect(first).toMatchObject({ status: 0, leased: 12, leaseBucket: T0 / geometry.bucketMs, leaseUntil: T0 + 250 });
    expect(first.rateCount).toBe(13);
    expect(await used()).toBe(13);
    expect(await fields()).toEqual({ [String(T0 / geometry.bucketMs)]: '13', [`l${T0 / geometry.bucketMs}`]: '12' });

    // 100 ms before the bucket ends: the lease ends with it, and is scaled to its shorter life.
    clock.set(T0 + geometry.bucketMs - 100);
    const late = await run({ cost: RATE, lease: { ...LEASE, wanted: 20 } });
    expect(late).toMatchObject({ leased: 8, leaseUntil: T0 + geometry.bucketMs });
  });

  it('grants nothing near the limit (exact mode) and nothing with a refusal', async () => {
    const { run, used } = await setup(20);
    // headroom after the call 19: 19 / 8 = 2 < minLease 4
    expect(await run({ cost: RATE, lease: { ...LEASE, wanted: 50 } })).toMatchObject({ status: 0, leased: 0 });
    for (let i = 0; i < 19; i++) await run({ cost: RATE });
    expect(await run({ cost: RATE, lease: { ...LEASE, wanted: 50 } })).toMatchObject({ status: 1, leased: 0 });
    expect(await used()).toBe(20);
  });

  it('takes handed-back permits out of their bucket, never more than leased there and not yet returned', async () => {
    const { clock, run, used, fields } = await setup(1000);
    const granted = await run({ cost: RATE, lease: { ...LEASE, wanted: 40 } });
    expect(granted.leased).toBe(40);
    await run({ cost: RATE });
    expect(await used()).toBe(42);
    clock.advance(300);
    // A bogus return larger than the lease is capped by the lease record.
    const back = await run({
      cost: { rate: false, daily: false },
      handBack: { bucket: granted.leaseBucket, permits: 500 },
    });
    expect(back.rateCount).toBe(2);
    expect(await fields()).toEqual({ [String(granted.leaseBucket)]: '2' });
    // A second return of the same permits changes nothing.
    await run({ cost: { rate: false, daily: false }, handBack: { bucket: granted.leaseBucket, permits: 40 } });
    expect(await used()).toBe(2);
  });

  it('ignores a hand-back once its bucket has left the window', async () => {
    const { clock, run, used, geometry } = await setup(1000, 1);
    const granted = await run({ cost: RATE, lease: { ...LEASE, wanted: 40 } });
    expect(granted.leased).toBeGreaterThan(0);
    clock.advance(geometry.windowMs + geometry.bucketMs);
    const fresh = await run({ cost: RATE });
    expect(fresh.rateCount).toBe(1);
    await run({
      cost: { rate: false, daily: false },
      handBack: { bucket: granted.leaseBucket, permits: granted.leased },
    });
    expect(await used()).toBe(1);
  });

  it('resetUsage keeps permits out on leases counted, and a later hand-back never un-counts calls made after the reset', async () => {
    const { run, used, store, id, fields, rateKey } = await setup(1000);
    const granted = await run({ cost: RATE, lease: { ...LEASE, wanted: 40 } });
    for (let i = 0; i < 5; i++) await run({ cost: RATE });
    expect(await used()).toBe(46);
    await store.resetUsage(id);
    expect(await used()).toBe(40); // only what is still out on the lease
    for (let i = 0; i < 3; i++) await run({ cost: RATE });
    expect(await used()).toBe(43);
    // The lease died having spent 10 of its 40 permits: 30 come back, the 3 new calls stay.
    await run({ cost: { rate: false, daily: false }, handBack: { bucket: granted.leaseBucket, permits: 30 } });
    expect(await used()).toBe(13);
    expect(await fields()).toEqual({ [String(granted.leaseBucket)]: '13', [`l${granted.leaseBucket}`]: '10' });
    const ttl = await redis.pttl(rateKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_200);
  });
});
