import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';
import { startIsolatedStack } from '../../stack/isolated';
import { benchConcurrency } from './concurrency';
import { benchContext } from './context';
import { benchFanout } from './fanout';
import { benchFloor } from './floor';
import { benchLoad } from './load';
import { benchNoWorker } from './no-worker';
import { benchFootprint, type ServerCost } from './footprint';
import { benchKnowledgeSearch } from './knowledge-search';
import { benchOverhead } from './overhead';

/**
 * `npm run bench`: groups of figures on a private stack (real Temporal dev server, Redis),
 * with the scripted model at fixed latencies. Prints a table and writes bench/results.json.
 * Measured, never asserted: these machines are noisy.
 */

const say = (line: string) => process.stderr.write(`${line}\n`);

function table(rows: Array<[string, string, string]>): string {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (group: string) => only.length === 0 || only.includes(group);
  say('== starting a private stack for the benchmark');
  const stack = await startIsolatedStack('bench', say);
  const results: Record<string, unknown> = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    at: new Date().toISOString(),
  };
  const rows: Array<[string, string, string]> = [['group', 'figure', 'value']];
  try {
    if (want('overhead')) {
      say('== orchestration overhead per tool call');
      const r = await benchOverhead(stack);
      results.overhead = r;
      rows.push(['overhead', `median / p95 per tool call (${r.toolCalls} calls)`, `${r.overheadMedianMs} / ${r.overheadP95Ms} ms (target median <= 15 ms)`]);
      rows.push(['overhead', 'tool handler median (for scale)', `${r.handlerMedianMs} ms`]);
    }
    if (want('fanout')) {
      say('== fan-out efficiency of deep triage (model at 1 s per call)');
      const r = await benchFanout(stack);
      results.fanout = r;
      for (const run of r.runs)
        rows.push([
          'fan-out',
          `K=${run.topics} topics: median wall, ratio to K=1`,
          `${run.wallSeconds} s, ratio ${run.ratio}${run.topics === 6 ? ' (target <= 1.25)' : ''}`,
        ]);
    }
    if (want('concurrency')) {
      say('== 100 concurrent chat tasks on one worker (model at 50 ms)');
      const r = await benchConcurrency(stack);
      results.concurrency = r;
      rows.push(['concurrency', `completed / submitted`, `${r.completed} / ${r.tasks} in ${r.wallSeconds} s (${r.throughputPerSecond} tasks/s)`]);
      rows.push([
        'concurrency',
        'latency p50 / p95 (single task)',
        `${r.p50Ms} / ${r.p95Ms} ms (${r.singleTaskMs} ms), p95 = ${r.p95OverSingle}x single (target <= 3x)`,
      ]);
      rows.push(['concurrency', 'worker peak RSS', `${r.workerPeakRssMb} MB (target <= 500 MB)`]);
    }
    if (want('context')) {
      say('== context efficiency');
      const r = await benchContext(stack);
      results.context = r;
      for (const t of r.perTool)
        rows.push([
          'context',
          `${t.output}: raw vs compacted tokens`,
          `${t.rawTokens} -> ${t.compactTokens} (${t.reduction}; ${t.rawBytes} -> ${t.compactBytes} bytes)`,
        ]);
      rows.push([
        'context',
        `offline baseline digest (${r.baseline.tools} tools)`,
        `${r.baseline.compactedToolOutputTokens} tokens of tool output -> ${r.baseline.digestTokens} tokens of digest`,
      ]);
    }
    if (want('load')) {
      say('== load: mixed REST traffic at 50 req/s plus 300 open progress streams (BENCH_LOAD_SECONDS, default 120)');
      const r = await benchLoad(stack);
      results.load = r;
      rows.push([
        'load',
        `${r.requests} requests in ${r.seconds} s: statuses`,
        Object.entries(r.byStatus)
          .map(([s, n]) => `${s}×${n}`)
          .join(', '),
      ]);
      rows.push([
        'load',
        'server errors (5xx or no answer) / latency p50, p95, max',
        `${r.serverErrors} / ${r.latencyMs.p50}, ${r.latencyMs.p95}, ${r.latencyMs.max} ms`,
      ]);
      rows.push(['load', 'tasks submitted / finished / lost', `${r.tasks.submitted} / ${r.tasks.finished} / ${r.tasks.lost}`]);
      rows.push(['load', 'streams open / refused, events received', `${r.streams.opened} / ${r.streams.refused}, ${r.streams.events}`]);
      rows.push([
        'load',
        'app Redis connections before / max, memory before / max',
        `${r.appRedis.connectionsBefore} / ${r.appRedis.connectionsMax}, ${r.appRedis.usedMemoryBeforeMb} / ${r.appRedis.usedMemoryMaxMb} MB`,
      ]);
      rows.push(['load', 'API process peak RSS', `${r.apiRssMaxMb} MB`]);
    }
    if (want('noworker')) {
      say('== status and list calls with no worker polling');
      const r = await benchNoWorker(stack);
      results.noworker = r;
      rows.push([
        'noworker',
        `GET /tasks/:id and GET /tasks?limit=20, slowest of ${r.calls / 2} each (target < 1 s)`,
        `${r.getTaskMaxMs} ms / ${r.listTasksMaxMs} ms`,
      ]);
    }
    if (want('floor')) {
      say("== throughput against Temporal's own floor (100 offline chat tasks vs 100 no-op workflows of the same shape)");
      const r = await benchFloor(stack);
      results.floor = r;
      rows.push([
        'floor',
        `ours: ${r.tasks} offline chat tasks`,
        `${r.ours.completed}/${r.tasks} in ${r.ours.wallSeconds} s (${r.ours.tasksPerSecond} tasks/s)`,
      ]);
      const s = r.floor.shape;
      rows.push([
        'floor',
        `floor: ${r.tasks} no-op workflows (${s.parentLocal}+${s.childLocal} local, ${s.childActivities} activities, 1 child)`,
        `${r.floor.completed}/${r.tasks} in ${r.floor.wallSeconds} s (${r.floor.tasksPerSecond} tasks/s)`,
      ]);
      rows.push(['floor', 'ratio ours / floor (target >= 0.7)', String(r.ratio)]);
      rows.push(['floor', 'Temporal Cloud actions: chat task / deep triage (offline)', `${r.actions.chat.total} / ${r.actions.triage.total}`]);
    }
    if (want('footprint')) {
      say('== footprint of an offline deep triage on the target (1M keys, SLOWLOG at threshold 0)');
      const r = await benchFootprint(stack, say);
      results.footprint = r;
      const line = (c: ServerCost) =>
        `${c.commands} commands, ${c.totalServerMs} ms server time in ${c.wallSeconds} s (${c.sharePercent}% of wall), longest ${c.longestUs} µs (${c.longestCommand}), ${c.over1ms} over 1 ms`;
      rows.push(['footprint', `agent triage on ${r.keys} keys (targets: longest <= 1 ms, total <= 2% of wall)`, line(r.triage)]);
      if (r.triage.agentEstimate)
        rows.push([
          'footprint',
          "agent's own estimate in its report (upper bound)",
          `${r.triage.agentEstimate.commands} commands, <= ${r.triage.agentEstimate.busyMs} ms`,
        ]);
      rows.push(['footprint', 'redis-cli --bigkeys on the same keys', line(r.bigkeys)]);
    }
    if (want('knowledge')) {
      say('== knowledge search latency (local store)');
      const r = await benchKnowledgeSearch();
      results.knowledge = r;
      rows.push(['knowledge', `search p50 / p95 over ${r.chunks} chunks (${r.queries} queries)`, `${r.p50Ms} / ${r.p95Ms} ms`]);
    }
  } finally {
    await stack.stop();
  }
  const out = path.join(projectRoot(), 'bench', 'results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // A run of some groups keeps the other groups' last figures (each group carries its own date).
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  const dated = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [k, k === 'machine' || k === 'at' || !v || typeof v !== 'object' ? v : { ...v, at: results.at }]),
  );
  fs.writeFileSync(out, `${JSON.stringify({ ...previous, ...dated }, null, 2)}\n`);
  process.stdout.write(`${table(rows)}\n\nwritten to ${path.relative(process.cwd(), out)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
