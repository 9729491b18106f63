import { describe, expect, it } from 'vitest';
import { LeasePool, type Lease } from './lease-pool.js';

function lease(overrides: Partial<Lease> = {}): Lease {
  return {
    keyId: 'k_0000000000000001',
    keyHash: 'h',
    epoch: 0,
    key: {
      id: 'k_0000000000000001',
      name: 'n',
      rateLimit: { limit: 100, windowSec: 60 },
      dailyJobQuota: 1,
      createdAt: 0,
      revokedAt: null,
    },
    left: 3,
    bucket: 7,
    deadline: 1000,
    grantNow: 900,
    sentAt: 900,
    limit: 100,
    windowSec: 60,
    remaining: 50,
    daily: { limit: 1, used: 0, remaining: 1, resetAt: 0 },
    ...overrides,
  };
}

describe('LeasePool', () => {
  const id = 'k_0000000000000001';

  it('spends permits until the lease is empty, then has nothing to hand back', () => {
    const pool = new LeasePool();
    pool.install(lease());
    expect([1, 2, 3, 4].map(() => pool.take(id, 'h', 950, 0) !== null)).toEqual([true, true, true, false]);
    expect(pool.takeReturn(id)).toBeUndefined();
    expect(pool.idle).toBe(true);
  });

  it('refuses another hash without spending', () => {
    const pool = new LeasePool();
    pool.install(lease());
    expect(pool.take(id, 'other', 950, 0)).toBeNull();
    expect(pool.take(id, 'h', 950, 0)?.left).toBe(2);
  });

  it('dies at its deadline or on a new connection epoch, and only then offers its unused permits back', () => {
    const pool = new LeasePool();
    pool.install(lease());
    pool.take(id, 'h', 950, 0);
    expect(pool.takeReturn(id)).toBeUndefined();
    expect(pool.take(id, 'h', 1000, 0)).toBeNull();
    expect(pool.take(id, 'h', 950, 0)).toBeNull(); // dead for good
    expect(pool.takeReturn(id)).toEqual({ bucket: 7, permits: 2 });

    pool.install(lease({ bucket: 8 }));
    expect(pool.take(id, 'h', 950, 1)).toBeNull();
    expect(pool.drainReturns()).toEqual([[id, { bucket: 8, permits: 3 }]]);
  });

  it('merges returns of one bucket, keeps others apart, and drops a revoked key’s lease without a return', () => {
    const pool = new LeasePool();
    pool.install(lease());
    pool.install(lease({ left: 2 })); // replaces (and retires) the first
    pool.retire(id);
    pool.install(lease({ bucket: 9, left: 1 }));
    pool.retireAll();
    expect(pool.drainReturns(id)).toEqual([
      [id, { bucket: 7, permits: 5 }],
      [id, { bucket: 9, permits: 1 }],
    ]);
    pool.install(lease());
    pool.drop(id);
    expect(pool.idle).toBe(true);
  });
});
