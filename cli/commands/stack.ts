import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { installAll } from '../../stack/install';
import { stackDown, stackStatus, stackUp } from '../../stack/stack';
import { action, printJson, printTable } from '../output';

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('the local stack: Temporal dev server, app Redis, redis_exporter, Prometheus, and optionally the local model (loopback only)');
  const say = (line: string) => process.stderr.write(`${line}\n`);
  stack
    .command('up')
    .description('install what is missing and start every component (a no-op for what already runs)')
    .option('--local-model', 'also run the fully local model (built and downloaded on first use, cached in SRE_CACHE_DIR); same as SRE_LOCAL_MODEL=true')
    .action(
      action(async (opts: { localModel?: boolean }) => {
        const config = loadConfig(opts.localModel ? { ...process.env, SRE_LOCAL_MODEL: 'true' } : process.env);
        const status = await stackUp(config, say);
        if (opts.localModel && !process.env.SRE_LOCAL_MODEL)
          say(`local model on ${config.model?.baseURL}: set SRE_LOCAL_MODEL=true for the worker, CLI and API to use it (every tier)`);
        printTable(
          status.map((s) => ({ ...s, healthy: s.healthy ? 'yes' : 'NO' })),
          ['name', 'healthy', 'address', 'pid'],
        );
      }),
    );
  stack
    .command('down')
    .description('stop the components this stack started (PID files)')
    .action(action(async () => stackDown(loadConfig(), say)));
  stack
    .command('status')
    .description('health and address of each component')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const status = await stackStatus(loadConfig());
        if (opts.json) printJson(status);
        else
          printTable(
            status.map((s) => ({ ...s, healthy: s.healthy ? 'yes' : 'NO', managed: s.managed ? 'yes' : 'no' })),
            ['name', 'healthy', 'address', 'pid', 'managed'],
          );
        if (status.some((s) => !s.healthy)) process.exitCode = 1;
      }),
    );
  stack
    .command('install')
    .description('install the Debian packages and the Temporal CLI without starting anything')
    .action(
      action(async () => {
        const { temporal, valkey } = installAll(say);
        say(`temporal CLI: ${temporal}`);
        say(`valkey-server: ${valkey}`);
      }),
    );
}
