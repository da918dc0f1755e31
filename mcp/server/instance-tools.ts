import { z } from 'zod';
import { ENVIRONMENTS, instanceCreateSchema, USAGES } from '../../core/instances/model';
import { defineAgentTool } from './agent-tool';

/** The instance registry over MCP; responses carry masked URLs only, never a password. */

export const listInstancesTool = defineAgentTool({
  name: 'redis_sre_list_instances',
  role: 'viewer',
  description: 'Lists the registered Redis instances (ids, names, environment, usage, masked URLs), optionally filtered.',
  schema: z
    .object({
      environment: z.enum(ENVIRONMENTS).optional().describe('Only instances in this environment: production, staging, development or test'),
      usage: z.enum(USAGES).optional().describe('Only instances with this usage, e.g. cache or queue'),
      search: z.string().max(200).optional().describe('text to find in the name or description'),
    })
    .strict(),
  annotations: { title: 'List Redis instances', readOnlyHint: true, openWorldHint: false },
  handler: async (filters, ctx) => ({ data: { instances: await ctx.services.instances.list(filters) } }),
});

export const createInstanceTool = defineAgentTool({
  name: 'redis_sre_create_instance',
  role: 'operator',
  description:
    'Registers a Redis instance so the agent can investigate it. The connection URL (and any password) is stored encrypted and never returned; the response shows the URL masked.',
  schema: instanceCreateSchema,
  annotations: { title: 'Register a Redis instance', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (fields, ctx) => ({ data: { instance: await ctx.services.instances.create(fields, ctx.actor) } }),
});
