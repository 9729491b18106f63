import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { isStarted } from './state.js';
import { getTracer } from './tracer.js';

/** W3C trace context (`traceparent`, maybe `tracestate`) carried in a job's data. */
export type TraceCarrier = Record<string, string>;

/**
 * The submitting request's trace context, to store with a job; undefined when there is none
 * (telemetry off: the API's propagator injects nothing, and no field is added to the job).
 */
export function currentTraceCarrier(): TraceCarrier | undefined {
  if (!isStarted() || trace.getSpan(context.active()) === undefined) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'] === undefined ? undefined : carrier;
}

/** Reads a carrier back from a job's stored data, ignoring anything malformed. */
export function traceCarrierOf(value: unknown): TraceCarrier | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const carrier: TraceCarrier = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === 'string') carrier[key] = field;
  return carrier['traceparent'] === undefined ? undefined : carrier;
}

/**
 * Runs a job inside a `job <kind>` span: a child of the submitting request's span (carried in the
 * job's data) and linked to it, so a trace backend shows the request and its job as one trace.
 */
export function runInJobSpan<T>(
  job: { kind: string; id: string; attempt: number; trace: TraceCarrier | undefined },
  run: () => Promise<T>,
): Promise<T> {
  if (!isStarted()) return run();
  const parent = job.trace === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, job.trace);
  const parentSpan = trace.getSpanContext(parent);
  const links: Link[] = parentSpan === undefined ? [] : [{ context: parentSpan }];
  const attributes = { 'tollgate.job.kind': job.kind, 'tollgate.job.id': job.id, 'tollgate.job.attempt': job.attempt };
  return getTracer().startActiveSpan(
    `job ${job.kind}`,
    { kind: SpanKind.CONSUMER, attributes, links },
    parent,
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
