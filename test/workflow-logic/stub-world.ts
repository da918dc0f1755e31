import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type OpenAI from 'openai';
import type { BaselineInput } from '../../activities/rules/baseline';
import { checkGrounding } from '../../activities/grounding/check';
import { runChecks } from '../../activities/rules/engine';
import { BUILTIN_TOOLS } from '../../activities/tools/registry';
import type { EvidenceEntry } from '../../core/evidence';
import { renderOffline } from '../../activities/rules/report';
import { fallbackReport, planTopics, synthesizeReport, topicsFromBaseline } from '../../activities/triage';
import type { ModelTurnResult } from '../../activities/model/turn';
import type { ModelSettings } from '../../core/config';
import { errorMessage } from '../../core/errors';
import type {
  AgentKind,
  BaselineDigest,
  ChatMessage,
  ProgressEvent,
  TaskInput,
  TaskResult,
  TaskSetup,
  TaskStatus,
  ToolCallInput,
  ToolRef,
  TopicResult,
} from '../../core/types';
import { BASELINE_CALLS } from '../../workflows/playbook';
import { installRuntime } from '../../workers/runtime';
import { tracingWorkerOptions } from '../../workers/tracing-interceptors';
import { disabledTracing } from '../../core/tracing';
import { readStackEnv } from '../support/stack-env';

/**
 * The fast workflow-logic tier: the real workflow code on the real Temporal dev server, with the
 * activities stubbed (as the Temporal samples test workflows). Tool activities answer with outputs
 * captured from a real server; the model is a function of the request; the rules engine, topic
 * derivation and report rendering are the real pure functions. Branches that are slow or hard to
 * provoke on the full stack (planner garbage, a failing topic, synthesis down, cancellation) are
 * driven directly.
 */

export const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'baselines', 'oom-noeviction.json'), 'utf8')) as {
  baseline: BaselineInput;
};

const SETTINGS: ModelSettings = {
  main: 'stub-main',
  mini: 'stub-mini',
  nano: 'stub-nano',
  timeoutMs: 10_000,
  contextTokens: 128_000,
  local: false,
  jsonMode: true,
};

/** A Chat Completions client that answers from a function, in-process (no HTTP). */
export function fakeModelClient(answer: (messages: ChatMessage[]) => string): OpenAI {
  return {
    baseURL: 'http://stub-model.invalid/v1',
    chat: {
      completions: {
        create: async (body: { messages: ChatMessage[] }) => ({
          model: 'stub',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer(body.messages) } }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      },
    },
  } as unknown as OpenAI;
}

export const reply = (content: string): ModelTurnResult => ({
  message: { role: 'assistant', content },
  usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, calls: 1 },
  finishReason: 'stop',
  model: 'stub',
});

/** Waits until the activity is cancelled (heartbeating so the cancellation reaches it). */
export async function blockUntilCancelled(): Promise<never> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), 200);
  try {
    await ctx.cancelled;
    throw new Error('unreachable');
  } finally {
    clearInterval(beat);
  }
}

export interface StubOptions {
  /** The research and chat model turns. */
  modelTurn?(input: { tier: string; messages: ChatMessage[]; tools: string[] }): Promise<ModelTurnResult>;
  /** What the planner model answers (it is asked twice when the first answer is invalid). */
  planner?(messages: ChatMessage[]): string;
  /** What the synthesis model answers; throw to make synthesis fail. */
  synthesis?(messages: ChatMessage[]): string;
  tools?(agent: AgentKind): ToolRef[];
}

export interface Recorded {
  finished: Array<{ taskId: string; status: TaskStatus; error?: string; answer?: string; grounding?: TaskResult['grounding'] }>;
  events: ProgressEvent[];
  toolInputs: ToolCallInput[];
  /** The tool of each input, in the same order. */
  toolNames: string[];
  /** What each task's tools returned, as the worker's evidence store keeps it. */
  evidence: Map<string, EvidenceEntry[]>;
}

