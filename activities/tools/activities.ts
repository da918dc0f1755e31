import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ValidationError } from '../../core/errors';
import { recordToolCall } from '../../core/agent-metrics';
import { FootprintRecorder } from '../../core/footprint-recorder';
import type { ToolCallInput, ToolOutput } from '../../core/types';
import { parseOrThrow } from '../../core/validation';
import { heartbeat, withHeartbeat } from '../heartbeat';
import { bound } from './bound';
import type { ToolContext, ToolDefinition } from './define';
import type { ToolDeps } from './deps';
import { toToolFailure } from './failures';
import type { ToolRegistry } from './registry';
import { resolveNode } from './redis/sentinel-nodes';

export type ToolActivity = (input: ToolCallInput) => Promise<ToolOutput>;

function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** Thread bookkeeping must never fail the tool itself. */
async function quietly(deps: ToolDeps, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.log.warn(`could not record ${what}`, { error: (err as Error).message });
  }
}

/** Runs one tool: validate arguments, resolve the instance, run, bound the output, record to the thread. */
export async function runTool(tool: ToolDefinition, deps: ToolDeps, input: ToolCallInput): Promise<ToolOutput> {
  const startedAt = new Date();
  const started = performance.now();
  const footprint = new FootprintRecorder();
  const attempt = activityAttempt();
  const { threads } = deps;
  if (attempt === 1) {
    await quietly(deps, 'tool call', () =>
      threads.publish(input.threadId, { type: 'tool_call', taskId: input.taskId, callId: input.callId, tool: tool.name, args: input.args, topic: input.topic }),
    );
  }
  const finish = async (ok: boolean, summary: string) => {
    const durationMs = Date.now() - startedAt.getTime();
    await quietly(deps, 'tool result', async () => {
      await threads.recordToolCall(input.threadId, input.taskId, {
        callId: input.callId,
        tool: tool.name,
        args: input.args,
        ok,
        summary,
        startedAt: startedAt.toISOString(),
        durationMs,
        topic: input.topic,
      });
      await threads.publish(input.threadId, {
        type: 'tool_result',
        taskId: input.taskId,
        callId: input.callId,
        tool: tool.name,
        ok,
        summary,
        durationMs,
        topic: input.topic,
      });
    });
  };
  try {
    // A write runs only as an approved action; a history recorded elsewhere cannot sneak one in as a tool call.
    if (tool.access === 'write') {
      throw ApplicationFailure.nonRetryable(
        `${tool.name} changes the target: writes run only as approved actions (propose action mcp_write; sre-agent approvals)`,
        'WriteNotAllowed',
      );
    }
    let args: unknown;
    try {
      args = parseOrThrow(tool.schema, input.args ?? {});
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`${tool.name}: invalid arguments: ${(err as ValidationError).message}`, 'InvalidToolArguments');
    }
    const ctx: ToolContext = {
      call: input,
      deps,
      heartbeat,
      footprint,
      instance: async () => {
        if (!input.instanceId) throw new ValidationError(`${tool.name} needs a Redis instance, and this task has none`);
        return resolveNode(deps.targets, await deps.instances.resolve(input.instanceId), input.node);
      },
    };
    const raw = await withHeartbeat(() => tool.handler(args, ctx));
    const { data, truncated } = bound(raw, tool.maxOutputBytes);
    const summary = tool.summarize ? safeSummary(tool, raw) : 'ok';
    // What the model sees is what the grounding check reads: the bounded data.
    if (deps.evidence) await quietly(deps, 'evidence', () => deps.evidence!.record(input.taskId, { callId: input.callId, tool: tool.name, data }));
    await finish(true, truncated ? `${summary} (truncated)` : summary);
    const cost = footprint.summary();
    recordToolCall(tool.name, 'ok', (performance.now() - started) / 1000, cost);
    return { tool: tool.name, data, truncated, ...(cost.commands ? { footprint: cost } : {}) };
  } catch (err) {
    const failure = toToolFailure(tool.name, err);
    recordToolCall(tool.name, failure.nonRetryable ? 'failed' : 'retryable_error', (performance.now() - started) / 1000, footprint.summary());
    // Kept until a retry succeeds (same call id): the grounding check knows the call was made.
    if (deps.evidence)
      await quietly(deps, 'evidence', () => deps.evidence!.record(input.taskId, { callId: input.callId, tool: tool.name, error: failure.message }));
    await finish(false, `${failure.nonRetryable ? 'failed' : `attempt ${attempt} failed, will retry`}: ${failure.message}`);
    throw failure;
  }
}

function safeSummary(tool: ToolDefinition, data: unknown): string {
  try {
    return tool.summarize!(data);
  } catch {
    return 'ok';
  }
}

/** One activity per tool, named after the tool, so the history reads like the investigation. */
export function createToolActivities(registry: ToolRegistry, deps: ToolDeps): Record<string, ToolActivity> {
  return Object.fromEntries(registry.all().map((tool) => [tool.name, (input: ToolCallInput) => runTool(tool, deps, input)]));
}
