import { BUILTIN_TOOLS } from '../activities/tools/registry';
import type { Services } from '../service';
import type { AgentChoice } from '../core/types';
import type { ServerKind } from '../stack/install';
import { createWorld, runSetup, SetupError, type ScenarioWorld } from './environment';
import { toolsCalledInHistory } from './history-tools';
import type { JudgeVerdict } from './judge';
import { checkAnswer, findScenarioFiles, loadScenarioFile, SERVER_KINDS, type Scenario } from './scenario';

/** Runs incident scenarios through the real path and checks the answers. */

export type ScenarioStatus = 'pass' | 'fail' | 'setup-error' | 'error' | 'invalid';

export interface ScenarioResult {
  id: string;
  title: string;
  file: string;
  /** The server the scenario ran on. */
  server?: ServerKind;
  status: ScenarioStatus;
  failed: string[];
  error?: string;
  taskId?: string;
  agent?: string;
  mode?: string;
  toolCalls: number;
  /** Tools the task's histories show, sorted (what must_call / must_not_call are checked against). */
  toolsCalled?: string[];
  tokens: number;
  promptTokens?: number;
  completionTokens?: number;
  modelCalls: number;
  seconds: number;
  /** Which of the --repeat runs this is (1-based). */
  run?: number;
  /** The grounding check of a model answer: claims not found in the task's tool outputs. */
  grounding?: { checked: number; unsupported: number; outcome: string; flags: string[] };
  /** The --judge verdict, beside the regex result (never instead of it). */
  judge?: JudgeVerdict;
  answer?: string;
}

/** Per scenario and server over the --repeat runs: pass@1 (mean pass rate) and pass^N (every run passed). */
export interface ScenarioSummary {
  id: string;
  server?: ServerKind;
  runs: number;
  passes: number;
  passAt1: number;
  passAll: boolean;
  meanTokens: number;
  meanSeconds: number;
  meanToolCalls: number;
  ungrounded: number;
}

export interface EvalReport {
  startedAt: string;
  finishedAt: string;
  mode: 'offline' | 'model';
  model?: string;
  /** A name for this run in `eval compare` (--model <label>), default the mode or model name. */
  label: string;
  repeat: number;
  servers: ServerKind[];
  results: ScenarioResult[];
  summary: ScenarioSummary[];
  passed: number;
  failed: number;
}

export interface EvalOptions {
  offline: boolean;
  agent?: AgentChoice;
  only?: string[];
  keep?: boolean;
  concurrency: number;
  taskTimeoutMs: number;
  /** Servers to run each scenario on (those it applies to); default: every server the harness has. */
  servers?: ServerKind[];
  /** Runs of each scenario (pass@1 and pass^N over them); default 1. */
  repeat?: number;
  label?: string;
  /** Grades each answer with a model as well (eval/judge.ts). */
  judge?(scenario: Scenario, answer: string): Promise<JudgeVerdict>;
  onResult?(result: ScenarioResult): void;
  onKept?(scenario: Scenario, world: ScenarioWorld): void;
  /** Before asking, capture the baseline as a rules fixture (see capture.ts). */
  capture?(scenario: Scenario, world: ScenarioWorld, instanceId: string, server: ServerKind): Promise<void>;
}

const TOOL_NAMES = new Set(BUILTIN_TOOLS.map((t) => t.name));

/**
 * The instance's name is neutral: answers repeat it, so a name carrying the scenario's id or
 * title ("aof-rewrite-disabled") could satisfy a must_mention by itself.
 */
export function neutralInstanceName(port: number, started: number): string {
  return `target-${port}-${started.toString(36)}`;
}

async function runOne(services: Services, scenario: Scenario, file: string, server: ServerKind, run: number, options: EvalOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const base = { id: scenario.id, title: scenario.title, file, server, run, failed: [] as string[], toolCalls: 0, tokens: 0, modelCalls: 0 };
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  let world: ScenarioWorld | undefined;
  let instanceId: string | undefined;
  try {
    world = await createWorld(scenario, server);
    await runSetup(scenario.setup, world);
    const instance = await services.stores.instances.create({
      name: neutralInstanceName(world.target.port, started),
      connection_url: world.target.url,
      environment: 'test',
      ...(world.cluster ? { instance_type: 'cluster' as const } : {}),
      ...(world.sentinel
        ? { instance_type: 'sentinel' as const, sentinel_addresses: world.sentinel.addresses, sentinel_master_name: world.sentinel.masterName }
        : {}),
    });
    instanceId = instance.id;
    if (options.capture) await options.capture(scenario, world, instance.id, server);
    const submitted = await services.tasks.submit(
      { message: scenario.query, instance_id: instance.id, agent: options.agent ?? scenario.agent },
      { source: 'eval', forceOffline: options.offline },
    );
    const view = await services.tasks.wait(submitted.task_id, options.taskTimeoutMs);
    const answer = view.result?.answer ?? '';
    const usage = view.result?.usage;
    const toolsCalled = await toolsCalledInHistory(services.temporal, view.task_id, TOOL_NAMES);
    const grounding = view.result?.grounding;
    const common = {
      ...base,
      taskId: view.task_id,
      agent: view.agent,
      mode: view.mode,
      toolCalls: view.result?.toolCalls ?? view.tool_calls.length,
      toolsCalled,
      tokens: usage?.totalTokens ?? 0,
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      modelCalls: usage?.calls ?? 0,
      ...(grounding
        ? {
            grounding: {
              checked: grounding.checked,
              unsupported: grounding.unsupported,
              outcome: grounding.outcome,
              flags: grounding.flags.map((f) => `${f.claim}: ${f.reason}`),
            },
          }
        : {}),
      answer,
    };
    if (view.status !== 'done') return { ...common, status: 'error', error: `task ${view.status}${view.error ? `: ${view.error}` : ''}`, seconds: seconds() };
    const check = checkAnswer(answer, scenario, toolsCalled);
    const taskSeconds = seconds();
    const judge = options.judge ? await options.judge(scenario, answer) : undefined;
    return { ...common, status: check.passed ? 'pass' : 'fail', failed: check.failed, seconds: taskSeconds, ...(judge ? { judge } : {}) };
  } catch (err) {
    return { ...base, status: err instanceof SetupError ? 'setup-error' : 'error', error: (err as Error).message, seconds: seconds() };
  } finally {
    if (instanceId) await services.stores.instances.delete(instanceId).catch(() => undefined);
    if (world) {
      if (options.keep) options.onKept?.(scenario, world);
      else await world.teardown();
    }
  }
}

