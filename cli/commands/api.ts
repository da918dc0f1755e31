import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { startApi } from '../../api/server';
import { action } from '../output';

export function registerApi(program: Command): void {
  program
    .command('api')
    .description('run the REST API (SSE and WebSocket progress streams, OpenAPI at /api/v1/openapi.json) until SIGINT/SIGTERM')
    .option('-p, --port <port>', 'port to listen on (default: SRE_API_PORT or 8080)')
    .action(
      action(async (opts: { port?: string }) => {
        // The flag goes through the same validation as the variable, so a bad port gets the same message.
        await startApi(loadConfig(opts.port ? { ...process.env, SRE_API_PORT: opts.port } : process.env));
      }),
    );
}
