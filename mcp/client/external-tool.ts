import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../activities/tools/define';
import { mcpCallFailure, mcpToolReportedError } from './call-failures';
import type { McpServerConnection } from './connection';
import { toolAccess } from './tool-access';
import { externalToolName } from './tool-names';

/**
 * One tool of an external MCP server as an agent tool: its own activity (retry family `mcp`),
 * offered to the model under mcp_<server>_<tool> with the server's own argument schema.
 */

interface ExternalToolData {
  text: string;
  structured?: unknown;
}

const MAX_DESCRIPTION = 1_000;

/** The server validates its arguments against its own schema; here any object passes through. */
const anyArguments = z.record(z.string(), z.unknown());

function contentText(content: CallToolResult['content']): string {
  return content
    .map((item) => {
      if (item.type === 'text') return item.text;
      if (item.type === 'resource') return 'text' in item.resource ? item.resource.text : `[resource ${item.resource.uri}]`;
      if (item.type === 'resource_link') return `[resource ${item.uri}]`;
      return `[${item.type} content]`;
    })
    .join('\n');
}

/** Models need an object schema with properties; servers may leave either out. */
function argumentSchema(inputSchema: Tool['inputSchema']): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = inputSchema as Record<string, unknown>;
  return { ...schema, type: 'object', properties: schema.properties ?? {} };
}

export function externalTool(connection: McpServerConnection, tool: Tool): ToolDefinition {
  const server = connection.spec.name;
  const purpose = tool.description ?? tool.title ?? tool.name;
  return defineTool({
    name: externalToolName(server, tool.name),
    description: `${purpose.slice(0, MAX_DESCRIPTION)} (tool '${tool.name}' of MCP server '${server}')`,
    schema: anyArguments,
    jsonSchema: argumentSchema(tool.inputSchema),
    capability: 'mcp',
    retryClass: 'mcp',
    needsInstance: false,
    access: toolAccess(tool, connection.spec.access),
    handler: async (args): Promise<ExternalToolData> => {
      let result: CallToolResult;
      try {
        result = await connection.call(tool.name, args);
      } catch (err) {
        throw mcpCallFailure(server, tool.name, connection.spec.timeoutMs, err);
      }
      const text = contentText(result.content ?? []);
      if (result.isError) throw mcpToolReportedError(server, tool.name, text);
      return { text, ...(result.structuredContent ? { structured: result.structuredContent } : {}) };
    },
    summarize: (data: ExternalToolData) =>
      data.text
        .split('\n')
        .find((line) => line.trim())
        ?.slice(0, 120) ?? 'ok (no text)',
  });
}
