import { z } from 'zod';
import { scheduleCreateSchema, scheduleIdSchema } from '../../service/schedules';
import { defineAgentTool } from './agent-tool';

/** Recurring checks (Temporal schedules) over MCP. */

export const listSchedulesTool = defineAgentTool({
  name: 'redis_sre_list_schedules',
  role: 'viewer',
  description: 'Lists the recurring checks: name, instance, interval or cron, enabled, next and recent runs (task ids).',
  schema: z.object({}).strict(),
  annotations: { title: 'List schedules', readOnlyHint: true, openWorldHint: false },
  handler: async (_args, ctx) => ({ data: { schedules: await ctx.services.schedules.list() } }),
});

export const createScheduleTool = defineAgentTool({
  name: 'redis_sre_create_schedule',
  role: 'operator',
  description:
    'Creates a recurring check as a Temporal schedule: give a name, exactly one of interval ({every, unit}) or cron, and optionally an instance, message and agent (default: a deep triage health check).',
  schema: scheduleCreateSchema,
  annotations: { title: 'Create a schedule', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (fields, ctx) => ({ data: { schedule: await ctx.services.schedules.create(fields, ctx.actor) } }),
});

export const triggerScheduleTool = defineAgentTool({
  name: 'redis_sre_trigger_schedule',
  role: 'operator',
  description: 'Runs a schedule now and returns the task id of the run; follow it with redis_sre_get_task_status.',
  schema: z.object({ schedule_id: scheduleIdSchema.describe('A schedule id as redis_sre_list_schedules shows it, e.g. sched_AbC123xyz') }).strict(),
  annotations: { title: 'Run a schedule now', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async ({ schedule_id }, ctx) => ({ data: await ctx.services.schedules.trigger(schedule_id, ctx.actor) }),
});
