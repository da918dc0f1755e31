import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from './config';

/**
 * OpenTelemetry tracing for the whole process, on only when an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): spans go out as OTLP/HTTP
 * JSON. Temporal's OpenTelemetry interceptors carry the context from the front door through the
 * task workflow, its children and every activity, so one trace covers one task.
 */

export interface Tracing {
  /** Where workflow spans go (the worker's exporter sink), and activity and front-door spans. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  enabled: boolean;
  flush(): Promise<void>;
}

let installed: Tracing | undefined;

/** Spans are still made (the workflow bundle always traces) and dropped here. */
export function disabledTracing(serviceName = 'sre-agent'): Tracing {
  return { spanProcessor: new NoopSpanProcessor(), resource: new Resource({ 'service.name': serviceName }), enabled: false, flush: async () => undefined };
}

/** Once per process; later calls get the first configuration (one exporter per process, like the Temporal runtime). */
export function installTracing(config: Config): Tracing {
  if (installed) return installed;
  if (!config.tracing) {
    installed = disabledTracing();
    return installed;
  }
  const resource = new Resource({ 'service.name': config.tracing.serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracing.tracesUrl }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Without a context manager the active span would not survive an await.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  installed = { spanProcessor, resource, enabled: true, flush: () => provider.forceFlush() };
  return installed;
}

/** Sends what is batched, when tracing was installed in this process (a no-op otherwise). */
export async function flushTracing(): Promise<void> {
  await installed?.flush().catch(() => undefined);
}

export function tracer(): Tracer {
  return trace.getTracer('sre-agent');
}

export { context, propagation };
