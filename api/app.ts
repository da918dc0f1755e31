import express, { type Express, type RequestHandler } from 'express';
import { createLogger, type Logger } from '../core/logger';
import type { Services } from '../service';
import { ApiMetrics } from './api-metrics';
import { requestSpans } from './request-spans';
import { authorize } from './auth';
import { CONSOLE_PATH, consoleAssets } from './console-assets';
import { RateLimiter, rateLimit } from './rate-limit';
import { HttpError, errorHandler } from './errors';
import { requireLocalOrigin } from './local-origin';
import { routeRole, type RouteSpec } from './route-spec';
import type { ThreadEventHub } from './streaming/event-hub';
import { adminRoutes } from './routes/admin';
import { alertRoutes } from './routes/alerts';
import { approvalRoutes } from './routes/approvals';
import { fleetRoutes } from './routes/fleet';
import { instanceRoutes } from './routes/instances';
import { knowledgeRoutes } from './routes/knowledge';
import { scheduleRoutes } from './routes/schedules';
import { sessionRoutes } from './routes/session';
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
  /** The process's progress-stream hub (one blocking reader for every stream); listenApi makes it. */
  hub: ThreadEventHub;
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
    // JSON is UTF-8 (RFC 8259): a body declared in another charset is refused as a media type, not as bad JSON.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) {
      next(new HttpError(415, 'unsupported_media_type', `send the body as UTF-8 JSON (got charset=${charset.slice(0, 40)})`));
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit, type: 'application/json', strict: true })];
}

/** Every REST route, declared once: Express serves them and the OpenAPI document describes them. */
export function apiRoutes(services: Services, metrics: ApiMetrics, hub: ThreadEventHub, options: { heartbeatMs: number }): RouteSpec[] {
  const routes: RouteSpec[] = [
    ...systemRoutes(services, metrics, () => routes),
    ...sessionRoutes(services),
    ...taskRoutes(services, metrics),
    ...threadRoutes(services, metrics, hub, options),
    ...instanceRoutes(services),
    ...scheduleRoutes(services, metrics),
    ...alertRoutes(services, metrics),
    ...approvalRoutes(services),
    ...fleetRoutes(services),
    ...knowledgeRoutes(services),
    ...adminRoutes(services),
  ];
  return routes;
}

export function createApp(services: Services, options: ApiOptions): Express {
  const log = options.log ?? createLogger('api', services.config.logLevel);
  const metrics = options.metrics ?? new ApiMetrics();
  const { bodyLimit } = services.config.api;

  const routes = apiRoutes(services, metrics, options.hub, { heartbeatMs: options.heartbeatMs ?? 15_000 });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestSpans());
  app.use(metrics.middleware());
  app.use(requireLocalOrigin(services.config.api.host));
  const parseJson = jsonBody(bodyLimit);
  const { rates } = services.config.api;
  const limiters = { tasks: new RateLimiter(rates.tasks), streams: new RateLimiter(rates.streams), probes: new RateLimiter(rates.probes) };
  const auth = { keys: services.keys, sessions: services.stores.sessions };
  app.use(CONSOLE_PATH, consoleAssets());
  for (const route of routes) {
    const guard = route.public ? [] : [authorize(auth, routeRole(route)), ...(route.rate ? [rateLimit(limiters[route.rate], route.rate)] : [])];
    app[route.method](route.path, ...guard, ...(route.body ? parseJson : []), route.handler);
  }
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}; the routes are listed in GET /api/v1/openapi.json`)));
  app.use(errorHandler(log));
  return app;
}
