import type { DailyState, StoredKey } from '../counter-store.js';
import type { HandBack } from '../quota-script.js';

/** Permits of one key leased to this instance: counted as used in Redis when granted. */
export interface Lease {
  keyId: string;
  /** the hash that authenticated the lease: only calls presenting it may spend it */
  keyHash: string;
  /** the connection epoch it was granted in: spent in no other (see connection-epoch.ts) */
  epoch: number;
  key: Readonly<StoredKey>;
  /** permits not spent yet */
  left: number;
  /** the bucket (sub-window) the permits are counted in */
  bucket: number;
  /** monotonic instant at which the lease dies (exclusive): no later than the end of `bucket` */
  deadline: number;
  /** the script's clock at grant, and this instance's monotonic clock when the request was sent */
  grantNow: number;
  sentAt: number;
  /** the rate state Redis reported at grant (leased permits counted as used) */
  limit: number;
  windowSec: number;
  remaining: number;
  daily: Readonly<DailyState>;
}

/**
 * The leases this instance holds, one per key at most, and the unused permits of dead leases
 * waiting to be handed back. A lease dies (expires, is retired or dropped) before any of its
 * permits is handed back, so a returned permit can never be spent too. Synchronous: each method
 * is atomic with respect to every call on this instance.
 */
export class LeasePool {
  private readonly leases = new Map<string, Lease>();
  private readonly returns = new Map<string, HandBack[]>();

  /** Spends one permit of the key's lease if it is alive, for this hash; the lease, or null. */
  take(id: string, keyHash: string, now: number, epoch: number): Lease | null {
    const lease = this.leases.get(id);
    if (lease === undefined) return null;
    if (now >= lease.deadline || lease.epoch !== epoch) {
      this.retire(id);
      return null;
    }
    if (lease.keyHash !== keyHash) return null;
    lease.left -= 1;
    if (lease.left <= 0) this.leases.delete(id);
    return lease;
  }

  install(lease: Lease): void {
    this.retire(lease.keyId);
    if (lease.left > 0) this.leases.set(lease.keyId, lease);
  }

  /** Ends the key's lease now; its unused permits wait to be handed back. */
  retire(id: string): void {
    const lease = this.leases.get(id);
    if (lease === undefined) return;
    this.leases.delete(id);
    if (lease.left <= 0) return;
    const pending = this.returns.get(id) ?? [];
    const same = pending.find((handBack) => handBack.bucket === lease.bucket);
    if (same === undefined) pending.push({ bucket: lease.bucket, permits: lease.left });
    else same.permits += lease.left;
    this.returns.set(id, pending);
  }

  /** Ends every lease now (Redis failed or the connection closed). */
  retireAll(): void {
    for (const id of [...this.leases.keys()]) this.retire(id);
  }

  /** Ends the leases whose deadline has passed. */
  expire(now: number): void {
    for (const [id, lease] of [...this.leases]) if (now >= lease.deadline) this.retire(id);
  }

  /** Ends the key's lease without handing anything back (a revoked key). */
  drop(id: string): void {
    this.leases.delete(id);
  }

  /** A hand-back that rode along with a call the script refused before applying it. */
  requeue(id: string, handBack: HandBack): void {
    const pending = this.returns.get(id) ?? [];
    pending.push(handBack);
    this.returns.set(id, pending);
  }

  /** One pending hand-back of the key, to ride along with its next script call. */
  takeReturn(id: string): HandBack | undefined {
    const pending = this.returns.get(id);
    const handBack = pending?.pop();
    if (pending !== undefined && pending.length === 0) this.returns.delete(id);
    return handBack;
  }

  /** Every pending hand-back (of `id` only, when given), removed from the pool. */
  drainReturns(id?: string): Array<[string, HandBack]> {
    const drained: Array<[string, HandBack]> = [];
    for (const [key, pending] of [...this.returns]) {
      if (id !== undefined && key !== id) continue;
      for (const handBack of pending) drained.push([key, handBack]);
      this.returns.delete(key);
    }
    return drained;
  }

  get idle(): boolean {
    return this.leases.size === 0 && this.returns.size === 0;
  }

  get size(): number {
    return this.leases.size;
  }
}
