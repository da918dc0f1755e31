/**
 * Domain types shared by workflows, activities and front doors.
 * This file holds types and pure constants only: it crosses into the workflow bundle.
 */

import type { Footprint } from './footprint';

export const AGENT_CHOICES = ['auto', 'chat', 'triage', 'knowledge'] as const;
export type AgentChoice = (typeof AGENT_CHOICES)[number];
export type AgentKind = Exclude<AgentChoice, 'auto'>;

/** How a task was answered: by a model, or by the rules engine with no model. */
export type AnswerMode = 'model' | 'offline';

export type TaskStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export type TaskSource = 'cli' | 'api' | 'mcp' | 'schedule' | 'eval' | 'test' | 'alert' | 'fleet';

export interface TaskInput {
  taskId: string;
  threadId: string;
  message: string;
  instanceId?: string;
  agent: AgentChoice;
  /** Free-form hints from the caller (e.g. "service: checkout"); never secrets. */
  context?: Record<string, string>;
  source: TaskSource;
  /** Force the rules engine even when a model is configured (eval --offline). */
  forceOffline?: boolean;
}

export interface RouteDecision {
  agent: AgentKind;
  via: 'explicit' | 'rules' | 'model';
  reason: string;
  mode: AnswerMode;
}

export type ModelTier = 'main' | 'mini' | 'nano';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  calls: number;
}

export const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, calls: 0 };

/** OpenAI-compatible chat messages: what the workflow keeps as conversation state. */
export interface ModelToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ModelToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Retry families: each maps to activity options in workflows/activity-options.ts. */
export type RetryClass = 'redis' | 'metrics' | 'logs' | 'knowledge' | 'mcp' | 'host';

/** What a tool reaches; agents are offered tools by capability (the knowledge agent: knowledge only). */
export const TOOL_CAPABILITIES = ['redis', 'metrics', 'logs', 'knowledge', 'mcp'] as const;
export type ToolCapability = (typeof TOOL_CAPABILITIES)[number];

/** What the model (and the workflow) knows about a tool. The handler lives in activities/. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments, generated from the tool's zod schema. */
  parameters: Record<string, unknown>;
  capability: ToolCapability;
  /** The question categories it serves (absent: any). */
  categories?: readonly TopicCategory[];
  retryClass: RetryClass;
  /** Whether the tool needs a Redis instance (target) to work. */
  needsInstance: boolean;
  /** Tools that may change state are offered only when writes are explicitly allowed. */
  access: 'read' | 'write';
}

/** Everything a tool activity receives: the caller's identity plus the model's arguments. */
export interface ToolCallInput {
  callId: string;
  taskId: string;
  threadId: string;
  instanceId?: string;
  /** Research topic this call belongs to, for threads and the UI. */
  topic?: string;
  /**
   * host:port of the data node to run on, for an instance with several (a sentinel instance's
   * replicas); absent: the instance's own node (a sentinel instance's current master). Never a secret.
   */
  node?: string;
  args: unknown;
}

/** Bounded, structured output of a tool: what the model and the rules engine read. */
export interface ToolOutput {
  tool: string;
  /** Compact structured data, bounded in size. */
  data: unknown;
  /** Set when the output was cut to stay within bounds, saying what was dropped. */
  truncated?: string;
  /** What producing it cost the target (commands, busy time), when the tool talked to one. */
  footprint?: Footprint;
}

export interface ToolCallRecord {
  callId: string;
  tool: string;
  args: unknown;
  ok: boolean;
  /** One line for humans: what the tool found or why it failed. */
  summary: string;
  startedAt: string;
  durationMs: number;
  topic?: string;
}

export type Severity = 'critical' | 'warning' | 'info';

export const TOPIC_CATEGORIES = [
  'memory',
  'performance',
  'connections',
  'persistence',
  'replication',
  'configuration',
  'security',
  'cluster',
  'keyspace',
  'availability',
] as const;
export type TopicCategory = (typeof TOPIC_CATEGORIES)[number];

export interface Evidence {
  /** The tool that produced the value, e.g. redis_info. */
  source: string;
  /** The field or signal, e.g. errorstat_OOM. */
  signal: string;
  value: string | number;
}

