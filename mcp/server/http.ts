import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { authenticate } from '../../api/auth';
import { HttpError } from '../../api/errors';
import type { ApiKeyRing, Principal } from '../../core/api-keys';
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

/**
 * The REST API's key check, answered in JSON-RPC so MCP clients can show why. Any key may connect
 * (viewer); each tool then checks its own role against the caller's.
 */
function requireKey(keys: ApiKeyRing, callers: WeakMap<object, Principal>): RequestHandler {
  return (req, res, next) => {
    try {
      callers.set(req, authenticate(keys, req.headers, 'viewer'));
      next();
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 401;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="sre-agent"');
      res.status(status).json(rpcError(SERVER_ERROR, (err as Error).message));
    }
  };
}

/** Body parser failures (too large, not JSON) answered in JSON-RPC, never as an HTML page. */
const bodyErrors: ErrorRequestHandler = (err: { status?: number; type?: string; message?: string }, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
  const reason = err.type === 'entity.too.large' ? 'request body too large' : 'request body is not valid JSON';
  res.status(status).json(rpcError(ErrorCode.ParseError, reason));
};

/**
 * Like the SDK's createMcpExpressApp (DNS-rebinding protection on loopback), with our body
 * limit and JSON errors instead of Express's defaults (100 KB, HTML error pages).
 */
function mcpExpressApp(host: string, bodyLimit: string) {
  const app = express();
  if (['127.0.0.1', 'localhost', '::1'].includes(host)) app.use(localhostHostValidation());
  app.use(express.json({ limit: bodyLimit }));
  return app;
}

export async function startMcpHttpServer(shared: AgentMcpShared, options: { host: string; port: number }): Promise<McpHttpServer> {
  const app = mcpExpressApp(options.host, shared.services.config.api.bodyLimit);
  const callers = new WeakMap<object, Principal>();
  app.post(MCP_PATH, requireKey(shared.services.keys, callers), async (req, res) => {
    const server = createAgentMcpServer(shared, callers.get(req));
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
  app.use(bodyErrors);
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
