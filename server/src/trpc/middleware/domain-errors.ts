import type { TRPCError } from '@trpc/server';
import { context, propagation, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { toTRPCError } from '../../errors.js';
import { isStarted } from '../../telemetry/state.js';
import { getTracer } from '../../telemetry/tracer.js';
import { t } from '../init.js';

/**
 * The one place where domain errors below a procedure become tRPC codes: a Redis outage is
 * SERVICE_UNAVAILABLE (fail closed, HTTP 503), invalid input found past zod is BAD_REQUEST, a
 * running job is CONFLICT (see `toTRPCError`). With OTEL_ENABLED, each call is also one span,
 * `trpc <path>`, in the caller's trace when it sends `traceparent` (no extra middleware level:
 * each costs tRPC a copy of the call's options).
 */
export const mapDomainErrors = t.middleware(async function mapDomainErrors(opts) {
  if (!isStarted()) {
    const result = await opts.next();
    const mapped = result.ok ? null : mappedDomainError(result.error);
    if (mapped !== null) throw mapped;
    return result;
  }
  const attributes = { 'rpc.system': 'trpc', 'rpc.method': opts.path, 'trpc.path': opts.path, 'trpc.type': opts.type };
  // A caller that sends W3C `traceparent` gets the call's span in its own trace.
  const headers = opts.ctx.req?.headers;
  const parent = headers?.traceparent === undefined ? context.active() : propagation.extract(context.active(), headers);
  const options = { kind: SpanKind.SERVER, attributes };
  return getTracer().startActiveSpan(`trpc ${opts.path}`, options, parent, async (span) => {
    try {
      const result = await opts.next();
      if (!result.ok) {
        const mapped = mappedDomainError(result.error);
        const error = mapped ?? result.error;
        failed(span, error.code, error.message);
        if (mapped !== null) throw mapped;
      }
      return result;
    } finally {
      span.end();
    }
  });
});

/**
 * The tRPC error a failed call becomes: a domain error tRPC wrapped as INTERNAL_SERVER_ERROR gets
 * its own code; null when the error stands as it is. Shared with the direct calls (direct-call.ts).
 */
export function mappedDomainError(error: TRPCError): TRPCError | null {
  return error.code === 'INTERNAL_SERVER_ERROR' ? toTRPCError(error.cause) : null;
}

function failed(span: Span, code: string, message: string): void {
  span.setAttribute('trpc.code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
