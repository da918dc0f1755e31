import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the API reports about itself on GET /metrics, and the middleware that records requests.
 * prom-client's default collectors add the process and Node.js series (event-loop lag, heap, GC,
 * handles) SREs expect of any Node service.
 */

export type TaskSubmission = 'task' | 'follow_up' | 'schedule_trigger' | 'alert';
export type StreamKind = 'sse' | 'websocket';

export class ApiMetrics {
  /** One registry per API instance, so several APIs in one process (tests) never share counts. */
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'sre_api_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'sre_api_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly submitted = new Counter({
    name: 'sre_api_tasks_submitted_total',
    help: 'Tasks started through the API: new tasks, follow-ups, schedule triggers and alert triages.',
    labelNames: ['via'] as const,
    registers: [this.registry],
  });
  private readonly streams = new Gauge({
    name: 'sre_api_open_streams',
    help: 'Progress streams open right now, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  taskSubmitted(via: TaskSubmission): void {
    this.submitted.inc({ via });
  }

  streamOpened(kind: StreamKind): () => void {
    this.streams.inc({ kind });
    return () => this.streams.dec({ kind });
  }

  /** The exposition text and its content type, for GET /metrics. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Labels by route pattern (e.g. /api/v1/tasks/:id), never by raw path, to keep the series few. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.latency.startTimer();
      res.once('close', () => {
        const labels = { method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? '(unmatched)', status: String(res.statusCode) };
        this.requests.inc(labels);
        stop(labels);
      });
      next();
    };
  }
}
