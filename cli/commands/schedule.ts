import type { Command } from 'commander';
import { ValidationError } from '../../core/errors';
import type { ScheduleService } from '../../service/schedules';
import { action, printJson, printTable } from '../output';
import { withDefaultServices } from '../services';
import { cliActor } from '../actor';

/** `sre-agent schedule …`: recurring checks, backed by Temporal schedules. */

const COLUMNS = ['id', 'name', 'enabled', 'every', 'agent', 'instance_id', 'next_run'];

interface ScheduleOptions {
  name?: string;
  instance?: string;
  message?: string;
  agent?: string;
  every?: string;
  cron?: string;
  paused?: boolean;
  overlap?: string;
  fleetEnvironment?: string;
  fleetUsage?: string;
  fleetType?: string;
  fleetName?: string;
  fleetAll?: boolean;
  json?: boolean;
}

/** --fleet-* options → the schedule's fleet filter (each run a fleet check), when any is given. */
function fleetFilter(opts: ScheduleOptions): Record<string, unknown> | undefined {
  const filter = {
    ...(opts.fleetEnvironment ? { environment: opts.fleetEnvironment } : {}),
    ...(opts.fleetUsage ? { usage: opts.fleetUsage } : {}),
    ...(opts.fleetType ? { instance_type: opts.fleetType } : {}),
    ...(opts.fleetName ? { name: opts.fleetName } : {}),
    ...(opts.fleetAll ? { all: true } : {}),
  };
  return Object.keys(filter).length ? filter : undefined;
}

/** "30m", "6h", "1d", "2w" → {every, unit}. */
function parseEvery(text: string): { every: number; unit: string } {
  const match = /^(\d+)\s*(m|min|minutes?|h|hours?|d|days?|w|weeks?)$/i.exec(text.trim());
  if (!match) throw new ValidationError(`--every: expected a number and a unit such as 30m, 6h, 1d or 2w, got '${text}'`);
  const unit = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks' }[match[2][0].toLowerCase() as 'm'];
  return { every: Number(match[1]), unit };
}

function request(opts: ScheduleOptions, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: opts.name,
    instance_id: opts.instance,
    message: opts.message,
    agent: opts.agent,
    interval: opts.every ? parseEvery(opts.every) : undefined,
    cron: opts.cron,
    overlap: opts.overlap,
    fleet: creating ? fleetFilter(opts) : undefined,
    enabled: creating ? !opts.paused : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

function row(v: Awaited<ReturnType<ScheduleService['get']>>) {
  return { ...v, every: v.cron ? `cron ${v.cron}` : `${v.interval?.every} ${v.interval?.unit}`, next_run: v.next_runs[0] ?? '' };
}

const withSchedules = <T>(fn: (s: ScheduleService) => Promise<T>): Promise<T> => withDefaultServices((services) => fn(services.schedules));

function withFields(command: Command): Command {
  return command
    .option('--name <name>', 'schedule name (unique)')
    .option('--instance <id>', 'instance to check')
    .option('--message <text>', 'instructions for each run')
    .option('--agent <agent>', 'auto | chat | triage | knowledge (default triage)')
    .option('--every <interval>', 'e.g. 30m, 6h, 1d, 1w')
    .option('--cron <expr>', '5-field cron expression, e.g. "0 3 * * *"')
    .option('--overlap <policy>', 'skip (default) | buffer_one | allow_all')
    .option('--json', 'JSON output');
}

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('recurring health checks as Temporal schedules');
  const show = (view: Awaited<ReturnType<ScheduleService['get']>>, json?: boolean) => (json ? printJson(view) : printTable([row(view)], COLUMNS));
  withFields(schedule.command('create').description('create a schedule'))
    .option('--paused', 'create it paused')
    .option('--fleet-environment <env>', 'each run is a fleet check of the instances of this environment (no --instance)')
    .option('--fleet-usage <usage>', 'fleet check: only instances of this usage')
    .option('--fleet-type <type>', 'fleet check: only instances of this topology')
    .option('--fleet-name <glob>', 'fleet check: only instances whose name matches, e.g. "cache-*"')
    .option('--fleet-all', 'fleet check of every registered instance')
    .action(action(async (opts: ScheduleOptions) => show(await withSchedules((s) => s.create(request(opts, true), cliActor())), opts.json)));
  schedule
    .command('list')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const views = await withSchedules((s) => s.list());
        if (opts.json) printJson(views);
        else printTable(views.map(row), COLUMNS);
      }),
    );
  schedule
    .command('get')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(action(async (id: string, opts: { json?: boolean }) => show(await withSchedules((s) => s.get(id)), opts.json)));
  withFields(schedule.command('update').argument('<id>')).action(
    action(async (id: string, opts: ScheduleOptions) => show(await withSchedules((s) => s.update(id, request(opts, false), cliActor())), opts.json)),
  );
  for (const verb of ['pause', 'resume'] as const) {
    schedule
      .command(verb)
      .argument('<id>')
      .action(action(async (id: string) => show(await withSchedules((s) => s[verb](id, cliActor())))));
  }
  schedule
    .command('trigger')
    .argument('<id>')
    .description('run the schedule now')
    .action(
      action(async (id: string) => {
        const { task_id } = await withSchedules((s) => s.trigger(id, cliActor()));
        process.stdout.write(task_id ? `started task ${task_id}\n` : 'triggered (the task id will appear in schedule get)\n');
      }),
    );
  schedule
    .command('delete')
    .argument('<id>')
    .action(
      action(async (id: string) => {
        await withSchedules((s) => s.delete(id, cliActor()));
        process.stdout.write(`deleted ${id}\n`);
      }),
    );
}
