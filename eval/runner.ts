import type { Services } from '../service';
import type { AgentChoice } from '../core/types';
import { createWorld, runSetup, SetupError, type ScenarioWorld } from './environment';
import { checkAnswer, findScenarioFiles, loadScenarioFile, type Scenario } from './scenario';

/** Runs incident scenarios through the real path and checks the answers. */

export type ScenarioStatus = 'pass' | 'fail' | 'setup-error' | 'error' | 'invalid';

export interface ScenarioResult {
  id: string;
  title: string;
  file: string;
  status: ScenarioStatus;
  failed: string[];
  error?: string;
  taskId?: string;
  agent?: string;
  mode?: string;
  toolCalls: number;
  tokens: number;
  modelCalls: number;
  seconds: number;
  answer?: string;
}

export interface EvalReport {
  startedAt: string;
  finishedAt: string;
  mode: 'offline' | 'model';
  model?: string;
  results: ScenarioResult[];
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
  onResult?(result: ScenarioResult): void;
  onKept?(scenario: Scenario, world: ScenarioWorld): void;
  /** Before asking, capture the baseline as a rules fixture (see capture.ts). */
  capture?(scenario: Scenario, world: ScenarioWorld, instanceId: string): Promise<void>;
}

async function runOne(services: Services, scenario: Scenario, file: string, options: EvalOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const base = { id: scenario.id, title: scenario.title, file, failed: [] as string[], toolCalls: 0, tokens: 0, modelCalls: 0 };
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  let world: ScenarioWorld | undefined;
  let instanceId: string | undefined;
  try {
    world = await createWorld(scenario);
    await runSetup(scenario.setup, world);
    const instance = await services.stores.instances.create({
      name: `eval ${scenario.id} ${world.target.port} ${started}`,
      connection_url: world.target.url,
      environment: 'test',
      description: scenario.title,
    });
    instanceId = instance.id;
    if (options.capture) await options.capture(scenario, world, instance.id);
    const submitted = await services.tasks.submit(
      { message: scenario.query, instance_id: instance.id, agent: options.agent ?? scenario.agent },
      { source: 'eval', forceOffline: options.offline },
    );
    const view = await services.tasks.wait(submitted.task_id, options.taskTimeoutMs);
    const answer = view.result?.answer ?? '';
    const usage = view.result?.usage;
    const common = {
      ...base,
      taskId: view.task_id,
      agent: view.agent,
      mode: view.mode,
      toolCalls: view.result?.toolCalls ?? view.tool_calls.length,
      tokens: usage?.totalTokens ?? 0,
      modelCalls: usage?.calls ?? 0,
      answer,
    };
    if (view.status !== 'done') return { ...common, status: 'error', error: `task ${view.status}${view.error ? `: ${view.error}` : ''}`, seconds: seconds() };
    const check = checkAnswer(answer, scenario);
    return { ...common, status: check.passed ? 'pass' : 'fail', failed: check.failed, seconds: seconds() };
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
  const loaded = findScenarioFiles(paths).map(loadScenarioFile);
  const results: ScenarioResult[] = [];
  const record = (r: ScenarioResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  const runnable: Array<{ scenario: Scenario; file: string }> = [];
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
    runnable.push(entry);
  }
  let next = 0;
  const lane = async () => {
    while (next < runnable.length) {
      const { scenario, file } = runnable[next++];
      record(await runOne(services, scenario, file, options));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, runnable.length)) }, lane));
  const order = new Map(loaded.map((l, i) => [l.file, i]));
  results.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  const passed = results.filter((r) => r.status === 'pass').length;
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: options.offline || !services.config.model ? 'offline' : 'model',
    model: options.offline ? undefined : services.config.model?.main,
    results,
    passed,
    failed: results.length - passed,
  };
}

export function formatResult(r: ScenarioResult): string {
  const label = { pass: 'PASS', fail: 'FAIL', 'setup-error': 'SETUP-ERROR', error: 'ERROR', invalid: 'INVALID' }[r.status];
  const stats = `tools ${r.toolCalls}, tokens ${r.tokens}, ${r.seconds}s`;
  const detail = r.status === 'fail' ? ` — ${r.failed.join('; ')}` : r.error ? ` — ${r.error.split('\n')[0]}` : '';
  return `${label.padEnd(11)} ${r.id.padEnd(28)} ${stats}${detail}`;
}
