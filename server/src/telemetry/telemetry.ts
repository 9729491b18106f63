import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.js';
import { resetMetrics } from './metrics.js';
import { markStarted } from './state.js';
import { resetTracer } from './tracer.js';

/** What tests (or a host) may hand to the SDK instead of the OTLP exporters. */
export interface TelemetryOptions {
  /** replaces the OTLP span exporter; spans are then exported one by one (no batching) */
  spanExporter?: SpanExporter;
  /** replaces the periodic OTLP metric reader */
  metricReader?: MetricReader;
}

export interface Telemetry {
  /** flushes what is buffered and stops the SDK; a no-op when telemetry is off */
  shutdown(): Promise<void>;
}

/** How long a shutdown waits for the last spans and metrics to go out. */
const SHUTDOWN_BUDGET_MS = 1500;

const OFF: Telemetry = { shutdown: () => Promise.resolve() };

let running: Telemetry | null = null;

export { isStarted } from './state.js';

/**
 * Starts OpenTelemetry when `OTEL_ENABLED` is true: the SDK (tracer and meter providers, OTLP
 * exporters configured by the standard `OTEL_EXPORTER_OTLP_*` variables, W3C propagation, the
 * ioredis instrumentation) is imported here, dynamically, and only then. Off, nothing is loaded:
 * the code paths use `@opentelemetry/api`, whose no-op tracer and meter cost next to nothing.
 * Call it first, before the app is built; call the returned `shutdown` on SIGTERM.
 */
export async function startTelemetry(
  config: Pick<Config, 'otelEnabled'>,
  options: TelemetryOptions = {},
): Promise<Telemetry> {
  if (!config.otelEnabled) return OFF;
  if (running !== null) return running;
  const { startSdk } = await import('./sdk.js');
  const sdk = await startSdk(options);
  const telemetry: Telemetry = {
    async shutdown() {
      if (running !== telemetry) return;
      running = null;
      markStarted(false);
      resetMetrics();
      resetTracer();
      // Bounded: an unreachable collector must not eat the 10 s a stopping process has.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_BUDGET_MS);
      });
      await Promise.race([sdk.shutdown(), deadline]);
      clearTimeout(timer);
    },
  };
  running = telemetry;
  markStarted(true);
  return telemetry;
}
