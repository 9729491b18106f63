import type { Clock } from '../../clock.js';
import type { ConsumeResult, QuotaCost } from '../counter-store.js';
import {
  consumeResultOf,
  type HandBack,
  type RunQuotaScript,
  type ScriptOutcome,
  type ScriptRequest,
} from '../quota-script.js';
import { CallRates } from './call-rates.js';
import { LeasePool } from './lease-pool.js';
import { leaseWanted, type PermitOptions } from './permit-policy.js';

/** What the dispenser did since it started (for tests, benchmarks and metrics). */
export interface PermitStats {
  /** calls admitted from a local lease, without Redis */
  localAdmissions: number;
  /** script calls made for guarded calls (exact ones and lease renewals) */
  scriptCalls: number;
  leasesGranted: number;
  permitsLeased: number;
  /** permits sent back (piggybacked or standalone; Redis ignores what no longer counts) */
  permitsReturned: number;
  /** standalone hand-back script calls (a key that went quiet) */
  handBackCalls: number;
}

export interface PermitDispenserOptions {
  run: RunQuotaScript;
  /** this instance's monotonic clock (the injected clock in tests) */
  mono: Clock;
  options: PermitOptions;
  /** the connection's epoch, null while it is not ready (see connection-epoch.ts) */
  connection: () => number | null;
}

const NO_COST: QuotaCost = { rate: false, daily: false };

/**
 * Guarded calls for the Redis store: exact per-call script calls, except for keys that are hot
 * on this instance, whose calls are admitted from short leases of permits counted in Redis when
 * granted (see ../permits.md for the scheme and the proof that no window over-admits).
 */
