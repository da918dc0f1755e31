import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { roleAllows, type ApiKeyRing, type Principal, type Role } from '../core/api-keys';
import { HttpError } from './errors';

/**
 * Who is calling, and whether their role allows the route. Keys come from SRE_API_KEYS_FILE (named,
 * with roles) and SRE_API_KEY (one admin key); with none configured the API is open (it binds to
 * loopback by default). The same check serves REST, the streams and MCP over HTTP.
 */

export const UNAUTHORIZED_MESSAGE = 'missing or wrong API key: send the header Authorization: Bearer <key>';

const principals = new WeakMap<Request, Principal>();

/** The caller of a request that passed authorize(). */
export function principalOf(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw new Error('principalOf: the route has no authorize() in front of it');
  return p;
}

/** The principal behind a request's headers, or why there is none (401) or it may not (403). */
export function authenticate(keys: ApiKeyRing, headers: IncomingHttpHeaders, needed: Role): Principal {
  const principal = keys.fromAuthorization(headers.authorization);
  if (!principal) throw new HttpError(401, 'unauthorized', UNAUTHORIZED_MESSAGE);
  if (!roleAllows(principal.role, needed)) {
    throw new HttpError(403, 'forbidden', `the key '${principal.name}' has the ${principal.role} role; this needs ${needed} or above`);
  }
  return principal;
}

export function authorize(keys: ApiKeyRing, needed: Role): RequestHandler {
  return (req, res, next) => {
    try {
      principals.set(req, authenticate(keys, req.headers, needed));
      next();
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="sre-agent"');
      next(err);
    }
  };
}
