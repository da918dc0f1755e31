import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { AppStores } from '../core/app-context';
import type { Config } from '../core/config';
import { ConflictError, NotFoundError, ValidationError, asUnavailable, errorMessage } from '../core/errors';
import { newId } from '../core/ids';
import { SA_AGENT, SA_INSTANCE, SA_STATUS } from '../core/search-attributes';
import type { DeliveryState } from '../core/notifications/types';
import type { TaskFeedback, TaskRecord } from '../core/task-records';
import { approvalView, type ApprovalView } from './approvals';
import type { AgentChoice, TaskInput, TaskResult, TaskSource, TaskStatus, ToolCallRecord, WorkflowStatus } from '../core/types';
import { parseOrThrow } from '../core/validation';
import { statusQuery } from '../workflows/messages';
import { taskWorkflow } from '../workflows/task';
import { hasPollers } from './workers';
import { listVisibleTasks, visibilityQuery, type VisibleTask } from './task-visibility';
import { feedbackSchema, followUpSchema, taskCreateSchema, taskIdSchema, taskListSchema, threadIdSchema } from './schemas';

/** Task creation, status, results and cancellation: the one implementation behind REST, MCP and CLI. */

export interface TaskPage {
  tasks: TaskView[];
  /** Pass back as next_page_token for the next (older) page; absent on the last page. */
  next_page_token?: string;
}

/** How long a live status query may take before the view falls back to visibility. */
const STATUS_QUERY_MS = 1_000;
/** How long "a worker polls the task queue" is believed before asking Temporal again. */
const POLLERS_CACHE_MS = 5_000;

/** A thread's tasks are read from its own index in pages of this size at most. */
const THREAD_TASKS_MAX = 500;

const encodeOffset = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function decodeOffset(token: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match)
    throw new ValidationError('next_page_token: not a page token of this listing', [{ field: 'next_page_token', reason: 'not a page token of this listing' }]);
  return Number(match[1]);
}

export interface SubmitOptions {
  source: TaskSource;
  forceOffline?: boolean;
  /** Who asked: the API key's name, the CLI user, or the schedule; recorded with the task. */
  actor?: string;
}

export interface SubmittedTask {
  task_id: string;
  thread_id: string;
  status: 'queued';
}

export interface TaskView {
  task_id: string;
  thread_id: string;
  message: string;
  status: TaskStatus;
  phase?: string;
  agent?: string;
  mode?: string;
  instance_id?: string;
  source: TaskSource;
  /** Who asked (the API key's name, the CLI user, the schedule). */
  requested_by?: string;
  result?: TaskResult;
  error?: string;
  /** call_id: what evidence lines cite ("call 1a2b3c4d" is its first 8 characters). */
  tool_calls: Array<Pick<ToolCallRecord, 'tool' | 'ok' | 'summary' | 'durationMs' | 'topic'> & { call_id: string }>;
  /** The grounding check of a model answer: claims checked, found, not found (each not found is marked in the answer). */
  grounding?: TaskResult['grounding'];
  usage?: TaskResult['usage'];
  topics?: WorkflowStatus['topics'];
  /** Each notification channel's delivery: delivered, or retrying with the last error. */
  notifications?: DeliveryState[];
  /** Catalogue actions the task's findings proposed, each waiting for (or past) its approval. */
  actions?: ApprovalView[];
  /** A person's 👍/👎 on the answer. */
  feedback?: TaskFeedback;
  /** Why the status is less precise than usual (e.g. no worker answered the live status query). */
  note?: string;
  created_at: string;
  finished_at?: string;
  workflow_url: string;
}

const STATUS_BY_TEMPORAL: Record<string, TaskStatus> = {
  RUNNING: 'running',
  COMPLETED: 'done',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  TERMINATED: 'failed',
  CANCELLED: 'cancelled',
  CONTINUED_AS_NEW: 'running',
};

export class TaskService {
  constructor(
    private readonly config: Config,
    private readonly temporal: Client,
    private readonly stores: AppStores,
  ) {}

  workflowUrl(taskId: string): string {
    return `${this.config.temporal.uiUrl}/namespaces/${this.config.temporal.namespace}/workflows/${encodeURIComponent(taskId)}`;
  }

