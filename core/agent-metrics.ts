import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Footprint } from './footprint';

/**
 * The agent's own series, recorded in the worker where the work happens (tool and model activities,
 * the grounding check, task completion). One registry per process: several workers in one process
 * (tests) add to the same series, the way one worker's task slots would. Served by
 * workers/metrics-server.ts; the Temporal SDK's own series come from its Prometheus exporter.
 */
export const agentRegistry = new Registry();

/** Latency buckets (seconds) for tools: most Redis diagnostics answer in milliseconds, range queries and MCP in seconds. */
const TOOL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Model calls: a hosted model answers in seconds, a local 1.5B model on two cores in about a minute (core/config.ts). */
const MODEL_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];

const tasks = new Counter({
  name: 'sre_agent_tasks_total',
  help: 'Finished tasks by agent, answer mode (model or offline) and outcome (done, failed, cancelled).',
  labelNames: ['agent', 'mode', 'outcome'] as const,
  registers: [agentRegistry],
});
const toolCalls = new Counter({
  name: 'sre_agent_tool_calls_total',
  help: 'Tool call attempts by tool and outcome (ok, retryable_error, failed).',
  labelNames: ['tool', 'outcome'] as const,
  registers: [agentRegistry],
});
const toolDuration = new Histogram({
  name: 'sre_agent_tool_call_duration_seconds',
  help: 'Tool call attempt latency by tool and outcome.',
  labelNames: ['tool', 'outcome'] as const,
  buckets: TOOL_BUCKETS,
  registers: [agentRegistry],
});
const modelCalls = new Counter({
  name: 'sre_agent_model_calls_total',
  help: 'Model calls by tier (main, mini, nano) and outcome (ok, error).',
  labelNames: ['tier', 'outcome'] as const,
  registers: [agentRegistry],
});
const modelDuration = new Histogram({
  name: 'sre_agent_model_call_duration_seconds',
  help: 'Model call latency by tier and outcome.',
  labelNames: ['tier', 'outcome'] as const,
  buckets: MODEL_BUCKETS,
  registers: [agentRegistry],
});
const modelTokens = new Counter({
  name: 'sre_agent_model_tokens_total',
  help: 'Tokens the model endpoint reported, by tier and kind (prompt, completion).',
  labelNames: ['tier', 'kind'] as const,
  registers: [agentRegistry],
});
const groundingChecked = new Counter({
  name: 'sre_agent_grounding_claims_total',
  help: 'Claims in model answers the grounding check examined, by result (supported, unsupported).',
  labelNames: ['result'] as const,
  registers: [agentRegistry],
});
const targetServerSeconds = new Counter({
  name: 'sre_agent_target_busy_seconds_total',
  help: 'Time the agent kept target Redis servers busy (union of in-flight commands), by tool: the cost of diagnosis to the target.',
  labelNames: ['tool'] as const,
  registers: [agentRegistry],
});
const targetCommands = new Counter({
  name: 'sre_agent_target_commands_total',
  help: 'Commands the agent sent to target Redis servers, by tool.',
  labelNames: ['tool'] as const,
  registers: [agentRegistry],
});
const approvalsPending = new Gauge({
  name: 'sre_agent_approvals_pending',
  help: 'Remediation actions waiting for an approval.',
  registers: [agentRegistry],
});
const approvalOldestWait = new Gauge({
  name: 'sre_agent_approval_oldest_wait_seconds',
  help: 'How long the oldest pending approval has waited (0 when none is pending).',
  registers: [agentRegistry],
});

export type ToolOutcome = 'ok' | 'retryable_error' | 'failed';

export function recordToolCall(tool: string, outcome: ToolOutcome, seconds: number, footprint?: Footprint): void {
  toolCalls.inc({ tool, outcome });
  toolDuration.observe({ tool, outcome }, seconds);
  if (footprint?.commands) {
    targetCommands.inc({ tool }, footprint.commands);
    targetServerSeconds.inc({ tool }, footprint.busyMs / 1000);
  }
}

export function recordModelCall(tier: string, outcome: 'ok' | 'error', seconds: number, tokens?: { prompt: number; completion: number }): void {
  modelCalls.inc({ tier, outcome });
  modelDuration.observe({ tier, outcome }, seconds);
  if (tokens) {
    modelTokens.inc({ tier, kind: 'prompt' }, tokens.prompt);
    modelTokens.inc({ tier, kind: 'completion' }, tokens.completion);
  }
}

export function recordGrounding(supported: number, unsupported: number): void {
  groundingChecked.inc({ result: 'supported' }, supported);
  groundingChecked.inc({ result: 'unsupported' }, unsupported);
}

export function recordTaskFinished(agent: string, mode: string, outcome: string): void {
  tasks.inc({ agent, mode, outcome });
}

/** The hook for the approvals service: call it whenever the set of pending approvals changes. */
export function setApprovalsPending(count: number, oldestWaitSeconds: number): void {
  approvalsPending.set(count);
  approvalOldestWait.set(count ? oldestWaitSeconds : 0);
}
