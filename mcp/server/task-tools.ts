import { z } from 'zod';
import type { Thread } from '../../core/threads';
import { instanceIdSchema, taskCreateSchema, taskIdSchema, threadIdSchema } from '../../service/schemas';
import { defineAgentTool } from './agent-tool';
import { runTask, taskReply } from './task-replies';

/** Tools that ask the agent something (each a task workflow), and read tasks and threads back. */

const query = taskCreateSchema.shape.message.describe('the question or request, in plain words');
const MAX_WAIT_SECONDS = 600;
const waitSeconds = (fallback: number, what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(MAX_WAIT_SECONDS, `at most ${MAX_WAIT_SECONDS} seconds`)
    .default(fallback)
    .describe(`seconds to wait for ${what} before returning the ids (0 returns at once; at most ${MAX_WAIT_SECONDS})`);
const investigation = { readOnlyHint: true, destructiveHint: false, openWorldHint: true } as const;

export const deepTriageTool = defineAgentTool({
  name: 'redis_sre_deep_triage',
  role: 'operator',
  description:
    'Starts a deep triage of a registered Redis instance: live diagnostics (INFO, slow log, clients, memory, latency, replication, keyspace, metrics, logs, runbooks), several research topics in parallel, and a report with findings and the commands to fix them. Returns task_id and thread_id at once; poll redis_sre_get_task_status, then read the report with redis_sre_get_thread. Set wait_seconds to wait for the report in this call.',
  schema: z
    .object({
      query,
      instance_id: instanceIdSchema.describe('the instance to investigate (see redis_sre_list_instances)'),
      wait_seconds: waitSeconds(0, 'the report'),
    })
    .strict(),
  annotations: { title: 'Deep triage of a Redis instance', ...investigation },
  handler: ({ query: message, instance_id, wait_seconds }, ctx) => runTask(ctx, { message, instance_id, agent: 'triage' }, wait_seconds),
});

export const generalChatTool = defineAgentTool({
  name: 'redis_sre_general_chat',
  role: 'operator',
  description:
    'Quick question to the Redis SRE agent, optionally about a registered instance (then it runs live diagnostics). Waits for the answer (wait_seconds, default 120) and returns it with the task and thread ids.',
  schema: z
    .object({
      query,
      instance_id: instanceIdSchema.optional().describe('a registered instance to look at, if any'),
      wait_seconds: waitSeconds(120, 'the answer'),
    })
    .strict(),
  annotations: { title: 'Ask the Redis SRE agent', ...investigation },
  // Without an instance there is nothing live to check: the router sends it to the knowledge agent.
  handler: ({ query: message, instance_id, wait_seconds }, ctx) => runTask(ctx, { message, instance_id, agent: instance_id ? 'chat' : 'auto' }, wait_seconds),
});

export const databaseChatTool = defineAgentTool({
  name: 'redis_sre_database_chat',
  role: 'operator',
  description:
    'Question about one registered Redis instance ("what is using memory?", "show the slow log"): the agent checks the live instance and answers. Waits for the answer (wait_seconds, default 120).',
  schema: z
    .object({
      query,
      instance_id: instanceIdSchema.describe('the instance to look at (see redis_sre_list_instances)'),
      wait_seconds: waitSeconds(120, 'the answer'),
    })
    .strict(),
  annotations: { title: 'Ask about a Redis instance', ...investigation },
  handler: ({ query: message, instance_id, wait_seconds }, ctx) => runTask(ctx, { message, instance_id, agent: 'chat' }, wait_seconds),
});

export const knowledgeQueryTool = defineAgentTool({
  name: 'redis_sre_knowledge_query',
  role: 'operator',
  description:
    'Asks the knowledge agent a general Redis operations question; it answers from the runbook knowledge base, without touching any live system. Waits for the answer (wait_seconds, default 120).',
  schema: z.object({ query, wait_seconds: waitSeconds(120, 'the answer') }).strict(),
  annotations: { title: 'Ask the Redis knowledge agent', readOnlyHint: true, destructiveHint: false, openWorldHint: false },
  handler: ({ query: message, wait_seconds }, ctx) => runTask(ctx, { message, agent: 'knowledge' }, wait_seconds),
});

export const taskStatusTool = defineAgentTool({
  name: 'redis_sre_get_task_status',
  role: 'viewer',
  description: 'Status of a task (queued, running, done, failed, cancelled), its phase, tool calls so far, and the answer once done.',
  schema: z.object({ task_id: taskIdSchema.describe('The task id returned when the task was started, e.g. task_AbC123xyz') }).strict(),
  annotations: { title: 'Task status', readOnlyHint: true, openWorldHint: false },
  handler: async ({ task_id }, ctx) => taskReply(await ctx.services.tasks.get(task_id)),
});

function threadText(thread: Thread): string {
  const report = thread.reports.at(-1);
  const answer = report?.markdown ?? [...thread.messages].reverse().find((m) => m.role === 'assistant')?.content ?? 'No answer yet: the task is still running.';
  return `${answer}\n\n---\nthread_id: ${thread.id} · ${thread.messages.length} messages · ${thread.toolCalls.length} tool calls · ${thread.reports.length} reports`;
}

export const threadTool = defineAgentTool({
  name: 'redis_sre_get_thread',
  role: 'viewer',
  description:
    'The full conversation of a thread: messages, every tool call with its result summary, and the reports (the text is the latest report; structured content has everything).',
  schema: z.object({ thread_id: threadIdSchema.describe('The thread id returned with the task, e.g. thread_AbC123xyz') }).strict(),
  annotations: { title: 'Read a thread', readOnlyHint: true, openWorldHint: false },
  handler: async ({ thread_id }, ctx) => {
    const thread = await ctx.services.threads.get(thread_id);
    return { data: thread, text: threadText(thread) };
  },
});
