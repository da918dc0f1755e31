import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/**
 * DNS-rebinding and cross-site protection for an API bound to loopback: a web page that makes a
 * browser talk to 127.0.0.1 gives itself away by its Host (a foreign name) or Origin header.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function hostname(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname;
  } catch {
    return '';
  }
}

/** Why a request to a loopback-bound API is refused, or undefined when it is fine. */
export function foreignLocalRequest(headers: IncomingHttpHeaders, bindHost: string): string | undefined {
  if (!LOOPBACK.has(bindHost)) return undefined;
  const host = hostname(headers.host);
  if (host !== undefined && !LOOPBACK.has(host)) return `Host '${headers.host}' is not allowed: this API is bound to ${bindHost}`;
  const origin = hostname(typeof headers.origin === 'string' ? headers.origin : undefined);
  if (origin !== undefined && !LOOPBACK.has(origin)) return `Origin '${headers.origin}' is not allowed: this API is bound to ${bindHost}`;
  return undefined;
}

export function requireLocalOrigin(bindHost: string): RequestHandler {
  return (req, _res, next) => {
    const reason = foreignLocalRequest(req.headers, bindHost);
    next(reason ? new HttpError(403, 'forbidden', reason) : undefined);
  };
}
