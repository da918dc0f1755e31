import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics';

/** What the API reports about itself on GET /metrics, and the middleware that records requests. */

export type TaskSubmission = 'task' | 'follow_up' | 'schedule_trigger' | 'alert';
export type StreamKind = 'sse' | 'websocket';

export class ApiMetrics {
  readonly registry = new MetricsRegistry();
  private readonly requests = this.registry.register(new Counter('sre_api_requests_total', 'HTTP requests by method, route pattern and status code.'));
  private readonly latency = this.registry.register(
    new Histogram(
      'sre_api_request_duration_seconds',
      'HTTP request latency by method, route pattern and status code.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  );
  private readonly submitted = this.registry.register(
    new Counter('sre_api_tasks_submitted_total', 'Tasks started through the API: new tasks, follow-ups, schedule triggers and alert triages.'),
  );
  private readonly streams = this.registry.register(new Gauge('sre_api_open_streams', 'Progress streams open right now, by kind.'));

  taskSubmitted(via: TaskSubmission): void {
    this.submitted.inc({ via });
  }

  streamOpened(kind: StreamKind): () => void {
    this.streams.add({ kind }, 1);
    return () => this.streams.add({ kind }, -1);
  }

  /** Labels by route pattern (e.g. /api/v1/tasks/:id), never by raw path, to keep the series few. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      res.once('close', () => {
        const labels = { method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? '(unmatched)', status: String(res.statusCode) };
        this.requests.inc(labels);
        this.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }
}
