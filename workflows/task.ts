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
import type { AgentKind, TaskInput, TaskResult } from '../core/types';
import { chatWorkflow } from './chat';
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

/**
 * A task: one question, answered by the agent the router picks, recorded in a thread.
 * Task id = workflow id. The agent runs as a child workflow so its history stands on its own.
 */
export async function taskWorkflow(input: TaskInput): Promise<TaskResult> {
  const task = withIds(input);
  const status = new StatusTracker();
  upsertSearchAttributes([{ key: SA_STATUS, value: 'running' }]);
  try {
    status.phase('routing');
    const setup = await bookkeeping.beginTask(task);
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
    const actions = await proposeRemediations(task, outcome.report.findings);
    if (actions.length) Object.assign(result, { actions, answer: `${result.answer}${proposedActionsText(actions)}` });
    await bookkeeping.finishTask({ task, status: 'done', result, report: outcome.report });
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