export async function runEval(services: Services, paths: string[], options: EvalOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  const servers = options.servers ?? [...SERVER_KINDS];
  const loaded = findScenarioFiles(paths).map(loadScenarioFile);
  const results: ScenarioResult[] = [];
  const record = (r: ScenarioResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  const runnable: Array<{ scenario: Scenario; file: string; server: ServerKind; run: number }> = [];
  const seen = new Set<string>();
  for (const entry of loaded) {
    if (!entry.ok) {
      record({
        id: entry.file.split('/').pop()!,
        title: '(invalid scenario file)',
        file: entry.file,
        status: 'invalid',
        failed: [],
        error: entry.error,
        toolCalls: 0,
        tokens: 0,
        modelCalls: 0,
        seconds: 0,
      });
      continue;
    }
    if (options.only?.length && !options.only.includes(entry.scenario.id)) continue;
    if (seen.has(entry.scenario.id)) {
      record({
        id: entry.scenario.id,
        title: entry.scenario.title,
        file: entry.file,
        status: 'invalid',
        failed: [],
        error: `${entry.file}: id: '${entry.scenario.id}' is used by another scenario`,
        toolCalls: 0,
        tokens: 0,
        modelCalls: 0,
        seconds: 0,
      });
      continue;
    }
    seen.add(entry.scenario.id);
    for (let run = 1; run <= Math.max(1, options.repeat ?? 1); run++)
      for (const server of servers.filter((s) => entry.scenario.servers.includes(s))) runnable.push({ ...entry, server, run });
  }
  let next = 0;
  const lane = async () => {
    while (next < runnable.length) {
      const { scenario, file, server, run } = runnable[next++];
      record(await runOne(services, scenario, file, server, run, options));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, runnable.length)) }, lane));
  const order = new Map(runnable.map((r, i) => [`${r.file}@${r.server}#${r.run}`, i]));
  const fileOrder = new Map(loaded.map((l, i) => [l.file, i]));
  results.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      (order.get(`${a.file}@${a.server}#${a.run}`) ?? 0) - (order.get(`${b.file}@${b.server}#${b.run}`) ?? 0),
  );
  const passed = results.filter((r) => r.status === 'pass').length;
  const mode = options.offline || !services.config.model ? 'offline' : 'model';
  const model = options.offline ? undefined : services.config.model?.main;
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode,
    model,
    label: options.label ?? model ?? mode,
    repeat: Math.max(1, options.repeat ?? 1),
    servers,
    results,
    summary: summarize(results),
    passed,
    failed: results.length - passed,
  };
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function summarize(results: ScenarioResult[]): ScenarioSummary[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) groups.set(`${r.id}@${r.server ?? ''}`, [...(groups.get(`${r.id}@${r.server ?? ''}`) ?? []), r]);
  const mean1 = (xs: number[]) => Math.round(mean(xs) * 10) / 10;
  return [...groups.values()].map((runs) => {
    const passes = runs.filter((r) => r.status === 'pass').length;
    return {
      id: runs[0].id,
      server: runs[0].server,
      runs: runs.length,
      passes,
      passAt1: Math.round((passes / runs.length) * 100) / 100,
      passAll: passes === runs.length,
      meanTokens: mean1(runs.map((r) => r.tokens)),
      meanSeconds: mean1(runs.map((r) => r.seconds)),
      meanToolCalls: mean1(runs.map((r) => r.toolCalls)),
      ungrounded: runs.reduce((n, r) => n + (r.grounding?.unsupported ?? 0), 0),
    };
  });
}

export function formatResult(r: ScenarioResult): string {
  const label = { pass: 'PASS', fail: 'FAIL', 'setup-error': 'SETUP-ERROR', error: 'ERROR', invalid: 'INVALID' }[r.status];
  const grounding = r.grounding ? `, ungrounded ${r.grounding.unsupported}/${r.grounding.checked}` : '';
  const judge = r.judge ? `, judge ${r.judge.verdict}` : '';
  const stats = `tools ${r.toolCalls}, tokens ${r.tokens}${grounding}${judge}, ${r.seconds}s`;
  const detail = r.status === 'fail' ? ` — ${r.failed.join('; ')}` : r.error ? ` — ${r.error.split('\n')[0]}` : '';
  const run = r.run && r.run > 1 ? ` #${r.run}` : '';
  return `${label.padEnd(11)} ${`${r.id}${r.server ? ` [${r.server}]` : ''}${run}`.padEnd(38)} ${stats}${detail}`;
}
