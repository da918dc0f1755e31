import { ApplicationFailure } from '@temporalio/common';
import { ValidationError, NotFoundError, errorMessage } from '../../core/errors';
import { SecretError } from '../../core/secrets/envelope';
import { RefusedCommandError, TargetCommandError, TargetTlsError, TargetUnavailableError } from '../../core/target-redis';
import { BackendRequestError, BackendUnavailableError } from './http';

/**
 * Turns an error from a tool into a Temporal failure: unreachable backends retry with backoff;
 * bad arguments, refused commands, auth failures and error replies do not, and their message is
 * written so the model (and a human) can act on it.
 */
export function toToolFailure(tool: string, err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const message = `${tool}: ${errorMessage(err)}`;
  if (err instanceof TargetUnavailableError || err instanceof BackendUnavailableError) {
    return ApplicationFailure.retryable(message, err.constructor.name);
  }
  if (
    err instanceof RefusedCommandError ||
    err instanceof TargetCommandError ||
    err instanceof TargetTlsError ||
    err instanceof BackendRequestError ||
    err instanceof ValidationError ||
    err instanceof NotFoundError ||
    err instanceof SecretError
  ) {
    return ApplicationFailure.nonRetryable(message, err.constructor.name);
  }
  return ApplicationFailure.retryable(message, 'ToolError');
}
