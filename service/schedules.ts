import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import { z } from 'zod';
import type { AppStores } from '../core/app-context';
import type { Config } from '../core/config';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors';
import { newId } from '../core/ids';
import { SA_AGENT, SA_INSTANCE, SA_STATUS } from '../core/search-attributes';
import { AGENT_CHOICES, type TaskInput } from '../core/types';
import { parseOrThrow } from '../core/validation';
import { taskWorkflow } from '../workflows/task';
import { fleetHealthWorkflow } from '../workflows/fleet';
import { fleetFilterSchema, type FleetFilter, type FleetInput } from '../core/fleet';
import { instanceIdSchema, instanceRequired, needsInstance } from './schemas';

/**
 * Recurring checks as Temporal schedules: each schedule's action starts taskWorkflow, so the
 * schedules are visible and operable in `temporal schedule list|describe|trigger|toggle` too.
 */

const UNITS = { minutes: 'm', hours: 'h', days: 'd', weeks: 'd' } as const;
const OVERLAP = { skip: ScheduleOverlapPolicy.SKIP, buffer_one: ScheduleOverlapPolicy.BUFFER_ONE, allow_all: ScheduleOverlapPolicy.ALLOW_ALL } as const;

const interval = z
  .object({
    every: z.number().int().min(1, 'at least 1').max(10_000).describe('How many units between runs, 1 to 10000'),
    unit: z.enum(['minutes', 'hours', 'days', 'weeks']).describe('minutes, hours, days or weeks'),
  })
  .strict();
const cron = z
  .string()
  .trim()
  .regex(/^(\S+\s+){4}\S+$/, 'a 5-field cron expression such as "0 3 * * *"');

const agent = z.enum(AGENT_CHOICES);
const overlap = z.enum(['skip', 'buffer_one', 'allow_all']);

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters').describe('A unique name for the schedule, at most 100 characters'),
  instance_id: instanceIdSchema.optional().describe('The instance each run checks (required for the triage agent)'),
  message: z
    .string()
    .trim()
    .min(1)
    .max(4000)
    .default('Run a full health check and report anything that needs attention.')
    .describe('What each run asks, at most 4000 characters (default: a full health check)'),
  agent: agent.default('triage').describe('Which agent answers: auto, chat, triage (default) or knowledge'),
  interval: interval.optional().describe('Run every N units, e.g. {"every": 1, "unit": "days"}; give this or cron'),
  cron: cron.optional().describe('A 5-field cron expression in UTC, e.g. "0 3 * * *"; give this or interval'),
  enabled: z.boolean().default(true).describe('Start active (default true) or paused'),
  overlap: overlap.default('skip').describe('When a run is still going at the next time: skip (default), buffer_one or allow_all'),
  fleet: fleetFilterSchema
    .optional()
    .describe(
      'Make each run a fleet check of the instances this filter matches (environment, usage, instance_type, name glob, all) instead of one task; leave out instance_id',
    ),
};

/** A fleet schedule checks the instances its filter matches: no single instance, and always a triage of each. */
const fleetOrInstance = (s: { fleet?: FleetFilter; instance_id?: string | null; agent?: string }) => !s.fleet || !s.instance_id;

export const scheduleCreateSchema = z
  .object(fields)
  .strict()
  .refine((s) => Boolean(s.interval) !== Boolean(s.cron), { message: 'give exactly one of interval or cron', path: ['interval'] })
  .refine(fleetOrInstance, { message: 'a fleet schedule checks the instances its filter matches: leave out instance_id', path: ['instance_id'] })
  .refine((s) => Boolean(s.fleet) || needsInstance(s), instanceRequired);

export const scheduleUpdateSchema = z
  .object({
    name: fields.name.optional(),
    instance_id: instanceIdSchema.nullable().optional(),
    message: z.string().trim().min(1).max(4000).optional(),
    // No defaults here: zod 4 applies an inner default under .optional(), which would reset fields the caller left out.
    agent: agent.optional(),
    interval: interval.optional(),
    cron: cron.optional(),
    overlap: overlap.optional(),
  })
  .strict()
  .refine((s) => !(s.interval && s.cron), { message: 'give at most one of interval or cron', path: ['interval'] });

export const scheduleIdSchema = z.string().regex(/^sched_[A-Za-z0-9]{6,64}$/, 'must be a schedule id like sched_AbC123xyz');

interface ScheduleMemo {
  name: string;
  instance_id?: string;
  message: string;
  agent: string;
  interval?: z.infer<typeof interval>;
  cron?: string;
  overlap: keyof typeof OVERLAP;
  /** Each run is a fleet check of these instances (fleetHealthWorkflow). */
  fleet?: FleetFilter;
  created_at: string;
  /** Who created it and who changed it last (API key name, CLI user). */
  created_by?: string;
  updated_by?: string;
}

