import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../src/queue/job-queue.js';
import { createTestApp, type TestApp } from '../../src/test-support/test-app.js';
import { isStarted, startTelemetry } from '../../src/telemetry/telemetry.js';
import { createKey, submitJob, waitForFinished } from './helpers.js';

/** Where `@opentelemetry/api` keeps what an SDK registers (tracer provider, context manager…). */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

describe('OTEL_ENABLED unset: nothing loaded, nothing recorded', () => {
  let test: TestApp;
  let worker: RunningWorker;

  beforeAll(async () => {
    test = await createTestApp({ backend: 'memory' });
    expect(test.deps.config.otelEnabled).toBe(false);
    await startTelemetry(test.deps.config);
    worker = test.deps.queue.startWorker(1);
  });

  afterAll(async () => {
    await worker?.close();
    await test?.close();
  });

  it('starts no SDK and leaves spans non-recording', async () => {
    expect(isStarted()).toBe(false);
    const registered = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBAL];
    expect(registered?.['trace']).toBeUndefined();
    expect(registered?.['context']).toBeUndefined();
    expect(registered?.['propagation']).toBeUndefined();
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();

    const apiKey = await createKey(test.app);
    const job = await waitForFinished(test.deps.queue, await submitJob(test.app, apiKey));
    expect(job.state).toBe('completed');
  });
});
