import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, SreError } from '../../core/errors';
import { redact } from '../../core/logger';
import type { AgentToolReply } from './agent-tool';

/** How tool answers and failures look to an MCP client: text plus structured content. */

export function toolResult(reply: AgentToolReply): CallToolResult {
  return {
    content: [{ type: 'text', text: reply.text ?? JSON.stringify(reply.data, null, 2) }],
    structuredContent: reply.data as Record<string, unknown>,
  };
}

/**
 * A failure the calling model can read and act on (MCP tool errors, not protocol errors, so the
 * model sees them): bad arguments name the field. Secrets are scrubbed from every message.
 */
export function toolError(tool: string, err: unknown): CallToolResult {
  const code = err instanceof SreError ? err.code : 'internal';
  const message = redact(errorMessage(err));
  const text = code === 'invalid_request' ? `Invalid arguments for ${tool}: ${message}` : `${tool} failed: ${message}`;
  return { isError: true, content: [{ type: 'text', text }], structuredContent: { error: { code, message } } };
}