  /** Validates, creates the thread and task record, and starts the task workflow. */
  async submit(request: unknown, options: SubmitOptions = { source: 'api' }): Promise<SubmittedTask> {
    const body = parseOrThrow(taskCreateSchema, request);
    if (body.instance_id && !(await this.stores.instances.exists(body.instance_id))) throw new NotFoundError('instance', body.instance_id);
    let threadId = body.thread_id;
    if (threadId) {
      if (!(await this.stores.threads.exists(threadId))) throw new NotFoundError('thread', threadId);
    } else {
      threadId = newId('thread');
      await this.stores.threads.create({ id: threadId, title: body.message, instanceId: body.instance_id });
    }
    const task: TaskInput = {
      taskId: newId('task'),
      threadId,
      message: body.message,
      instanceId: body.instance_id,
      agent: body.agent as AgentChoice,
      context: body.context,
      source: options.source,
      forceOffline: options.forceOffline,
    };
    await this.start(task, options.actor);
    await this.stores.audit.record({
      actor: options.actor ?? options.source,
      action: 'task.submit',
      target: task.taskId,
      detail: `${task.agent}${task.instanceId ? ` on ${task.instanceId}` : ''}`,
    });
    return { task_id: task.taskId, thread_id: threadId, status: 'queued' };
  }

  /** A follow-up question on an existing thread, carrying its instance and prior context. */
  async followUp(threadId: string, request: unknown, options: SubmitOptions = { source: 'api' }): Promise<SubmittedTask> {
    parseOrThrow(threadIdSchema, threadId, 'id');
    const body = parseOrThrow(followUpSchema, request);
    const meta = await this.stores.threads.meta(threadId);
    return this.submit({ ...body, thread_id: threadId, instance_id: meta.instanceId }, options);
  }

  /** Starts the workflow for a prepared task input (schedules reuse this shape). */
  async start(task: TaskInput, actor?: string, once = false): Promise<void> {
    await this.stores.tasks.create({
      ...(actor ? { requestedBy: actor } : {}),
      taskId: task.taskId,
      threadId: task.threadId,
      message: task.message,
      requestedAgent: task.agent,
      instanceId: task.instanceId,
      source: task.source,
      createdAt: new Date().toISOString(),
    });
    try {
      await this.startWorkflow(task, once);
    } catch (err) {
      // No phantom "queued" task: the record says why it never ran.
      const unavailable = asUnavailable(err);
      await this.stores.tasks.finish(task.taskId, { status: 'failed', error: `could not start: ${errorMessage(err)}` }).catch(() => undefined);
      throw unavailable ?? err;
    }
  }

  /**
   * Starts a task whose id is derived from what asked for it (an alert group on an instance), at
   * most once: a second start of a running id joins it (conflict policy USE_EXISTING) and one of a
   * closed id is refused (reuse policy REJECT_DUPLICATE), so a re-sent request never runs the task
   * twice. Safe to repeat after a crash between the record and the start. True when this call
   * created the task.
   */
  async startOnce(task: TaskInput, actor?: string): Promise<boolean> {
    if (!(await this.stores.tasks.find(task.taskId))) {
      await this.start(task, actor, true);
      return true;
    }
    await this.startWorkflow(task, true);
    return false;
  }

