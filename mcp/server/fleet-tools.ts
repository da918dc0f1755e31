import { z } from 'zod';
import { fleetCheckSchema } from '../../core/fleet';
import { defineAgentTool } from './agent-tool';

/** A fleet check over MCP: every instance a filter matches, checked in parallel, one summary. */
export const fleetCheckTool = defineAgentTool({
  name: 'redis_sre_fleet_check',
  role: 'operator',
  description:
    'Health-checks every registered instance matching a filter (environment, usage, instance_type, name glob, or all: true), several at a time, and returns one summary: instance × verdict × top finding × task. Returns the fleet id at once, or the summary when it finishes within wait_seconds.',
  schema: fleetCheckSchema.extend({
    wait_seconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(0)
      .describe('seconds to wait for the summary before returning the ids (0 returns at once; at most 600)'),
  }),
  annotations: { title: 'Fleet health check', readOnlyHint: true, destructiveHint: false, openWorldHint: true },
  handler: async ({ wait_seconds, ...request }, ctx) => {
    const started = await ctx.services.fleet.start(request, { source: 'mcp', actor: ctx.actor });
    const view = wait_seconds ? await ctx.services.fleet.wait(started.fleet_id, wait_seconds * 1000) : started;
    return { data: view, text: view.summary ?? `Fleet check ${view.fleet_id} is ${view.status} (thread ${view.thread_id}).` };
  },
});
