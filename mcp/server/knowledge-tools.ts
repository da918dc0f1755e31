import { z } from 'zod';
import { knowledgeSearchArgsSchema } from '../../service/knowledge';
import { defineAgentTool } from './agent-tool';

/** Direct runbook search through the service layer; MCP names the text `query`, like the other tools. */
const { q, limit, category } = knowledgeSearchArgsSchema.shape;

export const knowledgeSearchTool = defineAgentTool({
  name: 'redis_sre_knowledge_search',
  role: 'viewer',
  description:
    'Searches the Redis SRE runbooks directly (no agent): returns the best matching sections with runbook id, title, heading, snippet and score. Filter by category (memory, performance, connections, ...).',
  schema: z.object({ query: q.describe('words to find: error messages, INFO fields, config names, symptoms'), limit, category }).strict(),
  annotations: { title: 'Search the runbooks', readOnlyHint: true, openWorldHint: false },
  handler: async ({ query, ...options }, ctx) => ({ data: await ctx.services.knowledge.search({ q: query, ...options }) }),
});
