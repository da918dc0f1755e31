import { Context } from '@temporalio/activity';

/**
 * Heartbeats tell Temporal an activity's worker is alive. With a heartbeat timeout, a worker
 * killed mid-call is noticed in seconds instead of after the whole start-to-close timeout, and
 * the activity is retried on another worker.
 */

export function heartbeat(details?: unknown): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return; // not inside an activity (direct calls from tests, the eval capture)
  }
  // Local activities run inside the workflow task, which Temporal keeps alive by itself.
  if (!context.info.isLocal) context.heartbeat(details);
}

export async function withHeartbeat<T>(fn: () => Promise<T>, everyMs = 2_000): Promise<T> {
  heartbeat();
  const timer = setInterval(() => heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
