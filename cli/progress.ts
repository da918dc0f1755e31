import type Redis from 'ioredis';
import { connectAppRedis } from '../core/app-redis';
import type { Services } from '../service';
import type { TaskView } from '../service/tasks';
import type { ThreadStore } from '../core/threads';
import type { ProgressEvent } from '../core/types';

/** Streams a thread's progress events to the terminal until the task finishes. */

export function describeEvent(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case 'task_started':
      return `▶ task ${event.taskId} started`;
    case 'routed':
      return `↳ routed to ${event.agent} (${event.mode}): ${event.reason}`;
    case 'phase':
      return `… ${event.phase}${event.detail ? `: ${event.detail}` : ''}`;
    case 'topic':
      return `  ◆ topic "${event.title}": ${event.state}`;
    case 'tool_call':
      return `  → ${event.topic ? `[${event.topic}] ` : ''}${event.tool} ${JSON.stringify(event.args ?? {})}`;
    case 'tool_result':
      return `  ${event.ok ? '✓' : '✗'} ${event.tool} [call ${event.callId.slice(0, 8)}]: ${event.summary} (${event.durationMs} ms)`;
    case 'task_done':
      return `■ task ${event.status}${event.error ? `: ${event.error}` : ''}`;
    case 'action_proposed':
      return `  ⚑ action ${event.approvalId} proposed (${event.risk} risk): ${event.title}; waiting for approval`;
    case 'action_approved':
    case 'action_rejected':
    case 'action_expired':
      return `  ⚑ action ${event.approvalId} ${event.state}${event.by ? ` by ${event.by}` : ''}`;
    case 'action_executed':
      return `  ⚑ action ${event.approvalId} ${event.state}: ${event.detail}`;
    case 'action_verified':
      return `  ⚑ action ${event.approvalId} verification ${event.passed ? 'passed' : 'failed'}: ${event.detail}`;
    default:
      return undefined;
  }
}

export async function followThread(
  threads: ThreadStore,
  reader: Redis,
  threadId: string,
  taskId: string,
  write: (line: string) => void,
  options: { fromId?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  let lastId = options.fromId ?? '0';
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  while (Date.now() < deadline && !options.signal?.aborted) {
    const entries = await threads.readEvents(threadId, lastId, { blockMs: 1000, client: reader });
    for (const entry of entries) {
      lastId = entry.id;
      if (entry.event.taskId !== taskId) continue;
      const line = describeEvent(entry.event);
      if (line) write(line);
      if (entry.event.type === 'task_done') return;
    }
  }
}

/**
 * Waits for a task within one deadline, optionally printing its progress events as they come.
 * The task's end (even one that never wrote task_done, e.g. terminated) stops the follow.
 */
export async function awaitTask(
  services: Services,
  task: { task_id: string; thread_id: string },
  options: { follow: boolean; timeoutMs: number; write: (line: string) => void },
): Promise<TaskView> {
  const finished = services.tasks.whenFinished(task.task_id, options.timeoutMs);
  if (options.follow) {
    const stop = new AbortController();
    const reader = connectAppRedis(services.config.appRedisUrl);
    try {
      await Promise.race([
        followThread(services.stores.threads, reader, task.thread_id, task.task_id, options.write, { timeoutMs: options.timeoutMs, signal: stop.signal }),
        finished,
      ]);
    } finally {
      stop.abort();
      reader.disconnect();
    }
  }
  await finished;
  return services.tasks.get(task.task_id);
}
