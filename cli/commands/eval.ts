import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { ValidationError } from '../../core/errors';
import { projectRoot } from '../../core/paths';
import { withServices } from '../services';
import { AGENT_CHOICES, type AgentChoice } from '../../core/types';
import { captureScenario } from '../../eval/capture';
import { SERVER_KINDS } from '../../eval/scenario';
import type { ServerKind } from '../../stack/install';
import { formatResult, runEval } from '../../eval/runner';
import { compareTable, loadReport, totals } from '../../eval/compare';
import { createJudge } from '../../eval/judge';
import { exportFeedback } from '../../eval/feedback-export';
import { withDefaultServices } from '../services';
import { stackUp } from '../../stack/stack';
import { startWorker } from '../../workers/worker';
import { action } from '../output';

interface EvalCliOptions {
  offline?: boolean;
  agent?: string;
  only?: string[];
  keep?: boolean;
  out: string;
  concurrency: string;
  timeout: string;
  capture?: string;
  server?: string[];
  model?: string | boolean;
  repeat: string;
  judge?: boolean;
}

export function registerEval(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('run incident scenarios (../shared/SCENARIOS.md format) through the real path and check the answers')
    .argument('[paths...]', 'scenario files or directories', [])
    .option('--offline', 'force the rules engine even when a model is configured')
    .option('--agent <agent>', "override every scenario's agent: auto | chat | triage | knowledge")
    .option('--only <id...>', 'run only these scenario ids')
    .option('--keep', 'leave the Redis servers of each scenario running, for debugging')
    .option('--out <file>', 'JSON results file', 'eval-results.json')
    .option('--concurrency <n>', 'scenarios run at once', '2')
    .option('--timeout <seconds>', 'per-scenario task timeout', '300')
    .option('--capture <dir>', "also save each scenario's raw outputs and baseline as rules-engine fixtures")
    .option('--server <kind...>', 'run on these servers only: redis, valkey (default: both, where a scenario applies)')
    .option('--model [label]', 'run with the configured model (fails when none is); the label names this run in eval compare')
    .option('--repeat <n>', 'runs of each scenario: reports pass@1 and pass^N', '1')
    .option('--judge', 'also grade each answer with the configured model against the scenario (all-elements rubric)')
    .action(
      action(async (paths: string[], opts: EvalCliOptions) => {
        const config = loadConfig();
        const say = (line: string) => process.stderr.write(`${line}\n`);
        const servers = (opts.server ?? [...SERVER_KINDS]) as ServerKind[];
        const unknown = servers.filter((s) => !(SERVER_KINDS as readonly string[]).includes(s));
        if (unknown.length) throw new ValidationError(`--server: expected redis or valkey, not '${unknown.join(', ')}'`);
        if (opts.agent && !(AGENT_CHOICES as readonly string[]).includes(opts.agent))
          throw new ValidationError(`--agent must be auto, chat, triage or knowledge, not '${opts.agent}'`);
        const repeat = Number(opts.repeat);
        if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50)
          throw new ValidationError(`--repeat: expected a whole number from 1 to 50, not '${opts.repeat}'`);
        if (opts.model && opts.offline) throw new ValidationError('--model and --offline exclude each other');
        if ((opts.model || opts.judge) && !config.model)
          throw new ValidationError(
            `${opts.model ? '--model' : '--judge'}: no model is configured (set OPENAI_API_KEY / OPENAI_BASE_URL, or SRE_LOCAL_MODEL=true)`,
          );
        const label = typeof opts.model === 'string' ? opts.model : undefined;
        const dirs = paths.length ? paths : [path.join(projectRoot(), 'test', 'scenarios')];
        await stackUp(config, () => undefined);
        // A worker of our own on a dedicated queue: the real worker code, isolated from other runs.
        const evalConfig = { ...config, temporal: { ...config.temporal, taskQueue: `eval-${process.pid}-${Date.now()}` } };
        await withServices(evalConfig, async (services) => {
          const worker = await startWorker(evalConfig, { logLevel: 'ERROR' });
          try {
            say(`running scenarios from ${dirs.join(', ')} (${opts.offline || !config.model ? 'offline: rules engine' : `model ${config.model.main}`})`);
            const report = await runEval(services, dirs, {
              offline: Boolean(opts.offline),
              agent: opts.agent as AgentChoice | undefined,
              only: opts.only,
              keep: opts.keep,
              servers,
              concurrency: Math.max(1, Number(opts.concurrency) || 1),
              repeat,
              label,
              judge: opts.judge && config.model ? createJudge(config.model) : undefined,
              taskTimeoutMs: Number(opts.timeout) * 1000,
              onResult: (r) => process.stdout.write(`${formatResult(r)}\n`),
              capture: opts.capture
                ? async (s, world, instanceId, server) => void (await captureScenario(worker.deps, s, world, instanceId, opts.capture!, server))
                : undefined,
              onKept: (s, world) =>
                say(
                  `kept ${s.id}: master redis://127.0.0.1:${world.master.port}${world.replica ? `, replica redis://127.0.0.1:${world.replica.port}` : ''} (dir ${world.master.dir})`,
                ),
            });
            fs.writeFileSync(opts.out, JSON.stringify(report, null, 2));
            const t = totals(report);
            process.stdout.write(
              `${report.passed} passed, ${report.failed} failed` +
                (repeat > 1 ? ` · pass@1 ${Math.round(t.passAt1 * 100)}%, pass^${repeat} ${t.passAll}/${t.scenarios}` : '') +
                ` · mean ${t.meanTokens} tokens, ${t.meanSeconds}s per scenario\n`,
            );
            say(`results written to ${opts.out}`);
            if (report.failed > 0) process.exitCode = 1;
          } finally {
            await worker.stop();
          }
        });
      }),
    );

  evalCommand
    .command('feedback')
    .description('export answers people rated (👎 by default) as candidate scenario files, to be completed with setup and must_mention')
    .option('--rating <rating>', 'down (default) or up', 'down')
    .option('--out <dir>', 'directory to write the scenario files into (default: print the list only)')
    .option('--limit <n>', 'look at the newest n tasks', '500')
    .action(
      action(async (opts: { rating: string; out?: string; limit: string }) => {
        if (opts.rating !== 'up' && opts.rating !== 'down') throw new ValidationError(`--rating must be up or down (got '${opts.rating}')`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new ValidationError('--limit must be a whole number from 1 to 100000');
        const records = await withDefaultServices((s) => s.stores.tasks.list({ limit }));
        const exported = exportFeedback(records, { rating: opts.rating, dir: opts.out });
        for (const e of exported) process.stdout.write(`${e.taskId}\t${e.rating}\t${e.comment ?? ''}${e.file ? `\t${e.file}` : ''}\n`);
        process.stderr.write(`${exported.length} answer(s) rated ${opts.rating}${opts.out ? `, scenario files in ${opts.out}` : ''}\n`);
      }),
    );

  evalCommand
    .command('compare')
    .description('print two or more eval results files side by side (Markdown table)')
    .argument('<files...>', 'eval results JSON files, e.g. offline.json local.json')
    .action(
      action(async (files: string[]) => {
        if (files.length < 2) throw new ValidationError('compare needs at least two results files');
        process.stdout.write(`${compareTable(files.map(loadReport))}\n`);
      }),
    );
}
