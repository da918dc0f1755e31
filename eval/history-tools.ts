import type { Client } from '@temporalio/client';

/**
 * The tools a task called, read from its workflow histories (the task, its agent child, and the
 * agent's children such as research topics): what must_call / must_not_call are checked against.
 */
export async function toolsCalledInHistory(client: Client, taskId: string, known: Set<string>): Promise<string[]> {
  const called = new Set<string>();
  const pending = [taskId];
  const seen = new Set<string>();
  while (pending.length) {
    const workflowId = pending.pop()!;
    if (seen.has(workflowId)) continue;
    seen.add(workflowId);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const event of history.events ?? []) {
      const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (activity && known.has(activity)) called.add(activity);
      const child = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) pending.push(child);
    }
  }
  return [...called].sort();
}
