import type { RequestHandler } from 'express';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { tracer } from '../core/tracing';

/**
 * One server span per REST request, active while the request is handled, so the task it starts
 * (Temporal's client interceptor) becomes its child: the trace begins at the front door. Named
 * after the route pattern, never the raw path. A caller's W3C `traceparent` makes it part of the
 * caller's trace. With tracing off the tracer is a no-op.
 */
export function requestSpans(): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.once('close', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
