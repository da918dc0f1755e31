import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/** Bearer API key (SRE_API_KEY); when no key is configured the API is open (it binds to loopback by default). */

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests so the check takes the same time whatever the guess. */
export function isAuthorized(headers: IncomingHttpHeaders, apiKey: string | undefined): boolean {
  if (!apiKey) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return Boolean(match) && timingSafeEqual(digest(match![1]), digest(apiKey));
}

export const UNAUTHORIZED_MESSAGE = 'missing or wrong API key: send the header Authorization: Bearer <SRE_API_KEY>';

export function requireApiKey(apiKey: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (isAuthorized(req.headers, apiKey)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="sre-agent"');
    next(new HttpError(401, 'unauthorized', UNAUTHORIZED_MESSAGE));
  };
}
