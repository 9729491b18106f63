import type {
  AdminRedisHealth,
  CounterBackendHealth,
  HealthBody,
  HealthStatus,
  QueueBackendHealth,
} from '@tollgate/shared';
import type { Deps } from '../deps.js';
import { pingRedis } from '../redis/redis-client.js';
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

/** `Accept` media type of the IETF health-check draft (draft-inadarei-api-health-check). */
export const HEALTH_JSON = 'application/health+json';

export type HealthJsonStatus = 'pass' | 'warn' | 'fail';

/** One entry of `checks` in the health-check draft. */
export interface HealthJsonCheck {
  componentId: string;
  componentType: 'datastore' | 'component';
  status: HealthJsonStatus;
  time: string;
  observedValue?: number;
  observedUnit?: string;
  output?: string;
}

/** The `/health` body for `Accept: application/health+json`. */
export interface HealthJsonBody {
  status: HealthJsonStatus;
  version: string;
  releaseId: string;
  serviceId: string;
  description: string;
  notes: string[];
  output?: string;
  checks: { 'redis:responseTime': HealthJsonCheck[]; 'queue:depth': HealthJsonCheck[] };
}

/** Round trip of a PING on the command connection (on a cluster, of every master), in ms; null when it fails or times out. */
async function pingMs(deps: Deps): Promise<number | null> {
  const redis = deps.redis;
  if (redis === null) return null;
  const timed = async () => {
    const started = performance.now();
    await pingRedis(redis);
    return Math.round((performance.now() - started) * 100) / 100;
  };
  return settleWithin(timed(), PROBE_TIMEOUT_MS, null);
}

/**
 * The health-check draft's format: `fail` when the plain body is unhealthy (HTTP 503), `warn` in
 * demo mode (and on in-memory backends), `pass` otherwise; `checks` with Redis's response time
 * and the queue's depth. Probes are live and bounded, as for the plain body.
 */
export async function readHealthJson(deps: Deps): Promise<{ body: HealthJsonBody; httpStatus: 200 | 503 }> {
  const [report, responseMs] = await Promise.all([probeBackends(deps), pingMs(deps)]);
  const plain = healthBody(deps, report);
  const time = new Date().toISOString();
  const status: HealthJsonStatus =
    plain.status === 'unhealthy' ? 'fail' : plain.status === 'degraded' || plain.demo_mode ? 'warn' : 'pass';
  const notes = [...plain.warnings];
  if (plain.demo_mode) notes.unshift('DEMO_MODE is on: not for production use');

  const redisCheck: HealthJsonCheck =
    report.counter.backend === 'memory'
      ? {
          componentId: 'memory',
          componentType: 'datastore',
          status: 'warn',
          time,
          output: 'DEMO_MODE: no Redis, in-memory counters',
        }
      : report.counter.status === 'connected' && responseMs !== null
        ? {
            componentId: 'redis',
            componentType: 'datastore',
            status: 'pass',
            time,
            observedValue: responseMs,
            observedUnit: 'ms',
          }
        : { componentId: 'redis', componentType: 'datastore', status: 'fail', time, output: 'Redis is unreachable' };
  const depth = report.queue.queue_depth;
  const queueCheck: HealthJsonCheck = {
    componentId: report.queue.backend === 'memory' ? 'memory-queue' : 'bullmq',
    componentType: 'component',
    status: report.queue.status === 'disconnected' ? 'fail' : report.queue.backend === 'memory' ? 'warn' : 'pass',
    time,
    ...(depth === null
      ? { output: 'queue depth unknown: Redis is unreachable' }
      : { observedValue: depth, observedUnit: 'jobs' }),
  };
  const body: HealthJsonBody = {
    status,
    version: VERSION.split('.')[0] ?? VERSION,
    releaseId: VERSION,
    serviceId: 'tollgate',
    description: `Tollgate (${deps.config.environment})`,
    notes,
    ...(status === 'pass' ? {} : { output: notes.join('; ') }),
    checks: { 'redis:responseTime': [redisCheck], 'queue:depth': [queueCheck] },
  };
  return { body, httpStatus: httpStatusOf(plain) };
}

/**
 * Whether an `Accept` header asks for the health-check format: `application/health+json` named
 * with a quality above 0 and not below that of `application/json` (the default body).
 */
export function wantsHealthJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let health = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(quality)) continue;
    if (type === HEALTH_JSON) health = Math.max(health, quality);
    else if (type === 'application/json') json = Math.max(json, quality);
  }
  return health > 0 && health >= json;
}
