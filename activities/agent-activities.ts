import { renderClusterReport, type NodeBaseline } from './rules/cluster/report';
import type { ClusterTopologyReport } from './tools/redis/cluster-topology';
import { ApplicationFailure } from '@temporalio/common';
import { recordGrounding, recordTaskFinished } from '../core/agent-metrics';
import { endpointLabel } from '../core/redis-url';
import type {
  AgentKind,
  BaselineDigest,
  ChatMessage,
  ModelTier,
  ProgressEvent,
  Report,
  RouteDecision,
  TaskInput,
  TaskResult,
  TaskSetup,
  TaskStatus,
  ToolRef,
  TopicPlan,
  ToolSpec,
  TopicResult,
} from '../core/types';
import { LIST_TOOLS, LIST_TOOLS_SPEC } from '../core/tool-selection';
import { offeredToolsFor } from '../core/model-fit';
import type { WorkerDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { checkGrounding, type GroundingResult } from './grounding/check';
import { firstSentence } from './model/budget';
import { modelTurn as callModel, type ModelTurnResult } from './model/turn';
import { route } from './router';
import { resolveTargets } from './target-resolution';
import type { TargetResolution } from '../core/target-resolution';
import type { BaselineInput } from './rules/baseline';
import type { FollowUp } from './rules/check';
import { runChecks } from './rules/engine';
import { renderOffline } from './rules/report';
import { fallbackReport, planTopics as plan, synthesizeReport as synthesize, topicsFromBaseline, type PlanResult } from './triage';

/** How much earlier conversation a follow-up question carries. */
const HISTORY_MESSAGES = 8;
const HISTORY_CHARS = 4_000;

/** Activities of the agents (everything but the tools): bookkeeping, routing, model calls, rules. */
export function createAgentActivities(deps: WorkerDeps) {
  const { threads, tasks, registry, config } = deps;

  const requireModel = () => {
    if (!deps.model)
      throw ApplicationFailure.nonRetryable('no model is configured (set SRE_MODEL / OPENAI_API_KEY); this step needs one', 'ModelNotConfigured');
    return deps.model;
  };

  return {
    /** Makes sure the thread exists, records the question, and returns what the task needs to know. */
    async beginTask(task: TaskInput): Promise<TaskSetup> {
      if (!(await threads.exists(task.threadId))) await threads.create({ id: task.threadId, title: task.message, instanceId: task.instanceId });
      const existing = await tasks.find(task.taskId);
      if (existing && task.instanceId && !existing.instanceId) {
        // Submitted without an instance, resolved to one by name: the record and the thread say which.
        await tasks.setInstance(task.taskId, task.instanceId);
        if (!(await threads.meta(task.threadId)).instanceId) await threads.setInstance(task.threadId, task.instanceId);
      }
      if (!existing) {
        await tasks.create({
          taskId: task.taskId,
          threadId: task.threadId,
          message: task.message,
          requestedAgent: task.agent,
          instanceId: task.instanceId,
          source: task.source,
          createdAt: new Date().toISOString(),
        });
      }
      const earlier = (await threads.messages(task.threadId)).filter((m) => m.taskId !== task.taskId).slice(-HISTORY_MESSAGES);
      await threads.appendMessage(task.threadId, { role: 'user', content: task.message, taskId: task.taskId, at: new Date().toISOString() });
      await threads.publish(task.threadId, { type: 'task_started', taskId: task.taskId, message: task.message });
      let instanceLabel: string | undefined;
      let instanceType: string | undefined;
      if (task.instanceId) {
        const connection = await deps.instances.resolve(task.instanceId).catch((err) => {
          throw ApplicationFailure.nonRetryable(`instance ${task.instanceId} cannot be used: ${(err as Error).message}`, 'InstanceUnavailable');
        });
        instanceLabel = `${connection.name} (${endpointLabel(connection.url)})`;
        instanceType = connection.instanceType;
      }
      return {
        history: earlier.map(
          (m) => ({ role: m.role, content: m.content.length > HISTORY_CHARS ? `${m.content.slice(0, HISTORY_CHARS)}…` : m.content }) as ChatMessage,
        ),
        instanceLabel,
        ...(instanceType ? { instanceType } : {}),
        modelConfigured: Boolean(deps.model),
        limits: {
          maxToolIterations: config.limits.maxToolIterations,
          topicToolBudget: config.limits.topicToolBudget,
          offeredTools: offeredToolsFor(deps.model?.settings.contextTokens),
        },
        ...(deps.model ? { modelContextTokens: deps.model.settings.contextTokens } : {}),
      };
    },

    async routeTask(task: TaskInput): Promise<RouteDecision> {
      const mode = task.forceOffline || !deps.model ? 'offline' : 'model';
      const decision = await withHeartbeat(() => route({ message: task.message, hasInstance: Boolean(task.instanceId), agent: task.agent }, mode, deps.model));
      const { usage: _usage, ...result } = decision;
      await threads.publish(task.threadId, { type: 'routed', taskId: task.taskId, agent: result.agent, mode: result.mode, reason: result.reason });
      return result;
    },

    /** A question asked without an instance: the registered instances it names in words, if any. */
    async resolveTargets(input: { message: string; forceOffline?: boolean }): Promise<TargetResolution> {
      const registry = (await deps.instances.list()).map((i) => ({
        id: i.id,
        name: i.name,
        environment: i.environment,
        usage: i.usage,
        instance_type: i.instance_type,
      }));
      return withHeartbeat(() => resolveTargets(input.message, registry, input.forceOffline ? undefined : deps.model));
    },

    /** The tools an agent may use: name and retry family only (the model activity has the rest). */
    async describeTools(input: { agent: AgentKind; withInstance: boolean }): Promise<ToolRef[]> {
      const capabilities = input.agent === 'knowledge' ? (['knowledge'] as const) : undefined;
      return registry.offered(config, { withInstance: input.withInstance, capabilities }).map((t) => ({
        name: t.name,
        retryClass: t.retryClass,
        capability: t.capability,
        ...(t.categories ? { categories: t.categories } : {}),
        summary: firstSentence(t.description, 200),
      }));
    },

    async modelTurn(input: { tier: ModelTier; messages: ChatMessage[]; tools: string[]; maxTokens?: number }): Promise<ModelTurnResult> {
      const model = requireModel();
      const specs: ToolSpec[] = registry.offered(config, { withInstance: true }).filter((t) => input.tools.includes(t.name));
      // list_tools is the agent loop's own (workflows/agent-loop.ts), not an activity.
      if (input.tools.includes(LIST_TOOLS)) specs.push({ ...LIST_TOOLS_SPEC, capability: 'redis', retryClass: 'redis', needsInstance: false, access: 'read' });
      return withHeartbeat(() =>
        callModel(model.client, model.settings, { tier: input.tier, messages: input.messages, tools: specs, maxTokens: input.maxTokens }),
      );
    },

    /** The grounding check of a model's answer against this task's tool outputs (deterministic, no model). */
    async groundAnswer(input: { taskId: string; answer: string; derived?: unknown; scope?: 'instance' | 'knowledge' }): Promise<GroundingResult> {
      const evidence = deps.evidence ? await deps.evidence.list(input.taskId) : [];
      const known = [...registry.all().map((t) => t.name), LIST_TOOLS];
      const result = checkGrounding(input.answer, evidence, known, { derived: input.derived, scope: input.scope });
      recordGrounding(result.supported, result.unsupported.length);
      return result;
    },

    async evaluateBaseline(input: { outputs: BaselineInput }): Promise<{ digest: BaselineDigest; followUps: FollowUp[] }> {
      return runChecks(input.outputs);
    },

    async renderOfflineAnswer(input: { agent: AgentKind; digest: BaselineDigest; question: string; target: string }): Promise<Report> {
      return renderOffline(input.agent, input.digest, input.question, input.target);
    },

    /** The cluster triage's report from the discovery and every node's baseline digest. */
    async clusterReport(input: { topology: ClusterTopologyReport; nodes: NodeBaseline[]; target: string; question: string }): Promise<Report> {
      return renderClusterReport(input);
    },

    async planTopics(input: { question: string; digest: BaselineDigest }): Promise<PlanResult> {
      const model = requireModel();
      return withHeartbeat(() => plan(model.client, model.settings, input.question, input.digest));
    },

    /** Topics from the rule findings, when planning with the model failed. */
    async deriveTopics(input: { digest: BaselineDigest }): Promise<TopicPlan[]> {
      return topicsFromBaseline(input.digest);
    },

    async synthesizeReport(input: { question: string; digest: BaselineDigest; topics: TopicResult[]; target: string; notes?: string[] }) {
      const model = requireModel();
      return withHeartbeat(() => synthesize(model.client, model.settings, input));
    },

    async fallbackReport(input: { digest: BaselineDigest; topics: TopicResult[]; target: string; why: string; notes?: string[] }): Promise<Report> {
      return fallbackReport(input.digest, input.topics, input.target, input.why, input.notes);
    },

    async reportProgress(input: { threadId: string; event: ProgressEvent }): Promise<void> {
      await threads.publish(input.threadId, input.event);
    },

    /** Stores the outcome in the thread and the task record, then tells stream listeners. */
    async finishTask(input: { task: TaskInput; status: TaskStatus; result?: TaskResult; report?: Report; error?: string }): Promise<void> {
      const { task, result } = input;
      const at = new Date().toISOString();
      if (result) {
        await threads.appendMessage(task.threadId, { role: 'assistant', content: result.answer, taskId: task.taskId, at });
        if (input.report) await threads.saveReport(task.threadId, { ...input.report, taskId: task.taskId, usage: result.usage, at });
        await threads.publish(task.threadId, { type: 'answer', taskId: task.taskId, answer: result.answer });
      } else if (input.error) {
        await threads.appendMessage(task.threadId, { role: 'assistant', content: `The task failed: ${input.error}`, taskId: task.taskId, at });
      }
      if (await tasks.find(task.taskId)) await tasks.finish(task.taskId, { status: input.status, result, error: input.error });
      await threads.publish(task.threadId, { type: 'task_done', taskId: task.taskId, status: input.status, error: input.error });
      recordTaskFinished(result?.agent ?? task.agent, result?.mode ?? 'none', input.status);
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
