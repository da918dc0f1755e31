import { executeChild } from '@temporalio/workflow';
import type { FleetMember, FleetRow } from '../core/fleet';
import { failedRow, fleetRow } from '../core/fleet-rows';
import { SA_AGENT, SA_INSTANCE, SA_STATUS } from '../core/search-attributes';
import type { TaskInput, TaskResult } from '../core/types';
import { taskWorkflow } from './task';
import { failureMessage } from './tool-calls';

/**
 * One instance asked as an ordinary task, a child of this workflow (its own thread, health history
 * and notifications): its line of the table, and its result when it finished. A failed check is
 * a line saying so; the caller's other instances go on.
 */
export async function askInstance(
  member: FleetMember,
  child: Pick<TaskInput, 'taskId' | 'message' | 'agent' | 'source' | 'forceOffline'>,
  summary: string,
): Promise<{ row: FleetRow; result?: TaskResult }> {
  try {
    const result = await executeChild(taskWorkflow, {
      workflowId: child.taskId,
      args: [{ ...child, threadId: '', instanceId: member.instanceId }],
      staticSummary: summary,
      typedSearchAttributes: [
        { key: SA_STATUS, value: 'queued' },
        { key: SA_AGENT, value: child.agent === 'auto' ? 'chat' : child.agent },
        { key: SA_INSTANCE, value: member.instanceId },
      ],
    });
    return { row: fleetRow(member, child.taskId, result), result };
  } catch (err) {
    return { row: failedRow(member, child.taskId, failureMessage(err)) };
  }
}
