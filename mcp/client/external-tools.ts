import type { ToolDefinition } from '../../activities/tools/define';
import type { Config } from '../../core/config';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { McpServerConnection } from './connection';
import { externalTool } from './external-tool';
import { loadMcpServers } from './servers-config';

/**
 * At worker start: connect to every configured MCP server and turn its tools into agent tools.
 * A server that cannot start is logged with why and left out; the worker runs with the rest.
 */

export interface ExternalMcpTools {
  tools: ToolDefinition[];
  close(): Promise<void>;
}

async function toolsOf(connection: McpServerConnection, log: Logger): Promise<ToolDefinition[]> {
  const server = connection.spec.name;
  try {
    const tools = (await connection.start()).map((tool) => externalTool(connection, tool));
    const writes = tools.filter((t) => t.access === 'write').map((t) => t.name);
    log.info(
      `MCP server '${server}' connected: ${tools.length} tools${writes.length ? ` (write tools, never offered to a model, run only as approved mcp_write actions: ${writes.join(', ')})` : ''}`,
    );
    return tools;
  } catch (err) {
    log.error(`MCP server '${server}' failed to start: ${errorMessage(err)}; the worker runs without its tools`);
    await connection.close();
    return [];
  }
}

/** Distinct names only: two tools whose sanitized names collide would otherwise stop the worker. */
function distinct(tools: ToolDefinition[], log: Logger): ToolDefinition[] {
  const seen = new Set<string>();
  return tools.filter((tool) => {
    if (seen.has(tool.name)) {
      log.warn(`MCP tool name ${tool.name} is taken by another tool; this one is not offered`);
      return false;
    }
    seen.add(tool.name);
    return true;
  });
}

export async function connectExternalMcpTools(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<ExternalMcpTools> {
  if (!config.mcp.serversFile) return { tools: [], close: async () => undefined };
  const { servers, skipped } = loadMcpServers(config.mcp.serversFile, env);
  for (const { server, reason } of skipped) log.error(`MCP server '${server}' not started: ${reason}; the worker runs without its tools`);
  const connections = servers.map((spec) => new McpServerConnection(spec, log));
  const tools = distinct((await Promise.all(connections.map((connection) => toolsOf(connection, log)))).flat(), log);
  return {
    tools,
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}
