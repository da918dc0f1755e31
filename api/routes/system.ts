import type { Services } from '../../service';
import { checkHealth } from '../../service/health';
import type { ApiMetrics } from '../api-metrics';
import { openApiDocument } from '../openapi';
import { API_PREFIX, type RouteSpec } from '../route-spec';

/** Health, the API's own Prometheus metrics, and the OpenAPI document. Open without the API key. */
export function systemRoutes(services: Services, metrics: ApiMetrics, documented: () => RouteSpec[]): RouteSpec[] {
  const tag = 'system';
  return [
    {
      method: 'get',
      path: `${API_PREFIX}/health`,
      tag,
      summary: 'Reachability of Temporal, the app Redis and Prometheus (200 when the app can work, else 503)',
      responses: { 200: '{ok, dependencies: [{name, ok, address, latencyMs?, error?}]}; the same body with 503 when not ok' },
      public: true,
      handler: async (_req, res) => {
        const health = await checkHealth(services);
        res.status(health.ok ? 200 : 503).json(health);
      },
    },
    {
      method: 'get',
      path: '/metrics',
      tag,
      summary: 'Prometheus metrics of the API itself',
      responses: { 200: 'Prometheus text format 0.0.4' },
      produces: 'text/plain',
      public: true,
      handler: async (_req, res) => {
        const { contentType, text } = await metrics.render();
        res.type(contentType).send(text);
      },
    },
    {
      method: 'get',
      path: `${API_PREFIX}/openapi.json`,
      tag,
      summary: 'This document',
      responses: { 200: 'OpenAPI 3.1' },
      public: true,
      handler: (_req, res) => {
        res.json(openApiDocument(documented()));
      },
    },
  ];
}
