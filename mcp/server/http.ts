import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isAuthorized, UNAUTHORIZED_MESSAGE } from '../../api/auth';
import { errorMessage } from '../../core/errors';
import { createAgentMcpServer, type AgentMcpShared } from './create-server';

/**
 * Streamable HTTP at /mcp, stateless: every POST gets a fresh server over the shared service
 * layer, so any number of clients (and replicas behind a load balancer) need no session state.
 */

const MCP_PATH = '/mcp';

export interface McpHttpServer {
  url: string;
  close(): Promise<void>;
}

/** JSON-RPC's implementation-defined server error code, as the SDK's own HTTP errors use. */
const SERVER_ERROR = -32000;
const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** The REST API's bearer key check, answered in JSON-RPC so MCP clients can show why. */
function requireApiKey(apiKey: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (isAuthorized(req.headers, apiKey)) return next();
    res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="sre-agent"').json(rpcError(SERVER_ERROR, UNAUTHORIZED_MESSAGE));
  };
}

export async function startMcpHttpServer(shared: AgentMcpShared, options: { host: string; port: number; apiKey?: string }): Promise<McpHttpServer> {
  const app = createMcpExpressApp({ host: options.host });
  app.post(MCP_PATH, requireApiKey(options.apiKey), async (req, res) => {
    const server = createAgentMcpServer(shared);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      shared.log.error('MCP HTTP request failed', { error: errorMessage(err) });
      if (!res.headersSent) res.status(500).json(rpcError(ErrorCode.InternalError, 'internal error; the server log has the details'));
    }
  });
  // Stateless: no server-initiated streams (GET) and no sessions to end (DELETE).
  app.all(MCP_PATH, (_req, res) => {
    res.status(405).setHeader('Allow', 'POST').json(rpcError(SERVER_ERROR, 'method not allowed: this server is stateless; send JSON-RPC requests with POST'));
  });

  const http = await new Promise<HttpServer>((resolve, reject) => {
    const listening = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
  const { port } = http.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}${MCP_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
