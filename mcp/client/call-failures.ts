import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../../core/errors';
import { redact } from '../../core/logger';
import { McpServerUnavailableError } from './connection';

/**
 * External tool failures as Temporal sees them. Only a slow answer or a network hiccup is worth a
 * retry; a dead server (already restarted once by this call), a rejected request or the tool's own
 * error go straight back to the model, which decides what to do next.
 */
export function mcpCallFailure(server: string, tool: string, timeoutMs: number, err: unknown): ApplicationFailure {
  const message = (text: string) => redact(text).slice(0, 2_000);
  if (err instanceof McpServerUnavailableError) return ApplicationFailure.nonRetryable(message(err.message), 'McpServerUnavailable');
  if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
    return ApplicationFailure.retryable(message(`MCP server '${server}' did not answer ${tool} within ${timeoutMs / 1000} s`), 'McpTimeout');
  }
  if (err instanceof McpError) return ApplicationFailure.nonRetryable(message(`MCP server '${server}' rejected ${tool}: ${err.message}`), 'McpRequestRejected');
  return ApplicationFailure.retryable(message(`MCP server '${server}' failed during ${tool}: ${errorMessage(err)}`), 'McpTransportError');
}

/** The tool ran and reported a failure itself (isError): the model reads it and adapts. */
export function mcpToolReportedError(server: string, tool: string, text: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    redact(`${tool} on MCP server '${server}' reported an error: ${text || '(no message)'}`).slice(0, 2_000),
    'McpToolError',
  );
}
