import type { Command } from 'commander';
import type { FleetView } from '../../service/fleet';
import { cliActor } from '../actor';
import { action, printJson, printTable } from '../output';
import { withDefaultServices } from '../services';

/** `sre-agent fleet check`: a health check of every instance a filter matches, one summary. */
export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('fleet checks: every instance matching a filter, checked in parallel');
  fleet
    .command('check')
    .option('--environment <env>', 'only instances of this environment')
    .option('--usage <usage>', 'only instances of this usage')
    .option('--type <type>', 'only instances of this topology (standalone, cluster, sentinel, …)')
    .option('--name <glob>', 'only instances whose name matches, e.g. "cache-*"')
    .option('--all', 'every registered instance')
    .option('--concurrency <n>', 'instances checked at the same time (1-20)', '4')
    .option('--no-wait', 'print the fleet id and return at once')
    .option('--json', 'JSON output')
    .action(
      action(
        async (opts: {
          environment?: string;
          usage?: string;
          type?: string;
          name?: string;
          all?: boolean;
          concurrency: string;
          wait: boolean;
          json?: boolean;
        }) => {
          const filter = {
            ...(opts.environment ? { environment: opts.environment } : {}),
            ...(opts.usage ? { usage: opts.usage } : {}),
            ...(opts.type ? { instance_type: opts.type } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.all ? { all: true } : {}),
          };
          const view: FleetView = await withDefaultServices(async (s) => {
            const started = await s.fleet.start({ filter, concurrency: Number(opts.concurrency) }, { source: 'cli', actor: cliActor() });
            process.stderr.write(`fleet check ${started.fleet_id} started (thread ${started.thread_id})\n`);
            return opts.wait ? s.fleet.wait(started.fleet_id) : started;
          });
          if (opts.json) return printJson(view);
          if (view.rows) {
            printTable(view.rows as never[], ['name', 'verdict', 'topFinding', 'findings', 'taskId']);
          }
          process.stdout.write(`\nfleet ${view.fleet_id}: ${view.status} · thread ${view.thread_id} · ${view.workflow_url}\n`);
        },
      ),
    );
}
