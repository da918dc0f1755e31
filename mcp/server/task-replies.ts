import type { SubmittedTask, TaskView } from '../../service/tasks';
import type { AgentToolContext, AgentToolReply } from './agent-tool';

/** Starting, waiting for and describing tasks: what every task-running MCP tool answers with. */

const PROGRESS_EVERY_MS = 5_000;
const UNFINISHED = new Set(['queued', 'running']);

type TaskFacts = Pick<TaskView, 'task_id' | 'thread_id' | 'status' | 'workflow_url'> & Partial<Pick<TaskView, 'phase' | 'agent' | 'mode' | 'error' | 'result'>>;

function taskText(task: TaskFacts): string {
  const facts = [
    `task_id: ${task.task_id}`,
    `thread_id: ${task.thread_id}`,
    `status: ${task.status}`,
    ...(task.agent ? [`agent: ${task.agent} (${task.mode})`] : []),
  ].join(' · ');
  const footer = `${facts}\nTemporal UI: ${task.workflow_url}`;
  if (task.status === 'done' && task.result) return `${task.result.answer}\n\n---\n${footer}`;
  if (!UNFINISHED.has(task.status)) return `The task ${task.status}${task.error ? `: ${task.error}` : ''}.\n${footer}`;
  return `The task is ${task.status}${task.phase ? ` (${task.phase})` : ''}. Poll redis_sre_get_task_status with its task_id; when it is done, read the report with redis_sre_get_thread.\n${footer}`;
}

export function taskReply(task: TaskView | (SubmittedTask & { workflow_url: string })): AgentToolReply {
  return { data: task, text: taskText(task) };
}

/** Waits up to waitSeconds, sending progress while the task runs, so clients with short request timeouts can keep waiting. */
async function waitWithProgress(ctx: AgentToolContext, taskId: string, waitSeconds: number): Promise<TaskView> {
  const started = Date.now();
  const deadline = started + waitSeconds * 1000;
  for (;;) {
    const view = await ctx.services.tasks.wait(taskId, Math.max(0, Math.min(PROGRESS_EVERY_MS, deadline - Date.now())));
    if (!UNFINISHED.has(view.status) || Date.now() >= deadline) return view;
    await ctx.progress(`task ${view.status}${view.phase ? `: ${view.phase}` : ''}`, Math.round((Date.now() - started) / 1000), waitSeconds);
  }
}

/** Submits through the service layer (source 'mcp'), then waits up to waitSeconds (0: answer at once with the ids). */
export async function runTask(
  ctx: AgentToolContext,
  request: { message: string; instance_id?: string; agent: string },
  waitSeconds: number,
): Promise<AgentToolReply> {
  const submitted = await ctx.services.tasks.submit(request, { source: 'mcp', actor: ctx.actor });
  if (waitSeconds <= 0) return taskReply({ ...submitted, workflow_url: ctx.services.tasks.workflowUrl(submitted.task_id) });
  return taskReply(await waitWithProgress(ctx, submitted.task_id, waitSeconds));
}
