import { ApplicationFailure, uuid4 } from '@temporalio/workflow';
import type { ChatMessage, ModelToolCall, TaskInput, ToolOutput, ToolRef } from '../core/types';
import { shortCallId } from '../core/call-id';
import { toolActivity } from './proxies';
import type { StatusTracker } from './status';

/** Running tool calls from a workflow: each call is its own activity, a batch runs in parallel. */

export interface ToolCallContext {
  task: TaskInput;
  tools: ToolRef[];
  status: StatusTracker;
  topic?: string;
  /** The data node the calls run on (host:port of a sentinel instance's replica); absent: the instance's own. */
  node?: string;
}

/** callId: the id the thread and the evidence store know the call by (absent when the call never ran). */
export type ToolCallOutcome = { ok: true; output: ToolOutput; callId?: string } | { ok: false; error: string; callId?: string };

/**
 * The failure message a model (and a report) should see: the innermost cause's own words (the
 * tool or model error), not Temporal's wrappers ("Activity task failed", "Child Workflow
 * execution failed").
 */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && (current as { cause?: unknown }).cause instanceof Error) current = (current as { cause: Error }).cause;
  if (current instanceof ApplicationFailure || current instanceof Error) return current.message;
  return String(err);
}

function brief(args: unknown): string {
  const text = JSON.stringify(args ?? {});
  return text === '{}' ? '' : ` ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

export async function callTool(ctx: ToolCallContext, name: string, args: unknown): Promise<ToolCallOutcome> {
  const ref = ctx.tools.find((t) => t.name === name);
  if (!ref) {
    const error = `unknown tool '${name}'; available: ${ctx.tools.map((t) => t.name).join(', ')}`;
    ctx.status.toolCall({ tool: name, ok: false, summary: error, topic: ctx.topic, ran: false });
    return { ok: false, error };
  }
  const input = {
    callId: uuid4(),
    taskId: ctx.task.taskId,
    threadId: ctx.task.threadId,
    instanceId: ctx.task.instanceId,
    topic: ctx.topic,
    ...(ctx.node ? { node: ctx.node } : {}),
    args,
  };
  try {
    const output = await toolActivity(ref.name, ref.retryClass).executeWithOptions({ summary: `${name}${brief(args)} · call ${shortCallId(input.callId)}` }, [
      input,
    ]);
    ctx.status.toolCall({ tool: name, ok: true, summary: output.truncated ? 'ok (truncated)' : 'ok', topic: ctx.topic });
    return { ok: true, output, callId: input.callId };
  } catch (err) {
    const error = failureMessage(err);
    ctx.status.toolCall({ tool: name, ok: false, summary: error, topic: ctx.topic });
    return { ok: false, error, callId: input.callId };
  }
}

/** Runs a model turn's tool calls concurrently and returns the tool messages for the next turn. */
export async function runModelToolCalls(ctx: ToolCallContext, calls: ModelToolCall[]): Promise<ChatMessage[]> {
  return Promise.all(
    calls.map(async (call): Promise<ChatMessage> => {
      let args: unknown;
      try {
        args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
      } catch {
        const error = `arguments for ${call.function.name} were not valid JSON: ${call.function.arguments.slice(0, 200)}`;
        ctx.status.toolCall({ tool: call.function.name, ok: false, summary: error, topic: ctx.topic, ran: false });
        return { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error }) };
      }
      const outcome = await callTool(ctx, call.function.name, args);
      const content = outcome.ok
        ? JSON.stringify(outcome.output.truncated ? { data: outcome.output.data, truncated: outcome.output.truncated } : outcome.output.data)
        : JSON.stringify({ error: outcome.error });
      return { role: 'tool', tool_call_id: call.id, content };
    }),
  );
}
