import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import Redis from 'ioredis';
import { loadConfig, type Config } from '../../core/config';
import { withServices } from '../services';
import { addScrapeTarget } from '../../stack/prometheus-config';
import { runningPid, startDetached, stopPid, waitFor, which } from '../../stack/processes';
import { stackUp } from '../../stack/stack';
import { runWithWorker } from '../local-worker';
import { action } from '../output';
import { awaitTask } from '../progress';
import { cliActor } from '../actor';

/**
 * The main job: bring the stack up, start a demo Redis with real problems injected (writes
 * failing with OOM under noeviction, KEYS calls in the slow log), register it, run a deep triage
 * with live progress, and print the report and the Temporal UI link.
 */

async function startDemoRedis(config: Config, port: number, say: (line: string) => void): Promise<string> {
  const dir = path.join(config.dataDir, 'demo-redis');
  const pidFile = path.join(config.dataDir, 'run', 'demo-redis.pid');
  if (runningPid(pidFile) !== undefined) await stopPid(pidFile);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'redis.log');
  startDetached(
    which('redis-server') ?? '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local', '--logfile', logFile],
    { pidFile, logFile: path.join(dir, 'stdout.log') },
  );
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  await waitFor(
    'demo redis',
    async () =>
      client.connect().then(
        () => true,
        () => false,
      ),
    10_000,
    logFile,
  );
  try {
    say('demo-cache: loading 200,000 keys and running KEYS * the way a careless cron job would');
    for (let batch = 0; batch < 20; batch++) {
      await client.pipeline(Array.from({ length: 10_000 }, (_, i) => ['set', `session:${batch * 10_000 + i}`, `user-${i}-${'s'.repeat(48)}`])).exec();
    }
    await client.config('SET', 'slowlog-log-slower-than', '5000');
    for (let i = 0; i < 4; i++) await client.keys('*');
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0);
    await client.config('SET', 'maxmemory', String(used + 2 * 1024 * 1024));
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    say('demo-cache: maxmemory set just above the dataset with noeviction; writing until Redis refuses');
    let refused = 0;
    for (let batch = 0; batch < 200 && refused < 50; batch++) {
      const results = await client.pipeline(Array.from({ length: 200 }, (_, i) => ['set', `order:${batch}:${i}`, 'x'.repeat(512)])).exec();
      refused += (results ?? []).filter(([err]) => err && /OOM/.test(err.message)).length;
    }
    say(`demo-cache: ${refused} writes refused with OOM`);
  } finally {
    client.disconnect();
  }
  return `redis://127.0.0.1:${port}`;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job: local stack + a demo Redis with injected problems + a deep triage with live progress')
    .option('--port <port>', 'port of the demo Redis', '6391')
    .option('--question <text>', 'what to ask', 'Run a full health check of demo-cache: the app reports failing writes and latency spikes.')
    .action(
      action(async (opts: { port: string; question: string }) => {
        const say = (line: string) => process.stderr.write(`${line}\n`);
        const config = loadConfig();
        say('== bringing up the local stack (Temporal dev server, app Redis, redis_exporter, Prometheus)');
        await stackUp(config, say);
        say('== starting the demo Redis with real problems injected');
        const url = await startDemoRedis(config, Number(opts.port), say);
        addScrapeTarget(config.dataDir, 'demo-cache', `127.0.0.1:${opts.port}`);
        await withServices(config, async (services) => {
          const instance = await services.stores.instances.ensureForUrl(url, 'demo-cache', cliActor());
          say(
            `== registered instance ${instance.name} (${instance.id}); mode: ${config.model ? `model ${config.model.main}` : 'offline (rules engine; set SRE_MODEL and OPENAI_API_KEY/OPENAI_BASE_URL for a model)'}`,
          );
          const submitted = await services.tasks.submit(
            { message: opts.question, instance_id: instance.id, agent: 'triage' },
            { source: 'cli', actor: cliActor() },
          );
          say(`== deep triage ${submitted.task_id} (live progress below)`);
          const view = await runWithWorker(services, say, submitted.task_id, () =>
            awaitTask(services, submitted, { follow: true, timeoutMs: 30 * 60_000, write: say }),
          );
          process.stdout.write(`\n${view.result?.answer ?? `Task ${view.status}: ${view.error ?? ''}`}\n\n`);
          process.stdout.write(`task: ${view.task_id}  thread: ${view.thread_id}  status: ${view.status}  tool calls: ${view.result?.toolCalls ?? 0}\n`);
          process.stdout.write(`Temporal UI (history of this investigation): ${view.workflow_url}\n`);
          process.stdout.write(`The stack keeps running: 'sre-agent stack status' shows it, 'sre-agent stack down' stops it.\n`);
          if (view.status !== 'done') process.exitCode = 1;
        });
      }),
    );
}
