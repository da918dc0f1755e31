import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';

/**
 * Model errors as Temporal failures: rate limits, server errors, timeouts and connection errors
 * retry with backoff; a bad request or bad credentials will not get better and fail at once.
 */
export function toModelFailure(err: unknown, endpoint: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return ApplicationFailure.retryable(`model endpoint ${endpoint} timed out`, 'ModelTimeout');
  if (err instanceof OpenAI.APIConnectionError)
    return ApplicationFailure.retryable(`model endpoint ${endpoint} is unreachable: ${err.message}`, 'ModelUnavailable');
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const text = `model endpoint ${endpoint} answered HTTP ${status}: ${err.message}`;
    if (status === 429 || status === 408 || status >= 500) return ApplicationFailure.retryable(text, status === 429 ? 'ModelRateLimited' : 'ModelServerError');
    return ApplicationFailure.nonRetryable(text, 'ModelRequestRejected');
  }
  return ApplicationFailure.retryable(`model call failed: ${(err as Error)?.message ?? String(err)}`, 'ModelError');
}