/** One result of a health check: the unit of a diagnosis, offline or with a model. */
export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  category: TopicCategory;
  /** What is wrong and why it matters, in a sentence or two. */
  detail: string;
  evidence: Evidence[];
  recommendation: string;
  /** Exact commands an SRE can run to confirm or fix. */
  commands: string[];
  /** Runbook id in the knowledge base, when one covers this. */
  runbook?: string;
  /** host:port of the node the finding is about, on an instance with several (a cluster node; a sentinel instance's master or replica). */
  node?: string;
}

/** A research topic of a deep triage. */
export interface TopicPlan {
  id: string;
  title: string;
  category: TopicCategory;
  severity: Severity;
  rationale: string;
  /** Tools the research should start with (hints, not a limit). */
  suggestedTools?: string[];
}

export type TopicState = 'pending' | 'running' | 'done' | 'failed';

export interface TopicResult {
  topic: TopicPlan;
  state: 'done' | 'failed';
  /** Markdown notes of what the research found. */
  notes: string;
  findings: Finding[];
  toolCalls: number;
  error?: string;
  usage: TokenUsage;
}

/** The digest of the rules engine over the baseline tool outputs. */
export interface BaselineDigest {
  findings: Finding[];
  /** Ids of checks that ran and passed. */
  passed: string[];
  /** Checks that could not run, with why (e.g. a field absent on this Redis version). */
  skipped: Array<{ checkId: string; reason: string }>;
  /** Key facts about the instance, e.g. version, role, memory. */
  facts: Record<string, string | number>;
  /** Tools that failed while collecting the baseline, with their error. */
  toolErrors: Array<{ tool: string; error: string }>;
  /** What tools that answered could not read (CONFIG renamed away or denied to the agent's user). */
  unreadable?: Array<{ tool: string; error: string }>;
  /** The values a question about each symptom wants stated first, each from a named tool. */
  vitals?: Vital[];
  /** What collecting the baseline cost the target (from the agent's side). */
  footprint?: Footprint;
  /** The agent's own traces left out of the findings (its slow-log entries, its connections). */
  ownActivity?: { slowlogEntries: number; connections: number };
  /** The tool call each baseline tool's output came from (tool → call id), for linking evidence lines. */
  calls?: Record<string, string>;
  /** A sentinel instance's data nodes, as its sentinels report them: the triage diagnoses each replica too. */
  topology?: { kind: 'sentinel'; master: string; replicas: string[]; via: string };
  /** The data nodes each diagnosed in a baseline of its own (child workflow), with how it went. */
  nodes?: Array<{ node: string; role: 'master' | 'replica'; findings: number; error?: string }>;
  /** What this node carries, when it is a cluster node: compared across primaries by the cluster checks. */
  clusterNode?: ClusterNodeLoad;
}

/** One cluster node's load, from its baseline (activities/rules/cluster/node-load.ts). */
export interface ClusterNodeLoad {
  role: 'primary' | 'replica';
  /** A replica's master_link_status is up (absent on primaries). */
  masterLinkUp?: boolean;
  keys: number;
  usedMemory: number;
  opsPerSec: number;
  netInputKbps: number;
  netOutputKbps: number;
  /** MOVED, ASK, CROSSSLOT, CLUSTERDOWN, TRYAGAIN replies per second over the sample window (present when any was ever sent). */
  errorsPerSecond: Record<string, number>;
  /** The same error replies counted since the node started (or CONFIG RESETSTAT). */
  errorTotals: Record<string, number>;
  /** The hottest keys by LFU counter (only with an LFU maxmemory-policy). */
  hotKeys: Array<{ key: string; freq: number }>;
}

/** One vital sign: a sentence of values, the tool it came from, and the symptoms it answers. */
export interface Vital {
  symptoms: string[];
  source: string;
  text: string;
}

export interface Report {
  title: string;
  mode: AnswerMode;
  summary: string;
  findings: Finding[];
  markdown: string;
}

export interface TaskResult {
  taskId: string;
  threadId: string;
  agent: AgentKind;
  mode: AnswerMode;
  answer: string;
  findings: Finding[];
  usage: TokenUsage;
  toolCalls: number;
  /** The grounding check of a model's answer (activities/grounding): absent offline, where every value comes from a tool by construction. */
  grounding?: GroundingSummary;
  /** Catalogue actions the findings called for, each waiting for approval in its own remediation workflow. */
  actions?: Array<{ approvalId: string; action: string; arguments: Record<string, unknown> }>;
}

/** A claim of an answer that no tool output of the task supports. */
export interface GroundingFlag {
  claim: string;
  reason: string;
}

