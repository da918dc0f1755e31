import express, { type Express, type RequestHandler } from 'express';
import { createLogger, type Logger } from '../core/logger';
import type { Services } from '../service';
import { ApiMetrics } from './api-metrics';
import { requireApiKey } from './auth';
import { HttpError, errorHandler } from './errors';
import { requireLocalOrigin } from './local-origin';
import type { RouteSpec } from './route-spec';
import { instanceRoutes } from './routes/instances';
import { knowledgeRoutes } from './routes/knowledge';
import { scheduleRoutes } from './routes/schedules';
import { systemRoutes } from './routes/system';
import { taskRoutes } from './routes/tasks';
import { threadRoutes } from './routes/threads';

/** The REST facade: routes over the service layer, one auth check, one body parser, one error mapper. */

export interface ApiOptions {
  /** Shared with the WebSocket server so /metrics counts its streams too. */
  metrics?: ApiMetrics;
  log?: Logger;
  /** How often idle SSE streams get a heartbeat comment. */
  heartbeatMs?: number;
  /** Aborted when the server shuts down: open streams then end cleanly. */
  shutdown?: AbortSignal;
}

/** JSON routes refuse other media types before parsing; a request without a body passes through. */
function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (req.is('application/json') === false) {
      next(
        new HttpError(
          415,
          'unsupported_media_type',
          `send the body as JSON with Content-Type: application/json (got ${req.get('content-type') ?? 'no Content-Type'})`,
        ),
      );
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit, type: 'application/json', strict: true })];
}

export function createApp(services: Services, options: ApiOptions = {}): Express {
  const log = options.log ?? createLogger('api', services.config.logLevel);
  const metrics = options.metrics ?? new ApiMetrics();
  const { apiKey, bodyLimit } = services.config.api;

  const routes: RouteSpec[] = [
    ...systemRoutes(services, metrics, () => routes),
    ...taskRoutes(services, metrics),
    ...threadRoutes(services, metrics, { heartbeatMs: options.heartbeatMs ?? 15_000, shutdown: options.shutdown }),
    ...instanceRoutes(services),
    ...scheduleRoutes(services, metrics),
    ...knowledgeRoutes(services),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.middleware());
  app.use(requireLocalOrigin(services.config.api.host));
  const auth = requireApiKey(apiKey);
  const parseJson = jsonBody(bodyLimit);
  for (const route of routes) {
    app[route.method](route.path, ...(route.public ? [] : [auth]), ...(route.body ? parseJson : []), route.handler);
  }
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}; the routes are listed in GET /api/v1/openapi.json`)));
  app.use(errorHandler(log));
  return app;
}
