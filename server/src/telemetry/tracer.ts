import { trace, type Tracer } from '@opentelemetry/api';

let current: Tracer | undefined;

/**
 * The service's tracer, from `@opentelemetry/api` only. Taken once the SDK is registered (a
 * tracer taken before is the API's no-op one for good), so only ever called when `isStarted()`.
 */
export function getTracer(): Tracer {
  return (current ??= trace.getTracer('tollgate'));
}

/** Forgets the tracer of a stopped SDK. */
export function resetTracer(): void {
  current = undefined;
}
