import type { AdminStatus } from '@tollgate/shared';
import type { Deps } from '../deps.js';
import { adminRedisHealthBody, healthBody, probeBackends, PROBE_TIMEOUT_MS } from '../http/health-report.js';
import { settleWithin } from '../with-timeout.js';
import { probeRedis } from './redis-probe.js';
import { ThroughputMeter } from './throughput.js';

const meters = new WeakMap<Deps, ThroughputMeter>();

/**
 * One throughput meter per process (per deps), shared by every dashboard: a page opened later
 * sees the jobs per minute measured so far instead of starting from zero.
 */
export function throughputMeterOf(deps: Deps): ThroughputMeter {
  let meter = meters.get(deps);
  if (meter === undefined) {
    meter = new ThroughputMeter(deps.clock);
    meters.set(deps, meter);
  }
  return meter;
}

/** One dashboard snapshot: health, Redis facts, queue counts and throughput. Never throws. */
export async function readAdminStatus(deps: Deps, meter: ThroughputMeter): Promise<AdminStatus> {
  const [report, redis, counts, paused, finished] = await Promise.all([
    probeBackends(deps),
    probeRedis(deps.redis, PROBE_TIMEOUT_MS),
    settleWithin(deps.queue.counts(), PROBE_TIMEOUT_MS, null),
    settleWithin(deps.queue.isPaused(), PROBE_TIMEOUT_MS, null),
    settleWithin(deps.queue.finishedTotal(), PROBE_TIMEOUT_MS, null),
  ]);
  if (finished !== null) meter.record(finished);
  const health = healthBody(deps, report);
  return {
    at: deps.clock(),
    status: health.status,
    version: health.version,
    environment: health.environment,
    demo_mode: health.demo_mode,
    warnings: health.warnings,
    health: adminRedisHealthBody(deps, report),
    redis,
    queue: { paused, counts, jobsPerMinute: finished === null ? null : meter.perMinute() },
  };
}