export interface GroundingSummary {
  checked: number;
  supported: number;
  unsupported: number;
  flags: GroundingFlag[];
  /** What happened to the answer: kept as written (annotated), re-asked once, or replaced by the offline answer. */
  outcome: 'accepted' | 'accepted-after-retry' | 'replaced-by-offline';
}

/** Phases the status query reports. */
export type TaskPhase =
  'queued' | 'routing' | 'investigating' | 'collecting-baseline' | 'planning' | 'researching' | 'synthesizing' | 'answering' | 'done' | 'failed';

export interface WorkflowStatus {
  phase: TaskPhase;
  /** The agent child workflow doing the work, for its own detailed status. */
  childWorkflowId?: string;
  agent?: AgentKind;
  mode?: AnswerMode;
  topics: Array<{ id: string; title: string; state: TopicState }>;
  /** Every tool call asked for; `ran: false` marks one refused before any activity ran (unknown tool, bad JSON). */
  toolCalls: Array<{ tool: string; ok: boolean; summary: string; topic?: string; ran?: false }>;
  usage: TokenUsage;
}

/** Progress events written to a thread's Redis Stream, read by SSE/WebSocket clients. */
export type ProgressEvent =
  | { type: 'task_started'; taskId: string; message: string }
  | { type: 'routed'; taskId: string; agent: AgentKind; mode: AnswerMode; reason: string }
  | { type: 'phase'; taskId: string; phase: TaskPhase; detail?: string }
  | { type: 'tool_call'; taskId: string; callId: string; tool: string; args: unknown; topic?: string }
  | { type: 'tool_result'; taskId: string; callId: string; tool: string; ok: boolean; summary: string; durationMs: number; topic?: string }
  | { type: 'topic'; taskId: string; topicId: string; title: string; state: TopicState }
  | { type: 'answer'; taskId: string; answer: string }
  | { type: 'task_done'; taskId: string; status: TaskStatus; error?: string }
  /** Remediation actions (workflows/remediation.ts): proposed, decided, run, verified. */
  | { type: 'action_proposed'; taskId: string; approvalId: string; action: string; title: string; risk: string; state: 'pending' }
  | { type: 'action_approved' | 'action_rejected' | 'action_expired'; taskId: string; approvalId: string; state: string; by?: string; comment?: string }
  | { type: 'action_executed'; taskId: string; approvalId: string; state: string; detail: string }
  | { type: 'action_verified'; taskId: string; approvalId: string; state: string; passed: boolean; detail: string };

/** What a task learns when it begins: prior conversation and the worker's limits. */
export interface TaskSetup {
  /** Earlier turns of the thread (bounded), for follow-up questions. */
  history: ChatMessage[];
  /** Human label of the instance (name and host:port), never secret. */
  instanceLabel?: string;
  /** The instance's registered topology (a cluster is triaged node by node); absent in older histories. */
  instanceType?: string;
  modelConfigured: boolean;
  /** offeredTools: how many tools a model sees with schemas (fewer for a small context); absent in older histories. */
  limits: { maxToolIterations: number; topicToolBudget: number; offeredTools?: number };
  /** The model's context, for sizing what workflows put in a prompt; absent offline and in older histories. */
  modelContextTokens?: number;
}

/** What a workflow needs to know about a tool to schedule it. */
export interface ToolRef {
  name: string;
  retryClass: RetryClass;
  /** For choosing what to offer a model (core/tool-selection.ts); absent in histories recorded before. */
  categories?: readonly TopicCategory[];
  capability?: ToolCapability;
  /** The description's first sentence, for list_tools. */
  summary?: string;
}

/** The answer an agent workflow hands back to the task workflow. */
export interface AgentOutcome {
  answer: string;
  report: Report;
  usage: TokenUsage;
  toolCalls: number;
  mode: AnswerMode;
  grounding?: GroundingSummary;
}

/** One node's baseline, run as a child workflow of a cluster triage. */
export interface NodeBaselineInput {
  /** For a cluster node, task.instanceId carries the node selector (core/cluster/node-selector.ts). */
  task: TaskInput;
  node: string;
  /** A cluster node's role: set for cluster nodes (selector on the instance id); absent for a sentinel replica (node named on each tool call). */
  role?: 'primary' | 'replica';
}

export interface NodeBaselineResult {
  address: string;
  digest: BaselineDigest;
}

/** Input shared by the agent child workflows. */
export interface AgentInput {
  task: TaskInput;
  setup: TaskSetup;
  route: RouteDecision;
}
