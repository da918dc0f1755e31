import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { roleAllows, type ApiKeyRing, type Principal, type Role } from '../core/api-keys';
import type { SessionStore } from '../core/sessions';
import { HttpError } from './errors';

/**
 * Who is calling, and whether their role allows the route. Keys come from SRE_API_KEYS_FILE (named,
 * with roles) and SRE_API_KEY (one admin key); with none configured the API is open (it binds to
 * loopback by default). The same check serves REST, the streams and MCP over HTTP. Browsers sign
 * in once (POST /session) and then send a session cookie instead of the key, which is also how
 * EventSource and WebSocket clients, which cannot set an Authorization header, authenticate.
 */

export const UNAUTHORIZED_MESSAGE = 'missing or wrong API key: send the header Authorization: Bearer <key>, or sign in at /ui';
export const SESSION_COOKIE = 'sre_session';
/**
 * A request made with the session cookie that changes something must carry this header. A page on
 * another site cannot add a custom header without a CORS preflight, which this API never grants,
 * so the header proves the request came from the console itself (on top of SameSite=Strict).
 */
export const CSRF_HEADER = 'x-sre-console';

export interface Authenticator {
  keys: ApiKeyRing;
  sessions: SessionStore;
}

const principals = new WeakMap<Request, Principal>();

/** The caller of a request that passed authorize(). */
export function principalOf(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw new Error('principalOf: the route has no authorize() in front of it');
  return p;
}

function allowed(principal: Principal, needed: Role): Principal {
  if (!roleAllows(principal.role, needed)) {
    throw new HttpError(403, 'forbidden', `the key '${principal.name}' has the ${principal.role} role; this needs ${needed} or above`);
  }
  return principal;
}

/** The principal behind a request's Authorization header, or why there is none (401) or it may not (403). */
export function authenticate(keys: ApiKeyRing, headers: IncomingHttpHeaders, needed: Role): Principal {
  const principal = keys.fromAuthorization(headers.authorization);
  if (!principal) throw new HttpError(401, 'unauthorized', UNAUTHORIZED_MESSAGE);
  return allowed(principal, needed);
}

/** The session id in a Cookie header, if any. */
export function sessionIdOf(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/** The principal of a live session cookie, or undefined; a session whose key was revoked is deleted here. */
export async function sessionPrincipal(auth: Authenticator, headers: IncomingHttpHeaders): Promise<Principal | undefined> {
  const id = sessionIdOf(headers);
  if (!id) return undefined;
  const record = await auth.sessions.get(id);
  if (!record) return undefined;
  const principal = auth.keys.byHash(record.keyHash);
  if (!principal) await auth.sessions.revoke(id);
  return principal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A bearer key wins; else the session cookie (state changes also need the console's CSRF header). */
export async function authenticateRequest(auth: Authenticator, headers: IncomingHttpHeaders, method: string, needed: Role): Promise<Principal> {
  if (headers.authorization || !auth.keys.enabled) return authenticate(auth.keys, headers, needed);
  const principal = await sessionPrincipal(auth, headers);
  if (!principal) throw new HttpError(401, 'unauthorized', UNAUTHORIZED_MESSAGE);
  if (!SAFE_METHODS.has(method.toUpperCase()) && !headers[CSRF_HEADER]) {
    throw new HttpError(403, 'csrf_header_missing', `a change made with the session cookie must send the header ${CSRF_HEADER}: 1 (the console does)`);
  }
  return allowed(principal, needed);
}

export function authorize(auth: Authenticator, needed: Role): RequestHandler {
  return async (req, res, next) => {
    try {
      principals.set(req, await authenticateRequest(auth, req.headers, req.method, needed));
      next();
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="sre-agent"');
      next(err);
    }
  };
}