  private async startWorkflow(task: TaskInput, once = false): Promise<void> {
    try {
      await this.startTaskWorkflow(task, once);
    } catch (err) {
      if (once && err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  private async startTaskWorkflow(task: TaskInput, once: boolean): Promise<void> {
    await this.temporal.workflow.start(taskWorkflow, {
      taskQueue: this.config.temporal.taskQueue,
      workflowId: task.taskId,
      ...(once ? { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' } : {}),
      args: [task],
      staticSummary: `${task.agent === 'auto' ? 'task' : task.agent}: ${task.message.slice(0, 160)}`,
      staticDetails: `source: ${task.source}${task.instanceId ? `, instance: ${task.instanceId}` : ''}, thread: ${task.threadId}`,
      typedSearchAttributes: [
        { key: SA_STATUS, value: 'queued' },
        { key: SA_AGENT, value: task.agent },
        ...(task.instanceId ? [{ key: SA_INSTANCE, value: task.instanceId }] : []),
      ],
    });
  }

  private async describe(taskId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await this.temporal.workflow.getHandle(taskId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  private pollers?: { at: number; polling: Promise<boolean> };

  /** Whether a worker polls the task queue, asked at most every few seconds. */
  private workersPolling(): Promise<boolean> {
    if (!this.pollers || Date.now() - this.pollers.at > POLLERS_CACHE_MS) {
      this.pollers = { at: Date.now(), polling: hasPollers(this.temporal, this.config.temporal.namespace, this.config.temporal.taskQueue).catch(() => true) };
    }
    return this.pollers.polling;
  }

  /** A query needs a worker to answer: without one it would hang, so it gets a short deadline. */
  private async liveStatus(workflowId: string): Promise<WorkflowStatus | undefined> {
    try {
      return await this.temporal.withDeadline(Date.now() + STATUS_QUERY_MS, () => this.temporal.workflow.getHandle(workflowId).query(statusQuery));
    } catch {
      return undefined;
    }
  }

  async get(taskId: string): Promise<TaskView> {
    parseOrThrow(taskIdSchema, taskId, 'id');
    const record = await this.stores.tasks.find(taskId);
    const description = await this.describe(taskId);
    if (!record && !description) throw new NotFoundError('task', taskId);
    const base: TaskRecord = record ?? {
      taskId,
      threadId: '',
      message: '',
      requestedAgent: 'auto',
      source: 'schedule',
      createdAt: description!.startTime.toISOString(),
    };
    let status: TaskStatus = base.status ?? (description ? (STATUS_BY_TEMPORAL[description.status.name] ?? 'running') : 'queued');
    let live: WorkflowStatus | undefined;
    let note: string | undefined;
    if (description?.status.name === 'RUNNING') {
      // A query waits for a worker: ask only when one polls the task queue.
      live = (await this.workersPolling()) ? await this.liveStatus(taskId) : undefined;
      if (live?.childWorkflowId) {
        const child = await this.liveStatus(live.childWorkflowId);
        if (child) live = { ...child, childWorkflowId: live.childWorkflowId };
      }
      if (live) status = live.phase !== 'queued' ? 'running' : 'queued';
      else {
        // No worker answered: what visibility says (SreStatus is set when the workflow starts running).
        status = description.typedSearchAttributes.get(SA_STATUS) === 'queued' ? 'queued' : 'running';
        note = `${status}; no worker answered the status query (is a worker polling the task queue '${this.config.temporal.taskQueue}'?)`;
      }
    }
    const notifications = await this.stores.tasks.deliveries(taskId);
    const actions = base.result?.actions?.length ? (await this.stores.approvals.list({ taskId })).map((r) => approvalView(this.config, r)) : [];
    const calls = base.threadId
      ? ((await this.stores.threads.get(base.threadId).catch(() => undefined))?.toolCalls.filter((c) => c.taskId === taskId) ?? [])
      : [];
    return {
      task_id: taskId,
      thread_id: base.threadId,
      message: base.message,
      status,
      phase: live?.phase ?? (status === 'done' ? 'done' : status === 'failed' ? 'failed' : undefined),
      agent: base.result?.agent ?? live?.agent,
      mode: base.result?.mode ?? live?.mode,
      instance_id: base.instanceId,
      source: base.source,
      ...(base.requestedBy ? { requested_by: base.requestedBy } : {}),
      result: base.result,
      error: base.error,
      tool_calls: calls.map((c) => ({ call_id: c.callId, tool: c.tool, ok: c.ok, summary: c.summary, durationMs: c.durationMs, topic: c.topic })),
      usage: base.result?.usage ?? live?.usage,
      ...(base.result?.grounding ? { grounding: base.result.grounding } : {}),
      topics: live?.topics,
      ...(notifications.length ? { notifications } : {}),
      ...(actions.length ? { actions } : {}),
      ...(base.feedback ? { feedback: base.feedback } : {}),
      ...(note ? { note } : {}),
      created_at: base.createdAt,
      finished_at: base.finishedAt,
      workflow_url: this.workflowUrl(taskId),
    };
  }

  /** Records a person's 👍/👎 (and why) on a task's answer; a later one replaces it. */
  async feedback(taskId: string, body: unknown, by: string): Promise<TaskView> {
    parseOrThrow(taskIdSchema, taskId, 'id');
    const { rating, comment } = parseOrThrow(feedbackSchema, body ?? {});
    const record = await this.stores.tasks.get(taskId);
    if (!record.result) throw new ConflictError(`task ${taskId} has no answer yet (${record.status ?? 'running'}): feedback is on answers`);
    await this.stores.tasks.setFeedback(taskId, { rating, ...(comment ? { comment } : {}), by, at: new Date().toISOString() });
    return this.get(taskId);
  }

  /** Waits for the task to finish (or the timeout) and returns its view. */
  async wait(taskId: string, timeoutMs = 10 * 60_000): Promise<TaskView> {
    await this.whenFinished(taskId, timeoutMs);
    return this.get(taskId);
  }

  /** Resolves when the task's workflow closes or the timeout passes; the long poll is then cancelled. */
  async whenFinished(taskId: string, timeoutMs: number): Promise<void> {
    const handle = this.temporal.workflow.getHandle(taskId);
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.temporal.withAbortSignal(abort.signal, () => handle.result()).catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  async cancel(taskId: string, actor = 'api'): Promise<TaskView> {
    const view = await this.get(taskId);
    if (view.status === 'queued' || view.status === 'running') {
      await this.temporal.workflow.getHandle(taskId).cancel();
      await this.stores.audit.record({ actor, action: 'task.cancel', target: taskId });
    }
    return this.get(taskId);
  }

  /**
   * Tasks newest first, one page at a time. Without a thread filter the page comes from Temporal
   * visibility (search attributes, this deployment's task queue); a thread's tasks come from its
   * own index. Either way one query answers for the whole page, never one per task.
   */
  async list(query: unknown = {}): Promise<TaskPage> {
    const filter = parseOrThrow(taskListSchema, query);
    if (filter.thread_id) return this.listThread(filter.thread_id, filter);
    const page = await listVisibleTasks(
      this.temporal,
      this.config.temporal.namespace,
      visibilityQuery(this.config.temporal.taskQueue, filter),
      filter.limit,
      filter.next_page_token,
    );
    const records = await this.stores.tasks.findMany(page.tasks.map((t) => t.taskId));
    const tasks = page.tasks.map((visible, i) => this.listView(visible, records[i]));
    return { tasks, ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  }

  private async listThread(
    threadId: string,
    filter: { status?: TaskStatus; agent?: string; instance_id?: string; limit: number; next_page_token?: string },
  ): Promise<TaskPage> {
    const offset = filter.next_page_token ? decodeOffset(filter.next_page_token) : 0;
    const records = await this.stores.tasks.list({ threadId, offset, limit: THREAD_TASKS_MAX });
    // Open tasks have no outcome in their record yet: one visibility query gives all their statuses.
    const open = records.filter((r) => !r.status).map((r) => r.taskId);
    const visible = new Map<string, VisibleTask>();
    if (open.length) {
      const query = `WorkflowId IN (${open.map((id) => `'${id}'`).join(', ')})`;
      for (const task of (await listVisibleTasks(this.temporal, this.config.temporal.namespace, query, open.length)).tasks) visible.set(task.taskId, task);
    }
    const matches = (v: TaskView) =>
      (!filter.status || v.status === filter.status) &&
      (!filter.agent || v.agent === filter.agent) &&
      (!filter.instance_id || v.instance_id === filter.instance_id);
    const tasks: TaskView[] = [];
    let consumed = 0;
    for (const record of records) {
      consumed++;
      const view = this.listView(visible.get(record.taskId) ?? { taskId: record.taskId, status: record.status ?? 'queued' }, record);
      if (matches(view)) tasks.push(view);
      if (tasks.length === filter.limit) break;
    }
    const more = consumed < records.length || records.length === THREAD_TASKS_MAX;
    return { tasks, ...(more ? { next_page_token: encodeOffset(offset + consumed) } : {}) };
  }

  /** A list entry: the task record's facts, the status from visibility until the record has its outcome. */
  private listView(visible: VisibleTask, record: TaskRecord | undefined): TaskView {
    if (!record) {
      return {
        task_id: visible.taskId,
        thread_id: '',
        message: '',
        status: visible.status,
        agent: visible.agent,
        instance_id: visible.instanceId,
        source: 'schedule',
        tool_calls: [],
        created_at: (visible.startTime ?? new Date(0)).toISOString(),
        finished_at: visible.closeTime?.toISOString(),
        workflow_url: this.workflowUrl(visible.taskId),
      };
    }
    const view = this.recordView(record);
    return { ...view, status: record.status ?? visible.status, agent: view.agent ?? (visible.agent === 'auto' ? undefined : visible.agent) };
  }

  private recordView(record: TaskRecord): TaskView {
    return {
      task_id: record.taskId,
      thread_id: record.threadId,
      message: record.message,
      status: record.status ?? 'queued',
      agent: record.result?.agent,
      mode: record.result?.mode,
      instance_id: record.instanceId,
      source: record.source,
      ...(record.requestedBy ? { requested_by: record.requestedBy } : {}),
      result: record.result,
      error: record.error,
      tool_calls: [],
      usage: record.result?.usage,
      created_at: record.createdAt,
      finished_at: record.finishedAt,
      workflow_url: this.workflowUrl(record.taskId),
    };
  }
}
