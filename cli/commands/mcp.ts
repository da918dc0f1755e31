import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { ValidationError } from '../../core/errors';
import { createLogger } from '../../core/logger';
import { withServices } from '../services';
import { hasPollers } from '../../service/workers';
import { shareServices } from '../../mcp/server/create-server';
import { startMcpHttpServer } from '../../mcp/server/http';
import { serveStdio } from '../../mcp/server/stdio';
import { action } from '../output';

interface ServeOptions {
  transport: string;
  port?: string;
  host?: string;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function portOption(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new ValidationError(`--port: expected a TCP port from 0 to 65535, got '${text}'`);
  return port;
}

export function registerMcp(program: Command): void {
  const mcp = program.command('mcp').description('Model Context Protocol: the agent as tools for Claude Desktop and other MCP clients');
  mcp
    .command('serve')
    .description('serve the agent over MCP (stdio for a local client that starts this command; streamable HTTP at /mcp otherwise)')
    .option('--transport <transport>', 'stdio | http', 'stdio')
    .option('--port <port>', 'HTTP port (default SRE_MCP_PORT, 8081)')
    .option('--host <host>', 'HTTP bind address (default SRE_API_HOST, 127.0.0.1)')
    .action(
      action(async (opts: ServeOptions) => {
        if (opts.transport !== 'stdio' && opts.transport !== 'http') throw new ValidationError(`--transport: expected stdio or http, got '${opts.transport}'`);
        const config = loadConfig();
        const port = portOption(opts.port, config.mcp.port);
        const log = createLogger('mcp', config.logLevel);
        await withServices(config, async (services) => {
          if (!(await hasPollers(services.temporal, config.temporal.namespace, config.temporal.taskQueue))) {
            log.warn(`no worker is polling task queue '${config.temporal.taskQueue}': tasks will wait until one runs ('sre-agent worker')`);
          }
          const shared = shareServices(services, log);
          if (opts.transport === 'stdio') {
            log.info('serving MCP over stdio');
            await serveStdio(shared, untilSignal());
            return;
          }
          const http = await startMcpHttpServer(shared, { host: opts.host ?? config.api.host, port });
          process.stderr.write(`MCP server listening at ${http.url}${config.api.apiKey ? ' (requests need Authorization: Bearer $SRE_API_KEY)' : ''}\n`);
          await untilSignal();
          await http.close();
        });
      }),
    );
}
