import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError, SreError, UnavailableError, ValidationError, asUnavailable, errorMessage } from '../core/errors';
import { redact, type Logger } from '../core/logger';

/** The one mapping from any error to an HTTP status and the one JSON error shape. */

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Errors only HTTP has (auth, media type, unknown route), with their status. */
export class HttpError extends SreError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(message, code);
  }
}

const MASTER_KEY_HINT =
  'this is a server configuration problem: set SRE_MASTER_KEY to the 32-byte key the instances were stored with (base64 or hex), or SRE_MASTER_KEY_FILE to its file, and restart the API';

/** body-parser and router failures carry an http-errors `type` and `status`. */
interface TransportError {
  type?: string;
  status?: number;
  limit?: number;
}

function transportError(err: TransportError): { status: number; code: string; message: string } | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: `request body is larger than the limit of ${err.limit} bytes (SRE_API_BODY_LIMIT)` };
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_request', message: '(body): not valid JSON (send a JSON object with Content-Type: application/json)' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'send the body as UTF-8 JSON (Content-Type: application/json)' };
  }
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return { status: err.status, code: 'invalid_request', message: errorMessage(err) };
  }
  return undefined;
}

export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  const body = (code: string, message: string, issues?: ErrorBody['error']['issues']): ErrorBody => ({
    error: { code, message: redact(message), ...(issues?.length ? { issues: issues.map((i) => ({ field: i.field, reason: redact(i.reason) })) } : {}) },
  });
  if (err instanceof HttpError) return { status: err.status, body: body(err.code, err.message) };
  if (err instanceof ValidationError) return { status: 400, body: body(err.code, err.message, err.issues) };
  if (err instanceof NotFoundError) return { status: 404, body: body(err.code, err.message) };
  if (err instanceof ConflictError) return { status: 409, body: body(err.code, err.message) };
  if (err instanceof UnavailableError) return { status: 503, body: body(err.code, err.message) };
  if (err instanceof SreError && err.code === 'secret') {
    const message = err.message.includes('SRE_MASTER_KEY') ? err.message : `${err.message}; ${MASTER_KEY_HINT}`;
    return { status: 503, body: body('master_key_unavailable', `stored instance secrets cannot be read: ${message}`) };
  }
  const transport = err && typeof err === 'object' ? transportError(err as TransportError) : undefined;
  if (transport) return { status: transport.status, body: body(transport.code, transport.message) };
  const unavailable = asUnavailable(err);
  if (unavailable) return { status: 503, body: body(unavailable.code, unavailable.message) };
  return { status: 500, body: body('internal', 'internal error; the server log has the details') };
}

/** Express error handler: maps, logs server-side failures (never to the client), answers JSON. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const { status, body } = toHttpError(err);
    // Unexpected failures get their stack in the log; known server-side conditions (503) one line.
    if (status === 500) log.error(`${req.method} ${req.path} failed: ${errorMessage(err)}`, { stack: err instanceof Error ? err.stack : undefined });
    else if (status > 500) log.warn(`${req.method} ${req.path}: ${body.error.message}`);
    // A stream that already started cannot change its status: just end it.
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(status).json(body);
  };
}
