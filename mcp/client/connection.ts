import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../../core/errors';
import { redact, type Logger } from '../../core/logger';
import { AGENT_IMPLEMENTATION } from '../implementation';
import type { McpServerSpec } from './servers-config';
import { ObservedStdioTransport } from './stdio-transport';

/** Starting a server (spawn + initialize) is bounded, so a hung server never holds up the worker or a call. */
const CONNECT_TIMEOUT_MS = 15_000;
const MAX_LISTED_TOOLS = 500;

/** The server cannot take calls now; the message says which server and why. */
export class McpServerUnavailableError extends Error {}

/**
 * One external MCP server, shared by every call of the worker. When the server dies its tools
 * fail with the reason; the next call starts it again.
 */
export class McpServerConnection {
  private client?: Client;
  private reconnecting?: Promise<Client>;
  private stopped = false;
  /** Why the server is not connected, for the next caller's error message. */
  private downBecause = 'not started';

  constructor(
    readonly spec: McpServerSpec,
    private readonly log: Logger,
  ) {}

  /** Connects and lists the server's tools; throws saying why when the server cannot start. */
  async start(): Promise<Tool[]> {
    this.client = await this.open();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : undefined, { timeout: this.spec.timeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor && tools.length < MAX_LISTED_TOOLS);
    return tools;
  }

  async call(tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const client = await this.connected();
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: this.spec.timeoutMs })) as CallToolResult;
    } catch (err) {
      if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) {
        throw new McpServerUnavailableError(`MCP server '${this.spec.name}' closed the connection during ${tool}: ${this.downBecause}`);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    const before = this.downBecause;
    this.reconnecting ??= this.open()
      .then((client) => {
        this.client = client;
        this.log.warn(`MCP server '${this.spec.name}' reconnected`);
        return client;
      })
      .finally(() => {
        this.reconnecting = undefined;
      });
    try {
      return await this.reconnecting;
    } catch (err) {
      throw new McpServerUnavailableError(`MCP server '${this.spec.name}' is not connected: ${before}; starting it again failed: ${errorMessage(err)}`);
    }
  }

  private transport(): Transport {
    const { transport } = this.spec;
    if (transport.kind === 'stdio')
      return new ObservedStdioTransport({ command: transport.command, args: transport.args, env: transport.env, cwd: transport.cwd });
    return new StreamableHTTPClientTransport(new URL(transport.url), { requestInit: { headers: transport.headers } });
  }

  private why(transport: Transport, fallback: string): string {
    return (transport instanceof ObservedStdioTransport ? transport.failure() : undefined) ?? redact(fallback);
  }

  private async open(): Promise<Client> {
    if (this.stopped) throw new Error('the worker is shutting down');
    const client = new Client(AGENT_IMPLEMENTATION);
    const transport = this.transport();
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.downBecause = this.why(transport, 'the connection closed');
      this.log.warn(`MCP server '${this.spec.name}' disconnected: ${this.downBecause}; its tools fail until it starts again on their next call`);
    };
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    } catch (err) {
      await client.close().catch(() => undefined);
      const timedOut = err instanceof McpError && err.code === ErrorCode.RequestTimeout;
      this.downBecause = this.why(transport, timedOut ? `no answer to the MCP handshake within ${CONNECT_TIMEOUT_MS / 1000} s` : errorMessage(err));
      throw new Error(this.downBecause);
    }
    if (this.stopped) {
      await client.close().catch(() => undefined);
      throw new Error('the worker is shutting down');
    }
    return client;
  }
}