export interface ScheduleView extends ScheduleMemo {
  id: string;
  enabled: boolean;
  note?: string;
  next_runs: string[];
  recent_runs: Array<{ task_id: string; scheduled_at: string }>;
  running: string[];
}

const ACTION_MEMO = 'sreSchedule';

/** The schedule's current settings: from its action, else (schedules created before) its own memo. */
function settingsOf(description: ScheduleDescription): ScheduleMemo {
  const fromAction = (description.action as { memo?: Record<string, unknown> }).memo?.[ACTION_MEMO];
  return (fromAction ?? description.memo ?? {}) as ScheduleMemo;
}

function spec(memo: ScheduleMemo): ScheduleOptions['spec'] {
  if (memo.cron) return { cronExpressions: [memo.cron] };
  const { every, unit } = memo.interval!;
  return { intervals: [{ every: `${unit === 'weeks' ? every * 7 : every}${UNITS[unit]}` }] };
}

function action(config: Config, id: string, memo: ScheduleMemo): ScheduleOptions['action'] {
  if (memo.fleet) {
    // fleetId/threadId left empty: each run takes its workflow id as fleet id and opens a thread.
    const input: FleetInput = { fleetId: '', threadId: '', filter: memo.fleet, concurrency: 4, message: memo.message, source: 'schedule' };
    return {
      type: 'startWorkflow',
      workflowType: fleetHealthWorkflow,
      taskQueue: config.temporal.taskQueue,
      workflowId: `fleet_${id.replace(/^sched_/, 'sched')}`,
      args: [input],
      staticSummary: `scheduled fleet check: ${memo.name}`,
      memo: { [ACTION_MEMO]: memo },
      typedSearchAttributes: [
        { key: SA_STATUS, value: 'running' },
        { key: SA_AGENT, value: 'fleet' },
      ],
    };
  }
  // taskId/threadId are left empty: each run takes its workflow id as task id and opens a thread.
  const task: TaskInput = {
    taskId: '',
    threadId: '',
    message: memo.message,
    instanceId: memo.instance_id,
    agent: memo.agent as TaskInput['agent'],
    source: 'schedule',
  };
  return {
    type: 'startWorkflow',
    workflowType: taskWorkflow,
    taskQueue: config.temporal.taskQueue,
    workflowId: `task_${id.replace(/^sched_/, 'sched')}`,
    args: [task],
    staticSummary: `scheduled ${memo.agent}: ${memo.name}`,
    // Temporal cannot update a schedule's own memo, but the action (memo included) is replaced on
    // update: the settings live here so a PATCH shows up in the view. Runs carry them too.
    memo: { [ACTION_MEMO]: memo },
    typedSearchAttributes: [
      { key: SA_STATUS, value: 'queued' },
      { key: SA_AGENT, value: memo.agent },
      ...(memo.instance_id ? [{ key: SA_INSTANCE, value: memo.instance_id }] : []),
    ],
  };
}

/**
 * Temporal checks cron field ranges (minute 0-59, …) only when a schedule is written, and reports
 * an invalid spec as a TypeError; that is still the caller's input, so it becomes a ValidationError.
 */
async function writingSpec<T>(memo: ScheduleMemo, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const field = memo.cron ? 'cron' : 'interval';
    throw new ValidationError(`${field}: ${err.message}`, [{ field, reason: err.message }]);
  }
}

export class ScheduleService {
  constructor(
    private readonly config: Config,
    private readonly temporal: Client,
    private readonly stores: AppStores,
  ) {}

  private handle(id: string) {
    return this.temporal.schedule.getHandle(parseOrThrow(scheduleIdSchema, id, 'id'));
  }

  private async describe(id: string): Promise<ScheduleDescription> {
    try {
      return await this.handle(id).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new NotFoundError('schedule', id);
      throw err;
    }
  }

  private view(description: ScheduleDescription): ScheduleView {
    const memo = settingsOf(description);
    return {
      id: description.scheduleId,
      ...memo,
      enabled: !description.state.paused,
      note: description.state.note || undefined,
      next_runs: description.info.nextActionTimes.slice(0, 5).map((d) => d.toISOString()),
      recent_runs: description.info.recentActions
        .slice(-10)
        .map((a) => ({ task_id: (a.action as { workflow?: { workflowId?: string } }).workflow?.workflowId ?? '', scheduled_at: a.scheduledAt.toISOString() })),
      running: description.info.runningActions.map((a) => a.workflow.workflowId),
    };
  }

  private async checkInstance(instanceId?: string | null): Promise<void> {
    if (instanceId && !(await this.stores.instances.exists(instanceId))) throw new NotFoundError('instance', instanceId);
  }

  private async checkNameFree(name: string, exceptId?: string): Promise<void> {
    const existing = await this.list();
    if (existing.some((s) => s.id !== exceptId && s.name.toLowerCase() === name.toLowerCase()))
      throw new ConflictError(`a schedule named '${name}' already exists`);
  }

