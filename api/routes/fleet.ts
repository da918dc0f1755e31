import type { Services } from '../../service';
import { fleetCheckSchema } from '../../core/fleet';
import { fleetIdSchema } from '../../service/fleet';
import { principalOf } from '../auth';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';

/** Fleet checks: a health check of every instance a filter matches, and one summary. */
export function fleetRoutes(services: Services): RouteSpec[] {
  const tag = 'fleet';
  return [
    {
      method: 'post',
      path: `${API_PREFIX}/fleet/checks`,
      tag,
      summary: 'Start a fleet check: {filter: {environment?, usage?, instance_type?, name? (glob), all?}, concurrency?, message?}',
      body: fleetCheckSchema,
      rate: 'tasks',
      responses: { 202: '{fleet_id, thread_id, status: "running", workflow_url}' },
      handler: json(202, (req) => services.fleet.start(req.body, { source: 'api', actor: principalOf(req).name })),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/fleet/checks/:id`,
      tag,
      summary: 'A fleet check: running, or done with one row per instance (verdict, top finding, task) and the summary',
      params: { id: fleetIdSchema },
      responses: { 200: 'FleetView' },
      handler: json(200, (req) => services.fleet.get(req.params.id as string)),
    },
  ];
}
