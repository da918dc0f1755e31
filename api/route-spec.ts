import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../core/api-keys';
import type { RateKind } from './rate-limit';

/**
 * One declaration per route feeds both Express and the OpenAPI document, so the document cannot
 * drift from what is served. The schemas are the service layer's own; the service validates.
 */

export const API_PREFIX = '/api/v1';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface RouteSpec {
  method: Method;
  /** Express path, e.g. /api/v1/tasks/:id. */
  path: string;
  tag: string;
  summary: string;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  /** A JSON request body: the route then answers 415 to other media types and 413 over the limit. */
  body?: z.ZodType;
  /** Statuses and what they carry: success, plus errors particular to this route (e.g. 409). */
  responses: Record<number, string>;
  /** Media type of the success response (default application/json). */
  produces?: 'application/json' | 'text/event-stream' | 'text/plain';
  /** Open without the API key. */
  public?: boolean;
  /** The least role that may call it (default: viewer for GET, operator otherwise). */
  role?: Role;
  /** A per-caller rate budget this route draws from. */
  rate?: RateKind;
  handler: RequestHandler;
}

/** The role a route needs: its own, else reads for viewers and changes for operators. */
export function routeRole(route: Pick<RouteSpec, 'method' | 'role'>): Role {
  return route.role ?? (route.method === 'get' ? 'viewer' : 'operator');
}

/** A handler that answers the produced value as JSON (or 204 with no body). */
export function json(status: number, produce: (req: Request) => Promise<unknown>): RequestHandler {
  return async (req: Request, res: Response) => {
    const value = await produce(req);
    if (status === 204) res.status(204).end();
    else res.status(status).json(value);
  };
}
