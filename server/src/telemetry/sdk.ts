import { createRequire } from 'node:module';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { VERSION } from '../version.js';
import type { TelemetryOptions } from './telemetry.js';

/**
 * The OpenTelemetry SDK, loaded by `startTelemetry` only when OTEL_ENABLED is true. The OTLP
 * exporters read the standard variables themselves (OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS,
 * _TRACES_*, _METRICS_*, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES); the protocol is
 * http/protobuf (the default) or http/json.
 */
export async function startSdk(options: TelemetryOptions): Promise<{ shutdown(): Promise<void> }> {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'tollgate', [ATTR_SERVICE_VERSION]: VERSION }))
    .merge(detectResources({ detectors: [envDetector] }));

  const spanProcessor: SpanProcessor =
    options.spanExporter !== undefined
      ? new SimpleSpanProcessor(options.spanExporter)
      : new BatchSpanProcessor(json('TRACES') ? new OtlpJsonTraceExporter() : new OtlpProtoTraceExporter());
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global tracer provider, AsyncLocalStorage context and W3C trace-context propagation.
  tracerProvider.register();

  const metricReader =
    options.metricReader ??
    new PeriodicExportingMetricReader({
      exporter: json('METRICS') ? new OtlpJsonMetricExporter() : new OtlpProtoMetricExporter(),
    });
  const meterProvider = new MeterProvider({ resource, readers: [metricReader] });
  metrics.setGlobalMeterProvider(meterProvider);

  const unpatchIoredis = instrumentIoredis(tracerProvider);

  return {
    async shutdown() {
      unpatchIoredis();
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function json(signal: 'TRACES' | 'METRICS'): boolean {
  // The SDK's exporters read OTEL_* themselves; which exporter to load is ours to pick.
  const env = process.env;
  const protocol = env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'];
  return protocol?.trim() === 'http/json';
}

/**
 * Redis command spans (only inside another span: BullMQ's polling stays quiet), named by command. ioredis is a
 * CommonJS module that the ESM entry points loaded before the SDK started, so the require hook
 * of the instrumentation never sees it: its patch is applied to the loaded module, whose
 * prototype every client (cluster nodes included) shares.
 */
function instrumentIoredis(tracerProvider: NodeTracerProvider): () => void {
  const instrumentation = new IORedisInstrumentation({
    enabled: false,
    requireParentSpan: true,
    // The command's name only: its arguments hold key hashes, documents and cached answers.
    dbStatementSerializer: (command) => command,
  });
  instrumentation.setTracerProvider(tracerProvider);
  const require = createRequire(import.meta.url);
  const ioredis: unknown = require('ioredis');
  const version = (require('ioredis/package.json') as { version: string }).version;
  const definitions = instrumentation.getModuleDefinitions();
  for (const definition of definitions) definition.patch?.(ioredis, version);
  return () => {
    for (const definition of definitions) definition.unpatch?.(ioredis, version);
  };
}
