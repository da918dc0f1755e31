/** Typed errors that carry what a user needs to fix the problem. Front doors map them to status codes. */
export class SreError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from a user or caller: names the field and the reason. */
export class ValidationError extends SreError {
  constructor(
    message: string,
    readonly issues: Array<{ field: string; reason: string }> = [],
  ) {
    super(message, 'invalid_request');
  }
}

export class NotFoundError extends SreError {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} '${id}' not found`, 'not_found');
  }
}

export class ConflictError extends SreError {
  constructor(message: string) {
    super(message, 'conflict');
  }
}

/** Start-up configuration problem: one line per bad variable. */
export class ConfigError extends SreError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'config');
  }
}

/** A dependency (Temporal, app Redis, a target) could not be reached. */
export class UnavailableError extends SreError {
  constructor(message: string) {
    super(message, 'unavailable');
  }
}

/**
 * A dependency failure that surfaced as a library error (Temporal gRPC, ioredis): the same
 * problem as an UnavailableError, so front doors answer 503 / exit 4, not "internal error".
 */
export function asUnavailable(err: unknown): UnavailableError | undefined {
  if (err instanceof UnavailableError) return err;
  if (!(err instanceof Error)) return undefined;
  const grpcUnavailable = err.name === 'ServiceError' || (err as { code?: unknown }).code === 14;
  if (grpcUnavailable || /MaxRetriesPerRequest|Connection is closed|ECONNREFUSED|connect ETIMEDOUT|Stream isn't writeable/.test(err.message)) {
    return new UnavailableError(`a service the agent depends on is unavailable: ${err.message.split('\n')[0]}`);
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
