import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  patched,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { proposedActionsText, proposeRemediations } from './remediation-proposals';
import { SA_AGENT, SA_INSTANCE, SA_STATUS } from '../core/search-attributes';
import type { AgentKind, Report, TaskInput, TaskResult, TaskSetup } from '../core/types';
import type { TargetResolution } from '../core/target-resolution';
import { chatWorkflow } from './chat';
import { investigateSeveral } from './several-targets';
import { clusterTriageWorkflow } from './cluster-triage';
import { deepTriageWorkflow } from './deep-triage';
import { knowledgeWorkflow } from './knowledge';
import { announceTask } from './notify';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';
import { failureMessage } from './tool-calls';

const AGENTS = { chat: chatWorkflow, triage: deepTriageWorkflow, knowledge: knowledgeWorkflow } as const;
/**
 * Runs started by a schedule (or `temporal workflow start`) may leave taskId/threadId empty: the
 * task id is then the workflow id, and the run opens a thread of its own.
 */
function withIds(input: TaskInput): TaskInput {
  return {
    ...input,
    agent: input.agent ?? 'auto',
    source: input.source ?? 'schedule',
    taskId: input.taskId || workflowInfo().workflowId,
    threadId: input.threadId || `thread_${uuid4().replace(/-/g, '').slice(0, 16)}`,
  };
}

const AGENT_TITLES: Record<AgentKind, string> = { chat: 'chat', triage: 'deep triage', knowledge: 'knowledge' };

/** A cluster instance is triaged node by node; the patch keeps older histories replaying as they ran. */
function agentWorkflow(agent: AgentKind, instanceType: string | undefined) {
  if (agent === 'triage' && instanceType === 'cluster' && patched('cluster-triage')) return { workflow: clusterTriageWorkflow, title: 'cluster triage' };
  return { workflow: AGENTS[agent], title: AGENT_TITLES[agent] };
}

/** One instance (or none, for knowledge): the router picks the agent, which runs as a child workflow. */
async function askTheAgent(task: TaskInput, setup: TaskSetup, status: StatusTracker): Promise<{ result: TaskResult; report: Report }> {
  const route = await bookkeeping.routeTask(task);
  Object.assign(status.state, { agent: route.agent, mode: route.mode });
  upsertSearchAttributes([{ key: SA_AGENT, value: route.agent }]);
  const childId = `${task.taskId}-${route.agent}`;
  status.state.childWorkflowId = childId;
  status.phase('investigating', route.reason);
  const agent = agentWorkflow(route.agent, setup.instanceType);
  const outcome = await executeChild(agent.workflow, {
    args: [{ task, setup, route }],
    workflowId: childId,
    staticSummary: `${agent.title}${route.mode === 'offline' ? ' (offline)' : ''}: ${task.message.slice(0, 120)}`,
    typedSearchAttributes: [
      { key: SA_AGENT, value: route.agent },
      { key: SA_STATUS, value: 'running' },
      ...(task.instanceId ? [{ key: SA_INSTANCE, value: task.instanceId }] : []),
    ],
  });
  status.addUsage(outcome.usage);
  const result: TaskResult = {
    taskId: task.taskId,
    threadId: task.threadId,
    agent: route.agent,
    mode: outcome.mode,
    answer: outcome.answer,
    findings: outcome.report.findings,
    usage: outcome.usage,
    toolCalls: outcome.toolCalls,
    ...(outcome.grounding ? { grounding: outcome.grounding } : {}),
  };
  return { result, report: outcome.report };
}

/**
 * A task: one question, answered by the agent the router picks, recorded in a thread.
 * Task id = workflow id. The agent runs as a child workflow so its history stands on its own.
 */
export async function taskWorkflow(input: TaskInput): Promise<TaskResult> {
  let task = withIds(input);
  const status = new StatusTracker();
  upsertSearchAttributes([{ key: SA_STATUS, value: 'running' }]);
  try {
    status.phase('routing');
    // Asked without an instance, a question may name its targets in words (the patch keeps older
    // histories replaying as they ran): one is attached, several are answered side by side.
    const targets: TargetResolution =
      !task.instanceId && task.agent !== 'knowledge' && patched('target-resolution')
        ? await bookkeeping.resolveTargets({ message: task.message, forceOffline: task.forceOffline })
        : { kind: 'none' };
    if (targets.kind === 'one') {
      task = { ...task, instanceId: targets.target.instanceId };
      status.phase('routing', targets.reason);
      upsertSearchAttributes([{ key: SA_INSTANCE, value: targets.target.instanceId }]);
    }
    const setup = await bookkeeping.beginTask(task);
    const { result, report } = targets.kind === 'several' ? await investigateSeveral(task, targets, status) : await askTheAgent(task, setup, status);
    // Several instances: each one's own task proposed its actions (no instance here, so none).
    const actions = await proposeRemediations(task, result.findings);
    if (actions.length) Object.assign(result, { actions, answer: `${result.answer}${proposedActionsText(actions)}` });
    await bookkeeping.finishTask({ task, status: 'done', result, report });
    await announceTask(task, 'done');
    status.phase('done');
    return result;
  } catch (err) {
    const cancelled = isCancellation(err);
    const message = cancelled ? 'cancelled by request' : failureMessage(err);
    await CancellationScope.nonCancellable(async () => {
      await bookkeeping.finishTask({ task, status: cancelled ? 'cancelled' : 'failed', error: message });
      // A failed investigation is news too; a cancelled one was asked for.
      if (!cancelled) await announceTask(task, 'failed');
    });
    status.phase('failed', message);
    if (cancelled) {
      upsertSearchAttributes([{ key: SA_STATUS, value: 'cancelled' }]);
      throw err;
    }
    throw ApplicationFailure.nonRetryable(message, 'TaskFailed');
  }
}
