import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createAgentMcpServer, type AgentMcpShared } from './create-server';

/**
 * MCP over stdin/stdout for a local client (Claude Desktop) that starts this process. Resolves
 * when the client goes away (stdin ends) or `stop` resolves; stdout carries protocol messages only.
 */
export async function serveStdio(shared: AgentMcpShared, stop: Promise<void>): Promise<void> {
  const server = createAgentMcpServer(shared);
  const clientGone = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  await Promise.race([clientGone, stop]);
  await server.close();
}