  async create(body: unknown, actor = 'api'): Promise<ScheduleView> {
    const input = parseOrThrow(scheduleCreateSchema, body);
    await this.checkInstance(input.instance_id);
    await this.checkNameFree(input.name);
    const id = newId('sched');
    const memo: ScheduleMemo = {
      name: input.name,
      instance_id: input.instance_id,
      message: input.message,
      agent: input.agent,
      interval: input.interval,
      cron: input.cron,
      overlap: input.overlap,
      ...(input.fleet ? { fleet: input.fleet } : {}),
      created_at: new Date().toISOString(),
      created_by: actor,
      updated_by: actor,
    };
    await writingSpec(memo, () =>
      this.temporal.schedule.create({
        scheduleId: id,
        spec: spec(memo),
        action: action(this.config, id, memo),
        policies: { overlap: OVERLAP[memo.overlap], catchupWindow: '1 minute' },
        state: { paused: !input.enabled, note: input.enabled ? undefined : 'created paused' },
        memo: memo as unknown as Record<string, unknown>,
      }),
    );
    await this.audit(actor, 'schedule.create', id, memo.name);
    return this.get(id);
  }

  private audit(actor: string, action: string, id: string, detail?: string): Promise<void> {
    return this.stores.audit.record({ actor, action, target: id, detail });
  }

  async get(id: string): Promise<ScheduleView> {
    return this.view(await this.describe(id));
  }

  async list(): Promise<ScheduleView[]> {
    const views: ScheduleView[] = [];
    for await (const summary of this.temporal.schedule.list()) {
      if (!summary.scheduleId.startsWith('sched_')) continue;
      views.push(await this.get(summary.scheduleId).catch(() => undefined as never));
    }
    return views.filter(Boolean).sort((a, b) => a.name.localeCompare(b.name));
  }

  async update(id: string, body: unknown, actor = 'api'): Promise<ScheduleView> {
    const changes = parseOrThrow(scheduleUpdateSchema, body);
    await this.checkInstance(changes.instance_id);
    const current = settingsOf(await this.describe(id));
    if (changes.name !== undefined) await this.checkNameFree(changes.name, id);
    const memo: ScheduleMemo = {
      ...current,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.instance_id !== undefined ? { instance_id: changes.instance_id ?? undefined } : {}),
      ...(changes.message !== undefined ? { message: changes.message } : {}),
      ...(changes.agent !== undefined ? { agent: changes.agent } : {}),
      ...(changes.overlap !== undefined ? { overlap: changes.overlap } : {}),
      ...(changes.interval ? { interval: changes.interval, cron: undefined } : {}),
      ...(changes.cron ? { cron: changes.cron, interval: undefined } : {}),
      updated_by: actor,
    };
    if (!memo.fleet && !needsInstance(memo))
      throw new ValidationError(`instance_id: ${instanceRequired.message}`, [{ field: 'instance_id', reason: instanceRequired.message }]);
    await writingSpec(memo, () =>
      this.handle(id).update(
        (previous) =>
          ({
            ...previous,
            spec: spec(memo),
            action: action(this.config, id, memo),
            policies: { ...previous.policies, overlap: OVERLAP[memo.overlap] },
          }) as ScheduleUpdateOptions,
      ),
    );
    await this.audit(actor, 'schedule.update', id, Object.keys(changes).join(', '));
    return this.get(id);
  }

  async pause(id: string, actor = 'api', note = `paused by ${actor} via sre-agent`): Promise<ScheduleView> {
    await this.describe(id);
    await this.handle(id).pause(note);
    await this.audit(actor, 'schedule.pause', id);
    return this.get(id);
  }

  async resume(id: string, actor = 'api', note = `resumed by ${actor} via sre-agent`): Promise<ScheduleView> {
    await this.describe(id);
    await this.handle(id).unpause(note);
    await this.audit(actor, 'schedule.resume', id);
    return this.get(id);
  }

  /** Runs the schedule's action now (regardless of overlap), returning the started task id. */
  async trigger(id: string, actor = 'api'): Promise<{ schedule: ScheduleView; task_id?: string }> {
    const before = await this.describe(id);
    await this.audit(actor, 'schedule.trigger', id);
    const seen = new Set(before.info.recentActions.map((a) => (a.action as { workflow?: { workflowId?: string } }).workflow?.workflowId));
    await this.handle(id).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const deadline = Date.now() + 5_000;
    for (;;) {
      const view = await this.get(id);
      const started = [...view.recent_runs.map((r) => r.task_id), ...view.running].find((t) => t && !seen.has(t));
      if (started || Date.now() > deadline) return { schedule: view, task_id: started };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async delete(id: string, actor = 'api'): Promise<void> {
    await this.describe(id);
    await this.handle(id).delete();
    await this.audit(actor, 'schedule.delete', id);
  }
}
