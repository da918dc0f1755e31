import type { Services } from '../../service';
import { instanceCreateSchema, instanceUpdateSchema } from '../../core/instances/model';
import { instanceHealthSchema, instanceListSchema, instanceTestUrlSchema } from '../../service/instances';
import { instanceIdSchema } from '../../service/schemas';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';
import { principalOf } from '../auth';

/** The instance registry. Views mask secrets; passwords are write-only. */
export function instanceRoutes(services: Services): RouteSpec[] {
  const tag = 'instances';
  const id = { id: instanceIdSchema };
  return [
    {
      method: 'post',
      path: `${API_PREFIX}/instances`,
      tag,
      summary: 'Register a Redis instance (URL and password are stored encrypted)',
      body: instanceCreateSchema,
      responses: { 201: 'InstanceView (password masked)', 409: 'an instance with this name exists' },
      handler: json(201, (req) => services.instances.create(req.body, principalOf(req).name)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/instances`,
      tag,
      summary: 'List instances',
      query: instanceListSchema,
      responses: { 200: '{instances: InstanceView[]}' },
      handler: json(200, async (req) => ({ instances: await services.instances.list(req.query) })),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/instances/test-url`,
      tag,
      summary: 'Test a connection URL before registering it (PING, version, role)',
      body: instanceTestUrlSchema,
      rate: 'probes',
      responses: { 200: 'ConnectionTest: {ok, endpoint, latencyMs?, redisVersion?, role?, error?}' },
      handler: json(200, (req) => services.instances.testUrl(req.body)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/instances/:id`,
      tag,
      summary: 'One instance',
      params: id,
      responses: { 200: 'InstanceView' },
      handler: json(200, (req) => services.instances.get(req.params.id as string)),
    },
    {
      method: 'patch',
      path: `${API_PREFIX}/instances/:id`,
      tag,
      summary: 'Change fields of an instance',
      params: id,
      body: instanceUpdateSchema,
      responses: { 200: 'InstanceView', 409: 'another instance has this name' },
      handler: json(200, (req) => services.instances.update(req.params.id as string, req.body, principalOf(req).name)),
    },
    {
      method: 'delete',
      path: `${API_PREFIX}/instances/:id`,
      tag,
      summary: 'Remove an instance',
      params: id,
      responses: { 204: 'deleted' },
      handler: json(204, (req) => services.instances.delete(req.params.id as string, principalOf(req).name)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/instances/:id/health`,
      tag,
      summary: "The instance's check results over time, newest first: verdict, and each finding's check id, severity and title",
      params: id,
      query: instanceHealthSchema,
      responses: { 200: '{instance_id, entries: [{taskId, at, verdict, findings}]}' },
      handler: json(200, (req) => services.instances.health(req.params.id as string, req.query)),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/instances/:id/test`,
      tag,
      summary: 'Connect with the stored details (PING, version, role)',
      params: id,
      responses: { 200: 'ConnectionTest' },
      handler: json(200, (req) => services.instances.test(req.params.id as string)),
    },
  ];
}