export function stubActivities(options: StubOptions, recorded: Recorded) {
  const baselineTools = BASELINE_CALLS.map((c) => c.tool);
  const toolActivities = Object.fromEntries(
    baselineTools.map((name) => [
      name,
      async (input: ToolCallInput) => {
        recorded.toolInputs.push(input);
        recorded.toolNames.push(name);
        const entry = FIXTURE.baseline[name];
        const evidence = recorded.evidence.get(input.taskId) ?? [];
        recorded.evidence.set(input.taskId, evidence);
        if (!entry?.ok) {
          evidence.push({ callId: input.callId, tool: name, error: entry ? entry.error : 'not captured' });
          throw ApplicationFailure.nonRetryable(`${name}: ${entry ? entry.error : 'not captured'}`, 'StubNotCaptured');
        }
        evidence.push({ callId: input.callId, tool: name, data: entry.output.data });
        return entry.output;
      },
    ]),
  );
  return {
    ...toolActivities,
    async knowledge_search(input: ToolCallInput) {
      recorded.toolInputs.push(input);
      recorded.toolNames.push('knowledge_search');
      return { tool: 'knowledge_search', data: { hits: [{ docId: 'oom-maxmemory', title: 'OOM', heading: 'Fix', snippet: 'Raise maxmemory.', score: 1 }] } };
    },
    async beginTask(task: TaskInput): Promise<TaskSetup> {
      return {
        history: [],
        instanceLabel: task.instanceId ? 'stub-cache (127.0.0.1:6379)' : undefined,
        modelConfigured: true,
        limits: { maxToolIterations: 4, topicToolBudget: 2 },
      };
    },
    async routeTask(task: TaskInput) {
      return {
        agent: (task.agent === 'auto' ? 'triage' : task.agent) as AgentKind,
        via: 'explicit' as const,
        reason: 'stub route',
        mode: task.forceOffline ? ('offline' as const) : ('model' as const),
      };
    },
    async describeTools(input: { agent: AgentKind }): Promise<ToolRef[]> {
      if (options.tools) return options.tools(input.agent);
      return input.agent === 'knowledge'
        ? [{ name: 'knowledge_search', retryClass: 'knowledge' }]
        : baselineTools.map((name) => ({ name, retryClass: 'redis' as const }));
    },
    async evaluateBaseline(input: { outputs: BaselineInput }) {
      return runChecks(input.outputs);
    },
    async renderOfflineAnswer(input: { agent: AgentKind; digest: BaselineDigest; question: string; target: string }) {
      return renderOffline(input.agent, input.digest, input.question, input.target);
    },
    async deriveTopics(input: { digest: BaselineDigest }) {
      return topicsFromBaseline(input.digest);
    },
    async fallbackReport(input: { digest: BaselineDigest; topics: TopicResult[]; target: string; why: string; notes?: string[] }) {
      return fallbackReport(input.digest, input.topics, input.target, input.why, input.notes);
    },
    async reportProgress(input: { event: ProgressEvent }) {
      recorded.events.push(input.event);
    },
    async finishTask(input: { task: TaskInput; status: TaskStatus; error?: string; result?: TaskResult }) {
      recorded.finished.push({
        taskId: input.task.taskId,
        status: input.status,
        error: input.error,
        answer: input.result?.answer,
        grounding: input.result?.grounding,
      });
    },
    async groundAnswer(input: { taskId: string; answer: string; derived?: unknown; scope?: 'instance' | 'knowledge' }) {
      return checkGrounding(
        input.answer,
        recorded.evidence.get(input.taskId) ?? [],
        BUILTIN_TOOLS.map((t) => t.name),
        { derived: input.derived, scope: input.scope },
      );
    },
    async modelTurn(input: { tier: string; messages: ChatMessage[]; tools: string[] }) {
      if (!options.modelTurn) return reply('Notes: nothing more to add.');
      return options.modelTurn(input);
    },
    async planTopics(input: { question: string; digest: BaselineDigest }) {
      const planner = options.planner ?? (() => JSON.stringify({ topics: topicsFromBaseline(input.digest) }));
      return planTopics(fakeModelClient(planner), SETTINGS, input.question, input.digest);
    },
    async synthesizeReport(input: { question: string; digest: BaselineDigest; topics: TopicResult[]; target: string; notes?: string[] }) {
      const synthesis = options.synthesis ?? (() => '# Triage\n\n## Summary\nThe stub synthesis.');
      try {
        return await synthesizeReport(fakeModelClient(synthesis), SETTINGS, input);
      } catch (err) {
        // As a model endpoint's refusal (HTTP 4xx) is: final, so the test does not wait out retries.
        throw ApplicationFailure.nonRetryable(errorMessage(err), 'ModelRequestRejected');
      }
    },
  };
}

export interface StubWorld {
  client: Client;
  taskQueue: string;
  recorded: Recorded;
  run<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A worker with the stubbed activities on a task queue of its own, and a client. */
export async function startStubWorld(options: StubOptions = {}): Promise<StubWorld> {
  const stack = readStackEnv();
  const address = `127.0.0.1:${stack.env.SRE_TEMPORAL_PORT}`;
  const taskQueue = `logic-${randomBytes(4).toString('hex')}`;
  const recorded: Recorded = { finished: [], events: [], toolInputs: [], toolNames: [], evidence: new Map() };
  installRuntime('WARN');
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { codePath: stack.workflowBundlePath },
    activities: stubActivities(options, recorded),
    shutdownGraceTime: '1s',
    // The bundle carries the OpenTelemetry workflow interceptors; their sink drops the spans here.
    ...tracingWorkerOptions(disabledTracing(), true),
  });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    client,
    taskQueue,
    recorded,
    run: (fn) => worker.runUntil(fn),
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export function taskInput(overrides: Partial<TaskInput> = {}): TaskInput {
  const id = randomBytes(6).toString('hex');
  return {
    taskId: `task_logic${id}`,
    threadId: `thread_logic${id}`,
    message: 'Writes are failing on this Redis. Why?',
    instanceId: 'inst_stubstub1',
    agent: 'triage',
    source: 'test',
    ...overrides,
  };
}
