import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import { ValidationError } from '../core/errors';
import type { TaskStatus } from '../core/types';
import { taskWorkflow } from '../workflows/task';

/**
 * Task listing through Temporal visibility: one query over the search attributes the task
 * workflow carries (SreStatus, SreAgent, SreInstanceId), scoped to this deployment's task queue,
 * paginated by Temporal's own page token. No workflow is queried one by one.
 */

export interface TaskFilter {
  status?: TaskStatus;
  agent?: string;
  instance_id?: string;
}

export interface VisibleTask {
  taskId: string;
  status: TaskStatus;
  startTime?: Date;
  closeTime?: Date;
  agent?: string;
  instanceId?: string;
}

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

/** Visibility conditions per task status: closed runs by their execution status, open ones by SreStatus. */
const STATUS_CONDITION: Record<TaskStatus, string> = {
  queued: `ExecutionStatus = 'Running' AND SreStatus = 'queued'`,
  running: `ExecutionStatus = 'Running' AND SreStatus != 'queued'`,
  done: `ExecutionStatus = 'Completed'`,
  failed: `ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`,
  cancelled: `ExecutionStatus = 'Canceled'`,
};

/** Values are validated by the service's zod schemas before they get here; quotes are still escaped. */
const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function visibilityQuery(taskQueue: string, filter: TaskFilter): string {
  const parts = [`WorkflowType = ${quote(taskWorkflow.name)}`, `TaskQueue = ${quote(taskQueue)}`];
  if (filter.status) parts.push(STATUS_CONDITION[filter.status]);
  if (filter.agent) parts.push(`SreAgent = ${quote(filter.agent)}`);
  if (filter.instance_id) parts.push(`SreInstanceId = ${quote(filter.instance_id)}`);
  return parts.join(' AND ');
}

export function statusOf(executionStatus: number | null | undefined, sreStatus: unknown): TaskStatus {
  switch (executionStatus) {
    case Status.WORKFLOW_EXECUTION_STATUS_COMPLETED:
      return 'done';
    case Status.WORKFLOW_EXECUTION_STATUS_CANCELED:
      return 'cancelled';
    case Status.WORKFLOW_EXECUTION_STATUS_FAILED:
    case Status.WORKFLOW_EXECUTION_STATUS_TERMINATED:
    case Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
      return 'failed';
    default:
      return sreStatus === 'queued' ? 'queued' : 'running';
  }
}

const toDate = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): Date | undefined =>
  t?.seconds !== undefined && t?.seconds !== null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)) : undefined;

const first = (value: unknown): string | undefined => (Array.isArray(value) ? (value[0] as string | undefined) : undefined);

const BAD_TOKEN = () =>
  new ValidationError('next_page_token: not a page token of this listing', [{ field: 'next_page_token', reason: 'not a page token of this listing' }]);
const queryTag = (query: string) => createHash('sha256').update(query).digest('base64url').slice(0, 12);

/**
 * Our page token wraps Temporal's with a tag of the query it belongs to: a token from another
 * listing (other filters) or a made-up one is refused as bad input before Temporal sees it.
 */
function wrapToken(query: string, token: Uint8Array): string {
  return Buffer.from(`v1.${queryTag(query)}.${Buffer.from(token).toString('base64url')}`).toString('base64url');
}

function unwrapToken(query: string, token: string): Buffer {
  const match = /^v1\.([\w-]{12})\.([\w-]+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || match[1] !== queryTag(query)) throw BAD_TOKEN();
  return Buffer.from(match[2], 'base64url');
}

/** One page of tasks, newest first, and the token of the next page (absent on the last). */
export async function listVisibleTasks(
  client: Client,
  namespace: string,
  query: string,
  pageSize: number,
  pageToken?: string,
): Promise<{ tasks: VisibleTask[]; nextPageToken?: string }> {
  let response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? unwrapToken(query, pageToken) : undefined,
    });
  } catch (err) {
    // Temporal answers a token it cannot decode with INVALID_ARGUMENT or UNKNOWN: the caller's input.
    if (pageToken && [2, 3].includes((err as { code?: number }).code ?? -1)) throw BAD_TOKEN();
    throw err;
  }
  const tasks = (response.executions ?? []).map((execution): VisibleTask => {
    const attributes = decodeSearchAttributes(execution.searchAttributes?.indexedFields);
    return {
      taskId: execution.execution?.workflowId ?? '',
      status: statusOf(execution.status, first(attributes.SreStatus)),
      startTime: toDate(execution.startTime),
      closeTime: toDate(execution.closeTime),
      agent: first(attributes.SreAgent),
      instanceId: first(attributes.SreInstanceId),
    };
  });
  const token = response.nextPageToken?.length ? wrapToken(query, response.nextPageToken) : undefined;
  return { tasks, nextPageToken: token };
}
