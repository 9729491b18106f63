import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Deps } from '../deps.js';
import { adminOnly } from './admin-auth.js';
import { nearCacheSize } from './cache-report.js';
import { probeBackends } from './health-report.js';

/**
 * Prometheus metrics at /metrics (admin token): process metrics (event-loop delay included), HTTP
 * request durations by route and status, queue depth, Redis up/down, the validation threads and
 * the response cache (hits, misses, evictions, near-cache size). One registry per app, so
 * instances never collide.
 */
export function registerMetrics(app: FastifyInstance, deps: Deps): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'tollgate' });
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  new Gauge({
    name: 'tollgate_backend_up',
    help: '1 when the backend answers (memory backends are always up), 0 when Redis is unreachable',
    labelNames: ['backend', 'kind'] as const,
    registers: [registry],
    async collect() {
      const report = await probeBackends(deps);
      this.set({ backend: 'counters', kind: report.counter.backend }, report.counter.status === 'disconnected' ? 0 : 1);
      this.set({ backend: 'queue', kind: report.queue.backend }, report.queue.status === 'disconnected' ? 0 : 1);
    },
  });

  new Gauge({
    name: 'tollgate_queue_depth',
    help: 'Jobs waiting to run (waiting + delayed + prioritized + paused); NaN while Redis is unreachable',
    registers: [registry],
    async collect() {
      const report = await probeBackends(deps);
      this.set(report.queue.queue_depth ?? Number.NaN);
    },
  });

  // Event-loop delay comes with the default metrics (nodejs_eventloop_lag_*_seconds).
  new Gauge({
    name: 'tollgate_validation_pool_utilization',
    help: "Share of the validation threads' time spent running tasks (0-1) since they started",
    registers: [registry],
    collect() {
      this.set(deps.validation.stats().utilization);
    },
  });
  new Gauge({
    name: 'tollgate_validation_pool_queued',
    help: 'Validation tasks waiting for a thread',
    registers: [registry],
    collect() {
      this.set(deps.validation.stats().queued);
    },
  });
  new Gauge({
    name: 'tollgate_validation_threads',
    help: 'Validation worker threads at most (VALIDATION_THREADS)',
    registers: [registry],
    collect() {
      this.set(deps.validation.stats().threads);
    },
  });

  registerCacheMetrics(registry, deps);

  // a callback hook: an async one costs every request a promise and a turn of the microtask queue
  app.addHook('onResponse', function recordDuration(request, reply, done) {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.get('/metrics', { preHandler: adminOnly(deps) }, async (_request, reply) =>
    reply.header('Content-Type', registry.contentType).send(await registry.metrics()),
  );
  return registry;
}

/** The response cache's counters (since the process started) and this instance's near-cache size. */
function registerCacheMetrics(registry: Registry, deps: Deps): void {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('tollgate_cache_hits_total', 'Response cache reads answered from the cache', () => deps.cache.stats().hits);
  counter(
    'tollgate_cache_near_hits_total',
    "Response cache hits answered from this instance's memory without a Redis round trip",
    () => deps.cache.stats().nearHits,
  );
  counter('tollgate_cache_misses_total', 'Response cache reads that had to compute', () => deps.cache.stats().misses);
  counter(
    'tollgate_cache_evictions_total',
    'Response cache entries removed by evictions',
    () => deps.cache.stats().evictions,
  );
  new Gauge({
    name: 'tollgate_cache_near_entries',
    help: "Entries in this instance's near cache (0 without one)",
    registers: [registry],
    collect() {
      this.set(nearCacheSize(deps.cache) ?? 0);
    },
  });
}
