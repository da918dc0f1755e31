import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { TaskView } from '../../service/tasks';
import type { Thread } from '../../core/threads';

/** What the MCP tests do as a client: call tools, read results, run a triage from start to report. */

export async function call(client: Client, name: string, args: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 150_000, ...options })) as CallToolResult;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');
}

export function dataOf<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${textOf(result)}`);
  return result.structuredContent as T;
}

export interface TriageRun {
  started: { task_id: string; thread_id: string; status: string };
  polls: number;
  task: TaskView;
  threadText: string;
  thread: Thread;
  /** Every text and structured content the client received, for leak checks. */
  everything: string;
}

/** redis_sre_deep_triage, then redis_sre_get_task_status until done, then redis_sre_get_thread. */
export async function triageThroughMcp(client: Client, instanceId: string, timeoutMs = 120_000): Promise<TriageRun> {
  const seen: CallToolResult[] = [];
  const record = (result: CallToolResult) => (seen.push(result), result);
  const started = dataOf<TriageRun['started']>(
    record(await call(client, 'redis_sre_deep_triage', { query: 'Run a deep triage: is anything wrong with this Redis?', instance_id: instanceId })),
  );
  let task: TaskView;
  let polls = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    task = dataOf<TaskView>(record(await call(client, 'redis_sre_get_task_status', { task_id: started.task_id })));
    polls++;
    if (!['queued', 'running'].includes(task.status) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const threadResult = record(await call(client, 'redis_sre_get_thread', { thread_id: started.thread_id }));
  return { started, polls, task, threadText: textOf(threadResult), thread: dataOf<Thread>(threadResult), everything: JSON.stringify(seen) };
}