export function createPermitDispenser({ run, mono, options, connection }: PermitDispenserOptions) {
  const pool = new LeasePool();
  const rates = new CallRates(options.slotMs, options.hotCallsPerSlot);
  const renewals = new Map<string, Promise<ScriptOutcome>>();
  const stats: PermitStats = {
    localAdmissions: 0,
    scriptCalls: 0,
    leasesGranted: 0,
    permitsLeased: 0,
    permitsReturned: 0,
    handBackCalls: 0,
  };
  /** standalone hand-backs on their way, so that sweep() can wait for every one of them */
  const handingBack = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Every script call goes through here: a failure ends every lease at once (fail closed). */
  async function call(id: string, keyHash: string, request: ScriptRequest): Promise<ScriptOutcome> {
    if (request.handBack !== undefined) stats.permitsReturned += request.handBack.permits;
    try {
      return await run(id, keyHash, request);
    } catch (error) {
      pool.retireAll();
      arm();
      throw error;
    }
  }

  function local(id: string, keyHash: string): ConsumeResult | null {
    const epoch = connection();
    if (epoch === null) return null;
    const lease = pool.take(id, keyHash, mono(), epoch);
    if (lease === null) {
      arm();
      return null;
    }
    stats.localAdmissions += 1;
    const now = lease.grantNow + (mono() - lease.sentAt);
    const rate = { limit: lease.limit, windowSec: lease.windowSec, remaining: lease.remaining, resetAt: now };
    return { outcome: 'admitted', key: lease.key, rate, daily: lease.daily, now };
  }

  /**
   * An unknown hash or a revoked key: the script stopped before applying a piggybacked hand-back,
   * which goes back in the queue for the sweep (trusted, no hash). A revoked key's lease ends.
   */
  function refused(id: string, outcome: ScriptOutcome, handBack: HandBack | undefined): void {
    if (outcome === 'revoked') pool.drop(id);
    if (handBack !== undefined && (outcome === 'revoked' || outcome === 'unknown')) {
      pool.requeue(id, handBack);
      arm();
    }
  }

  async function exact(id: string, keyHash: string, cost: QuotaCost): Promise<ConsumeResult> {
    stats.scriptCalls += 1;
    const handBack = pool.takeReturn(id);
    const outcome = await call(id, keyHash, { cost, ...(handBack === undefined ? {} : { handBack }) });
    refused(id, outcome, handBack);
    return consumeResultOf(outcome);
  }

  /** One call plus a lease request, in one script call; concurrent calls of the key wait for it. */
  async function renew(id: string, keyHash: string, cost: QuotaCost, callsPerMs: number): Promise<ConsumeResult> {
    stats.scriptCalls += 1;
    const handBack = pool.takeReturn(id);
    const lease = {
      wanted: leaseWanted(callsPerMs, options),
      leaseMs: options.leaseMs,
      fairShare: options.fairShare,
      minLease: options.minLease,
    };
    const epoch = connection();
    const pending = call(id, keyHash, { cost, lease, ...(handBack === undefined ? {} : { handBack }) });
    renewals.set(id, pending);
    let outcome: ScriptOutcome;
    try {
      outcome = await pending;
    } finally {
      renewals.delete(id);
    }
    const result = consumeResultOf(outcome);
    refused(id, outcome, handBack);
    if (typeof outcome === 'object' && outcome.leased > 0 && result.outcome === 'admitted') {
      stats.leasesGranted += 1;
      stats.permitsLeased += outcome.leased;
      pool.install({
        keyId: id,
        keyHash,
        epoch: epoch ?? -1,
        key: Object.freeze({ ...outcome.key, rateLimit: Object.freeze({ ...outcome.key.rateLimit }) }),
        left: outcome.leased,
        bucket: outcome.leaseBucket,
        // The script ran after sentAt: this deadline comes no later than leaseUntil on its clock.
        deadline: outcome.sentAt + (outcome.leaseUntil - outcome.now),
        grantNow: outcome.now,
        sentAt: outcome.sentAt,
        limit: result.rate.limit,
        windowSec: result.rate.windowSec,
        remaining: result.rate.remaining,
        daily: Object.freeze(result.daily),
      });
      if (closed) await settle(id);
      else arm();
    }
    return result;
  }

  /** A call admitted from a lease is answered at once: no promise, no turn of the microtask queue. */
  function consume(id: string, keyHash: string, cost: QuotaCost): ConsumeResult | Promise<ConsumeResult> {
    // The daily job quota (jobs.submit, low volume) and reads stay exact, per call.
    if (!options.enabled || closed || !cost.rate || cost.daily) return exact(id, keyHash, cost);
    rates.note(id, mono());
    return local(id, keyHash) ?? consumeWaiting(id, keyHash, cost);
  }

  /** consume when the lease had no permit: wait for a renewal under way, renew, or one exact call. */
  async function consumeWaiting(id: string, keyHash: string, cost: QuotaCost): Promise<ConsumeResult> {
    const pending = renewals.get(id);
    if (pending !== undefined) {
      await pending; // its failure is this call's failure: fail closed, no second wait
      const admitted = local(id, keyHash);
      if (admitted !== null) return admitted;
    }
    const callsPerMs = rates.hotRate(id, mono());
    // One renewal per key at a time: while another call's is under way, this call is exact.
    if (!renewals.has(id) && callsPerMs > 0 && connection() !== null) return renew(id, keyHash, cost, callsPerMs);
    return exact(id, keyHash, cost);
  }

  /**
   * Ends expired leases and hands back every pending return (a failed hand-back is dropped: its
   * permits stay counted until they leave the window). Resolves once every hand-back under way,
   * including the timer's, has been answered.
   */
  async function sweep(id?: string): Promise<void> {
    pool.expire(mono());
    for (const [key, handBack] of pool.drainReturns(id)) {
      stats.handBackCalls += 1;
      const sent = call(key, '', { cost: NO_COST, handBack }).catch(() => undefined);
      handingBack.add(sent);
      void sent.finally(() => handingBack.delete(sent));
    }
    await Promise.all([...handingBack]);
  }

  /** Ends the key's lease and hands its unused permits back now. */
  async function settle(id: string): Promise<void> {
    pool.retire(id);
    await sweep(id);
  }

  /** A timer while leases or returns exist, so a key that goes quiet hands its permits back. */
  function arm(): void {
    if (timer !== undefined || closed || pool.idle) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        void sweep().finally(arm);
      },
      Math.max(1, options.leaseMs / 2),
    );
    timer.unref();
  }

  return {
    consume,
    sweep,
    stats: (): PermitStats => ({ ...stats }),
    /** leases held right now */
    get leases(): number {
      return pool.size;
    },
    /** The key was revoked here: stop spending its lease at once. */
    forget(id: string): void {
      pool.drop(id);
    },
    settle,
    async close(): Promise<void> {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pool.retireAll();
      await sweep();
    },
  };
}

export type PermitDispenser = ReturnType<typeof createPermitDispenser>;
