import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../core/tracing';

/**
 * Temporal's OpenTelemetry interceptors for the worker. The workflow interceptors run inside the
 * sandbox (the SDK's replay-safe way: spans leave through a sink, never during replay), so they
 * are part of every workflow bundle, whether tracing is on or not; the sink then drops the spans.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

export function tracingWorkerOptions(tracing: Tracing, prebuiltBundle: boolean): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
    interceptors: {
      // A prebuilt bundle (tests, the eval) was built with WORKFLOW_INTERCEPTOR_MODULES already.
      ...(prebuiltBundle ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
      activity: tracing.enabled
        ? [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })]
        : [],
    },
  };
}
