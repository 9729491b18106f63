import type {
  AdminRedisHealth,
  CounterBackendHealth,
  HealthBody,
  HealthStatus,
  QueueBackendHealth,
} from '@tollgate/shared';
import type { Deps } from '../deps.js';
import { VERSION } from '../version.js';
import { settleWithin } from '../with-timeout.js';

/** Every probe a health request makes is bounded by this, so health never hangs on a hung Redis. */
export const PROBE_TIMEOUT_MS = 800;

export interface BackendsReport {
  counter: CounterBackendHealth;
  queue: QueueBackendHealth;
}

/** Probes both backends live (never a cached state), in parallel, each bounded. */
export async function probeBackends(deps: Deps): Promise<BackendsReport> {
  const { counters, queue } = deps;
  const [counterStatus, queueStatus, depth] = await Promise.all([
    settleWithin(counters.status(), PROBE_TIMEOUT_MS, 'disconnected' as const),
    settleWithin(queue.status(), PROBE_TIMEOUT_MS, 'disconnected' as const),
    settleWithin(queue.depth(), PROBE_TIMEOUT_MS, null),
  ]);
  return {
    counter: { status: counterStatus, backend: counters.kind },
    queue: {
      status: queueStatus,
      backend: queue.kind,
      queue_depth: queueStatus === 'disconnected' ? null : depth,
    },
  };
}

export function overallStatus(report: BackendsReport): HealthStatus {
  const statuses = [report.counter.status, report.queue.status];
  if (statuses.includes('disconnected')) return 'unhealthy';
  if (statuses.includes('in-memory')) return 'degraded';
  return 'healthy';
}

export function warningsOf(report: BackendsReport): string[] {
  const warnings: string[] = [];
  if (report.counter.backend === 'memory') {
    warnings.push('DEMO_MODE: in-memory counters; rate limits and quotas are per process and lost on restart');
  }
  if (report.queue.backend === 'memory') {
    warnings.push('DEMO_MODE: in-memory queue; jobs are not durable and are lost on restart');
  }
  if (report.counter.status === 'disconnected') warnings.push('Redis counter backend is unreachable');
  if (report.queue.status === 'disconnected') warnings.push('Redis queue service is unreachable');
  return warnings;
}

export function healthBody(deps: Deps, report: BackendsReport): HealthBody {
  return {
    status: overallStatus(report),
    version: VERSION,
    environment: deps.config.environment,
    demo_mode: deps.config.demoMode,
    redis: report.counter,
    queue: report.queue,
    warnings: warningsOf(report),
  };
}

export async function readHealth(deps: Deps): Promise<HealthBody> {
  return healthBody(deps, await probeBackends(deps));
}

export function adminRedisHealthBody(deps: Deps, report: BackendsReport): AdminRedisHealth {
  return { counter_backend: report.counter, queue_service: report.queue, demo_mode: deps.config.demoMode };
}

export async function readAdminRedisHealth(deps: Deps): Promise<AdminRedisHealth> {
  return adminRedisHealthBody(deps, await probeBackends(deps));
}

/** 503 when unhealthy, 200 otherwise (degraded demo mode included). */
export function httpStatusOf(body: { status: HealthStatus }): 200 | 503 {
  return body.status === 'unhealthy' ? 503 : 200;
}
