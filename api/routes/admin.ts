import { z } from 'zod';
import type { Services } from '../../service';
import { keyCreateSchema, keyNameSchema, KeyService } from '../../service/api-keys';
import { parseOrThrow } from '../../core/validation';
import { principalOf } from '../auth';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';

const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100).describe('How many entries, 1 to 1000') }).strict();

/** Admin routes: the API keys and their roles, and the audit trail of changes. */
export function adminRoutes(services: Services): RouteSpec[] {
  const tag = 'admin';
  // Built on first use: the OpenAPI document is generated from these routes without any services.
  let service: KeyService | undefined;
  const keys = {
    get: () => (service ??= new KeyService(services.config, services.keys, services.stores.audit)),
    list: () => keys.get().list(),
    create: (body: unknown, actor: string) => keys.get().create(body, actor),
    revoke: (name: string, actor: string) => keys.get().revoke(name, actor),
  };
  return [
    {
      method: 'get',
      path: `${API_PREFIX}/keys`,
      tag,
      role: 'admin',
      summary: 'The API keys: names and roles (never the keys or their hashes)',
      responses: { 200: '{keys: [{name, role}]}' },
      handler: json(200, async () => ({ keys: keys.list() })),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/keys`,
      tag,
      role: 'admin',
      summary: 'Create a named key with a role; the key is in this response only',
      body: keyCreateSchema,
      responses: { 201: '{name, role, key}', 409: 'a key with this name exists' },
      handler: json(201, (req) => keys.create(req.body, principalOf(req).name)),
    },
    {
      method: 'delete',
      path: `${API_PREFIX}/keys/:name`,
      tag,
      role: 'admin',
      summary: 'Revoke a key: it stops working at once',
      params: { name: keyNameSchema },
      responses: { 204: 'revoked' },
      handler: json(204, (req) => keys.revoke(req.params.name as string, principalOf(req).name)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/audit`,
      tag,
      role: 'admin',
      summary: 'Who changed what, newest first (tasks, instances, schedules, keys, ingest)',
      query: auditQuery,
      responses: { 200: '{entries: [{id, at, actor, action, target, detail?}]}' },
      handler: json(200, async (req) => ({ entries: await services.stores.audit.recent(parseOrThrow(auditQuery, req.query).limit) })),
    },
  ];
}
