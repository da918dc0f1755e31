import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../core/config';
import { projectRoot } from '../../core/paths';
import { openServices, type Services } from '../../service';
import type { TaskView } from '../../service/tasks';
import { startWorker, type RunningWorker } from '../../workers/worker';
import { buildWorkerDeps } from '../../workers/deps';
import { ScriptedModel, type Script } from './scripted-model';
import type { IsolatedStack } from '../../stack/isolated';

/** Benchmark plumbing: a worker (in-process or its own process) plus services on a private queue. */

export interface BenchAgent {
  config: Config;
  services: Services;
  run(request: Record<string, unknown>, options?: { forceOffline?: boolean }): Promise<TaskView>;
  stop(): Promise<void>;
}

export function agentEnv(stack: IsolatedStack, model?: { baseURL: string }): Record<string, string> {
  return {
    ...stack.env,
    PATH: process.env.PATH ?? '',
    SRE_TASK_QUEUE: `bench-${randomBytes(4).toString('hex')}`,
    SRE_WORKER_CONCURRENCY: '200',
    SRE_LOG_LEVEL: 'error',
    ...(model
      ? { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'bench', SRE_MODEL: 'bench-main', SRE_MODEL_MINI: 'bench-mini', SRE_MODEL_NANO: 'bench-nano' }
      : {}),
  };
}

export async function startBenchAgent(
  env: Record<string, string>,
  options: { inProcessWorker: boolean },
): Promise<BenchAgent & { workerProcess?: ChildProcess }> {
  const config = loadConfig(env);
  const services = await openServices(config);
  let worker: RunningWorker | undefined;
  let workerProcess: ChildProcess | undefined;
  if (options.inProcessWorker) {
    worker = await startWorker(config, { deps: buildWorkerDeps(config, { stores: services.stores }), logLevel: 'ERROR' });
  } else {
    workerProcess = spawn(process.execPath, [path.join(projectRoot(), 'dist/cli/main.js'), 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return {
    config,
    services,
    workerProcess,
    async run(request, runOptions = {}) {
      const submitted = await services.tasks.submit(request, { source: 'test', forceOffline: runOptions.forceOffline });
      return services.tasks.wait(submitted.task_id, 600_000);
    },
    async stop() {
      await worker?.stop();
      workerProcess?.kill('SIGTERM');
      await services.close();
    },
  };
}

export async function startModel(script: Script, latencyMs: number): Promise<{ model: ScriptedModel; baseURL: string }> {
  const model = new ScriptedModel(script, { latencyMs });
  return { model, baseURL: await model.start() };
}

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}
