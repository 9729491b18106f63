/**
 * The knobs of the permit scheme (see ../permits.md). Defaults suit a hot key served by a few
 * instances; tests shrink or disable them.
 */
export interface PermitOptions {
  /** false: every guarded call is one exact script call (no leases) */
  enabled: boolean;
  /**
   * Longest life of a lease, ms. It bounds how long a revoked key can still be admitted from a
   * lease taken before the revocation, and how long leased permits can sit unused. At most 1000.
   */
  leaseMs: number;
  /** A lease takes at most 1/fairShare of the headroom left after the call that asks (≥ 2). */
  fairShare: number;
  /** The smallest lease worth granting; near the limit, smaller ones mean exact mode. */
  minLease: number;
  /** A key is hot on an instance when each of its last two slots saw this many calls. */
  hotCallsPerSlot: number;
  slotMs: number;
  /** Leases are sized for this many times the calls expected during their life. */
  overProvision: number;
  /** Upper bound of one lease, whatever the rate. */
  maxLease: number;
}

export const DEFAULT_PERMIT_OPTIONS: Readonly<PermitOptions> = Object.freeze({
  enabled: true,
  leaseMs: 250,
  fairShare: 8,
  minLease: 4,
  hotCallsPerSlot: 16,
  slotMs: 250,
  overProvision: 1.25,
  maxLease: 100_000,
});

/** Defaults overridden by `partial` (`false` disables leasing), checked once. */
export function permitOptions(partial: Partial<PermitOptions> | false | undefined): PermitOptions {
  if (partial === false) return { ...DEFAULT_PERMIT_OPTIONS, enabled: false };
  const options = { ...DEFAULT_PERMIT_OPTIONS, ...partial };
  const problems: string[] = [];
  if (!(options.leaseMs >= 1 && options.leaseMs <= 1000)) problems.push('leaseMs must be within 1..1000');
  if (!(options.fairShare >= 2)) problems.push('fairShare must be at least 2');
  if (!(Number.isInteger(options.minLease) && options.minLease >= 1)) problems.push('minLease must be an integer ≥ 1');
  if (!(options.hotCallsPerSlot >= 1 && options.slotMs >= 1)) problems.push('hot-key thresholds must be positive');
  if (!(options.overProvision >= 1 && options.maxLease >= options.minLease)) problems.push('lease sizing is invalid');
  if (problems.length > 0) throw new Error(`invalid permit options: ${problems.join('; ')}`);
  return options;
}

/** Permits worth asking for, for a key called `callsPerMs` times per ms on this instance. */
export function leaseWanted(callsPerMs: number, options: PermitOptions): number {
  const expected = callsPerMs * options.leaseMs * options.overProvision;
  return Math.min(options.maxLease, Math.max(options.minLease, Math.ceil(expected)));
}
