import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { createTestApp, type Backend, type TestApp } from '../../src/test-support/test-app.js';
import { observeCache } from '../../src/telemetry/metrics.js';
import { isStarted, startTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { createKey, submitJob, waitForFinished } from './helpers.js';

/** Spans of one name, waiting a little for those that end after the job is marked finished. */
async function spansNamed(exporter: InMemorySpanExporter, name: string, timeoutMs = 2000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = exporter.getFinishedSpans().filter((span) => span.name === name);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each<Backend>(['memory', 'redis'])(
  'OTEL_ENABLED: one trace from jobs.submit to the worker (%s)',
  (backend) => {
    let telemetry: Telemetry;
    let redis: TestRedisServer | undefined;
    let test: TestApp;
    let worker: RunningWorker;
    // Its own per run: the SDK's shutdown stops the exporter it was given.
    const exporter = new InMemorySpanExporter();
    const metricReader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });

    /** The current value of a counter (summed over its attribute sets), undefined if never recorded. */
    async function counterValue(name: string): Promise<number | undefined> {
      const { resourceMetrics } = await metricReader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((m) => m.descriptor.name === name);
      return metric?.dataPoints.reduce((sum, point) => sum + (point.value as number), 0);
    }

    beforeAll(async () => {
      telemetry = await startTelemetry({ otelEnabled: true }, { spanExporter: exporter, metricReader });
      if (backend === 'redis') redis = await TestRedisServer.start();
      test = await createTestApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
      worker = test.deps.queue.startWorker(1);
      observeCache(test.deps.cache);
    });

    afterAll(async () => {
      await worker?.close();
      await test?.close();
      await redis?.stop();
      await telemetry?.shutdown();
      expect(isStarted()).toBe(false);
    });

    afterEach(() => exporter.reset());

    it('links the worker span to the submitting call through the job', async () => {
      expect(isStarted()).toBe(true);
      const apiKey = await createKey(test.app);
      exporter.reset();
      const jobId = await submitJob(test.app, apiKey);
      const job = await waitForFinished(test.deps.queue, jobId);
      expect(job.state).toBe('completed');
      // The trace context rides with the job but is never part of what a job shows.
      expect(job.input).toEqual({ schema: { type: 'integer' }, documents: [1, 'two'] });

      const [submit] = await spansNamed(exporter, 'trpc jobs.submit');
      const [run] = await spansNamed(exporter, 'job validate');
      expect(submit).toBeDefined();
      expect(run).toBeDefined();
      const submitContext = submit!.spanContext();
      expect(submit!.attributes['trpc.path']).toBe('jobs.submit');
      expect(submit!.attributes['trpc.type']).toBe('mutation');
      // One trace: the job's span is a child of the submit span, and linked to it.
      expect(run!.spanContext().traceId).toBe(submitContext.traceId);
      expect(run!.parentSpanContext?.spanId).toBe(submitContext.spanId);
      expect(run!.links.map((link) => link.context.spanId)).toEqual([submitContext.spanId]);
      expect(run!.attributes['tollgate.job.id']).toBe(jobId);
      const traces = new Set([submit!, run!].map((span) => span.spanContext().traceId));
      expect(traces.size).toBe(1);

      if (backend === 'redis') {
        // Redis commands made during the call are spans of the same trace (ioredis instrumentation).
        const redisSpans = exporter
          .getFinishedSpans()
          .filter(
            (span) =>
              span.attributes['db.system.name'] === 'redis' && span.spanContext().traceId === submitContext.traceId,
          );
        expect(redisSpans.length).toBeGreaterThan(0);
        // Commands are named, never spelled out with their arguments (keys, hashes, values).
        for (const span of redisSpans) expect(span.attributes['db.query.text']).toBe(span.name);
      }
    });

    it("puts a call in its caller's trace (traceparent)", async () => {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const response = await test.app.inject({
        method: 'GET',
        url: '/trpc/health.check',
        headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      });
      expect(response.statusCode).toBe(200);
      const [span] = await spansNamed(exporter, 'trpc health.check');
      expect(span?.spanContext().traceId).toBe(traceId);
      expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    });

    it('records the code of a failing call', async () => {
      const response = await test.app.inject({
        method: 'POST',
        url: '/trpc/jobs.submit',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(response.statusCode).toBe(401);
      const [span] = await spansNamed(exporter, 'trpc jobs.submit');
      expect(span?.attributes['trpc.code']).toBe('UNAUTHORIZED');
    });

    it('counts quota decisions and reads the cache counters', async () => {
      const apiKey = await createKey(test.app);
      const admittedBefore = (await counterValue('tollgate.quota.admitted')) ?? 0;
      await submitJob(test.app, apiKey);
      expect(await counterValue('tollgate.quota.admitted')).toBe(admittedBefore + 1);
      const stats = test.deps.cache.stats();
      expect(await counterValue('tollgate.cache.hits')).toBe(stats.hits);
      expect(await counterValue('tollgate.cache.misses')).toBe(stats.misses);
    });
  },
);
