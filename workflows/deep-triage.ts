import { executeChild, isCancellation, patched } from '@temporalio/workflow';
import { SA_AGENT, SA_INSTANCE } from '../core/search-attributes';
import { NO_USAGE, type AgentInput, type AgentOutcome, type ProgressEvent, type TopicPlan, type TopicResult } from '../core/types';
import { collectBaseline } from './baseline';
import { withReplicaBaselines } from './replica-baselines';
import { groundingSummary } from './grounding';
import { bookkeeping, model } from './proxies';
import { researchTopicWorkflow } from './research-topic';
import { StatusTracker } from './status';
import { failureMessage } from './tool-calls';

/**
 * Deep triage: baseline (every rule check) → plan research topics → research them in parallel
 * child workflows → synthesize a report. A topic that fails is reported as failed; the triage
 * still completes. Offline, the rule report grouped by topic is the result.
 */
export async function deepTriageWorkflow(input: AgentInput): Promise<AgentOutcome> {
  const status = new StatusTracker();
  return status.run(() => triage(input, status));
}

async function triage(input: AgentInput, status: StatusTracker): Promise<AgentOutcome> {
  const { task, setup, route } = input;
  Object.assign(status.state, { agent: 'triage', mode: route.mode });
  const tools = await bookkeeping.describeTools({ agent: 'triage', withInstance: Boolean(task.instanceId) });
  const target = setup.instanceLabel ?? 'this Redis';
  // Progress events are for live viewers: losing one (app Redis down) must not fail the triage.
  const announce = (event: ProgressEvent) =>
    bookkeeping.reportProgress({ threadId: task.threadId, event }).catch((err: unknown) => {
      if (isCancellation(err)) throw err;
    });
  const progress = (phase: typeof status.state.phase, detail?: string) => {
    status.phase(phase, detail);
    return announce({ type: 'phase', taskId: task.taskId, phase, detail });
  };

  await progress('collecting-baseline', 'running every health check');
  let digest = await collectBaseline({ task, tools, status });
  // A sentinel instance: the baseline above ran on the current master; its replicas are diagnosed too.
  if (digest.topology && patched('triage-sentinel-replicas')) {
    await progress('collecting-baseline', `diagnosing ${digest.topology.replicas.length} replica(s) of master ${digest.topology.master}`);
    digest = await withReplicaBaselines(task, { ...digest, topology: digest.topology });
  }

  if (route.mode === 'offline') {
    await progress('synthesizing', 'offline rule report');
    const report = await bookkeeping.renderOfflineAnswer({ agent: 'triage', digest, question: task.message, target });
    status.phase('done');
    return { answer: report.markdown, report, usage: NO_USAGE, toolCalls: status.toolCallsRan(), mode: 'offline' };
  }

  await progress('planning');
  let topics: TopicPlan[];
  // How the triage ran, when it did not go as planned: the report says it too.
  const notes: string[] = [];
  try {
    const plan = await model.planTopics({ question: task.message, digest });
    status.addUsage(plan.usage);
    topics = plan.topics;
    if (plan.note) notes.push(plan.note);
  } catch (err) {
    topics = await bookkeeping.deriveTopics({ digest });
    notes.push(`planning failed (${failureMessage(err)}); topics derived from the baseline`);
  }
  if (notes.length) status.describe(notes.join('; '));
  status.state.topics = topics.map((t) => ({ id: t.id, title: t.title, state: 'pending' }));

  await progress('researching', `${topics.length} topics in parallel`);
  const setTopic = (topic: TopicPlan, state: 'running' | 'done' | 'failed') => {
    status.state.topics = status.state.topics.map((t) => (t.id === topic.id ? { ...t, state } : t));
    status.describe();
    return announce({ type: 'topic', taskId: task.taskId, topicId: topic.id, title: topic.title, state });
  };
  const results = await Promise.all(
    topics.map(async (topic, i): Promise<TopicResult> => {
      await setTopic(topic, 'running');
      let result: TopicResult;
      try {
        result = await executeChild(researchTopicWorkflow, {
          // Research needs the limits and the label, not the conversation so far.
          args: [{ task, setup: { ...setup, history: [] }, topic, digest }],
          workflowId: `${task.taskId}-topic-${i + 1}`,
          staticSummary: `research topic: ${topic.title}`,
          typedSearchAttributes: [{ key: SA_AGENT, value: 'triage' }, ...(task.instanceId ? [{ key: SA_INSTANCE, value: task.instanceId }] : [])],
        });
      } catch (err) {
        result = { topic, state: 'failed', notes: '', findings: [], toolCalls: 0, error: failureMessage(err), usage: NO_USAGE };
      }
      status.addUsage(result.usage);
      await setTopic(topic, result.state);
      return result;
    }),
  );

  await progress('synthesizing');
  let report;
  try {
    const synthesis = await model.synthesizeReport({ question: task.message, digest, topics: results, target, notes });
    status.addUsage(synthesis.usage);
    report = synthesis.report;
  } catch (err) {
    report = await bookkeeping.fallbackReport({ digest, topics: results, target, why: failureMessage(err), notes });
  }
  const toolCalls = status.toolCallsRan() + results.reduce((n, r) => n + r.toolCalls, 0);
  // The synthesized report is checked against every tool output of the triage, topics included.
  if (report.mode === 'model' && patched('triage-grounding')) {
    const grounding = await bookkeeping.groundAnswer({ taskId: task.taskId, answer: report.markdown, derived: digest });
    status.phase('done');
    const grounded = { ...report, markdown: grounding.annotated };
    return {
      answer: grounded.markdown,
      report: grounded,
      usage: status.state.usage,
      toolCalls,
      mode: 'model',
      grounding: groundingSummary(grounding, 'accepted'),
    };
  }
  status.phase('done');
  return { answer: report.markdown, report, usage: status.state.usage, toolCalls, mode: 'model' };
}
