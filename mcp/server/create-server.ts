import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolRequest, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { argumentsJsonSchema } from '../../core/json-schema';
import type { Services } from '../../service';
import { roleAllows, type Principal } from '../../core/api-keys';
import { SreError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { parseOrThrow } from '../../core/validation';
import { AGENT_IMPLEMENTATION } from '../implementation';
import type { AgentTool, AgentToolContext } from './agent-tool';
import { AGENT_TOOLS } from './agent-tools';
import { toolError, toolResult } from './tool-results';

/**
 * The agent as an MCP server. Tools validate with the service layer's schemas and run through
 * the service layer, so MCP answers exactly like REST and the CLI.
 */

const INSTRUCTIONS =
  'Redis SRE agent: investigates Redis instances with live diagnostics, every investigation a durable Temporal workflow. Register an instance (redis_sre_create_instance) or find one (redis_sre_list_instances), then ask (redis_sre_database_chat) or run a deep triage (redis_sre_deep_triage) and follow it with redis_sre_get_task_status and redis_sre_get_thread.';

/** What the servers of one process share: the service layer and a logger. */
export interface AgentMcpShared {
  services: Services;
  log: Logger;
}

export function shareServices(services: Services, log: Logger): AgentMcpShared {
  return { services, log };
}

function listing(tool: AgentTool): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: argumentsJsonSchema(tool.schema) as Tool['inputSchema'],
    annotations: tool.annotations,
  };
}

/**
 * tools/call registered with a lenient request schema: malformed params then reach the SDK's own
 * tools/call check, which answers InvalidParams; the strict schema would make them InternalError.
 */
const LENIENT_TOOL_CALL = z.object({ method: z.literal('tools/call'), params: z.unknown() }) as unknown as typeof CallToolRequestSchema;

/** A local stdio client runs with the rights of the user who started it, like the CLI. */
export const LOCAL_CALLER: Principal = { name: 'mcp-stdio', role: 'admin' };

/** One server per caller: it lists and runs only the tools the caller's role allows. */
export function createAgentMcpServer(shared: AgentMcpShared, caller: Principal = LOCAL_CALLER, tools: AgentTool[] = AGENT_TOOLS): Server {
  const allowed = tools.filter((tool) => roleAllows(caller.role, tool.role));
  const byName = new Map(allowed.map((tool) => [tool.name, tool]));
  const listed = allowed.map(listing);
  const server = new Server(AGENT_IMPLEMENTATION, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  server.setRequestHandler(LENIENT_TOOL_CALL, async (request, extra) => {
    const { name, arguments: args, _meta } = (request as unknown as CallToolRequest).params;
    const tool = byName.get(name);
    const forbidden = tools.find((t) => t.name === name);
    if (!tool && forbidden)
      return toolError(name, new SreError(`the key '${caller.name}' has the ${caller.role} role; ${name} needs ${forbidden.role} or above`, 'forbidden'));
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool '${name}'; this server has: ${[...byName.keys()].join(', ')}`);
    const ctx: AgentToolContext = {
      services: shared.services,
      actor: `mcp:${caller.name}`,
      progress: async (message, done, total) => {
        if (_meta?.progressToken === undefined) return;
        await extra
          .sendNotification({ method: 'notifications/progress', params: { progressToken: _meta.progressToken, progress: done, total, message } })
          .catch(() => undefined);
      },
    };
    try {
      return toolResult(await tool.handler(parseOrThrow(tool.schema, args ?? {}), ctx));
    } catch (err) {
      if (!(err instanceof SreError)) shared.log.error(`MCP tool ${name} failed`, { error: (err as Error).message });
      return toolError(name, err);
    }
  });
  return server;
}
