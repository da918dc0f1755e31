import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiKeyRing, OPEN_ACCESS } from '../../core/api-keys';
import type { SessionRecord } from '../../core/sessions';
import { parseOrThrow } from '../../core/validation';
import type { Services } from '../../service';
import { SESSION_COOKIE, principalOf, sessionIdOf } from '../auth';
import { HttpError } from '../errors';
import { API_PREFIX, type RouteSpec } from '../route-spec';

/** Console sign-in: an API key in, an HttpOnly SameSite=Strict session cookie out; sign-out revokes it. */

export const signInSchema = z
  .object({ key: z.string().trim().min(1, 'must not be empty').max(512, 'at most 512 characters').describe('An API key (as sent in Authorization: Bearer)') })
  .strict();

function cookie(req: Request, value: string, maxAgeSeconds: number): string {
  // Secure only over HTTPS: on plain-HTTP loopback a Secure cookie would never come back.
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`;
}

function sessionView(services: Services, principal: { name: string; role: string }, record?: SessionRecord) {
  return { name: principal.name, role: principal.role, auth_required: services.keys.enabled, ...(record ? { expires_at: record.expiresAt } : {}) };
}

export function sessionRoutes(services: Services): RouteSpec[] {
  const tag = 'session';
  return [
    {
      method: 'post',
      path: `${API_PREFIX}/session`,
      tag,
      summary:
        'Sign in with an API key: sets an HttpOnly, SameSite=Strict session cookie the API accepts like the key (state changes also need the header x-sre-console: 1)',
      body: signInSchema,
      public: true,
      responses: { 201: '{name, role, auth_required, expires_at} and Set-Cookie', 401: 'wrong key' },
      handler: async (req: Request, res: Response) => {
        const { key } = parseOrThrow(signInSchema, req.body);
        if (!services.keys.enabled) {
          res.status(200).json(sessionView(services, OPEN_ACCESS));
          return;
        }
        const principal = services.keys.authenticate(key);
        if (!principal) throw new HttpError(401, 'unauthorized', 'wrong API key');
        const { id, record } = await services.stores.sessions.create(ApiKeyRing.hashOf(key));
        res.setHeader('Set-Cookie', cookie(req, id, services.stores.sessions.ttlSeconds));
        res.setHeader('Cache-Control', 'no-store');
        res.status(201).json(sessionView(services, principal, record));
      },
    },
    {
      method: 'get',
      path: `${API_PREFIX}/session`,
      tag,
      summary: 'Who the caller is (key name and role) and whether the API asks for a key',
      responses: { 200: '{name, role, auth_required, expires_at?}' },
      handler: async (req: Request, res: Response) => {
        const id = sessionIdOf(req.headers);
        const record = id && !req.headers.authorization ? await services.stores.sessions.get(id) : undefined;
        res.json(sessionView(services, principalOf(req), record));
      },
    },
    {
      method: 'delete',
      path: `${API_PREFIX}/session`,
      tag,
      summary: 'Sign out: the session stops working at once and the cookie is cleared',
      public: true,
      responses: { 204: 'signed out' },
      handler: async (req: Request, res: Response) => {
        const id = sessionIdOf(req.headers);
        if (id) await services.stores.sessions.revoke(id);
        res.setHeader('Set-Cookie', cookie(req, '', 0));
        res.status(204).end();
      },
    },
  ];
}
