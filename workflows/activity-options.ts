import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import type { RetryClass } from '../core/types';

/**
 * Timeouts and retries per activity family. Unreachable backends retry with backoff; failures
 * marked non-retryable (bad arguments, refused commands, auth) stop at once.
 */
/** Tools and model calls heartbeat every 2 s: a dead worker is noticed within the heartbeat timeout. */
const HEARTBEAT = { heartbeatTimeout: '10s' } as const;

export const TOOL_OPTIONS: Record<RetryClass, ActivityOptions> = {
  redis: { ...HEARTBEAT, startToCloseTimeout: '45s', retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 } },
  host: { ...HEARTBEAT, startToCloseTimeout: '20s', retry: { initialInterval: '500ms', maximumAttempts: 2 } },
  metrics: { ...HEARTBEAT, startToCloseTimeout: '30s', retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 } },
  logs: { ...HEARTBEAT, startToCloseTimeout: '30s', retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 } },
  knowledge: {
    ...HEARTBEAT,
    startToCloseTimeout: '60s',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 3 },
  },
  mcp: { ...HEARTBEAT, startToCloseTimeout: '60s', retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 2 } },
};

/** Model calls: rate limits and 5xx back off for a while; a rejected request fails at once. */
export const MODEL_OPTIONS: ActivityOptions = {
  ...HEARTBEAT,
  startToCloseTimeout: '5m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 6,
    nonRetryableErrorTypes: ['ModelRequestRejected', 'ModelNotConfigured'],
  },
};

/** Thread and task bookkeeping in the app Redis, routing, and the rules engine (local activities). */
export const BOOKKEEPING_OPTIONS: LocalActivityOptions = {
  // Routing may ask the nano model; everything else takes milliseconds.
  startToCloseTimeout: '60s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
};
