import { randomBytes } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { loadConfig, type Config } from '../../core/config';
import { openServices, type Services } from '../../service';
import type { TaskView } from '../../service/tasks';
import { startWorker, type WorkerHandle } from '../../workers/worker';
import { buildWorkerDeps } from '../../workers/deps';
import { readStackEnv } from './stack-env';

/**
 * A real worker on the shared test Temporal server, on a task queue of its own, plus the
 * service layer, for one test file. Optionally pointed at a scripted model.
 */
export interface TestAgent {
  config: Config;
  services: Services;
  worker: WorkerHandle;
  /** Submits through the service layer and waits for the task to finish. */
  run(request: Record<string, unknown>, options?: { forceOffline?: boolean; timeoutMs?: number }): Promise<TaskView>;
  history(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]>;
  stop(): Promise<void>;
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const stack = readStackEnv();
  return { ...stack.env, SRE_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`, PATH: process.env.PATH ?? '', ...extra };
}

export function modelEnv(baseURL: string): Record<string, string> {
  return {
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: 'test-key',
    SRE_MODEL: 'scripted-main',
    SRE_MODEL_MINI: 'scripted-mini',
    SRE_MODEL_NANO: 'scripted-nano',
    SRE_MODEL_TIMEOUT_MS: '20000',
  };
}

export async function startTestAgent(options: { modelBaseURL?: string; env?: Record<string, string> } = {}): Promise<TestAgent> {
  const stack = readStackEnv();
  const config = loadConfig(testEnv({ ...(options.modelBaseURL ? modelEnv(options.modelBaseURL) : {}), ...options.env }));
  const services = await openServices(config);
  const worker = await startWorker(config, { workflowBundlePath: stack.workflowBundlePath, deps: buildWorkerDeps(config, { stores: services.stores }) });
  return {
    config,
    services,
    worker,
    async run(request, runOptions = {}) {
      const submitted = await services.tasks.submit(request, { source: 'test', forceOffline: runOptions.forceOffline });
      return services.tasks.wait(submitted.task_id, runOptions.timeoutMs ?? 120_000);
    },
    async history(workflowId) {
      const history = await services.temporal.workflow.getHandle(workflowId).fetchHistory();
      return history.events ?? [];
    },
    async stop() {
      await worker.stop();
      await services.close();
    },
  };
}

export { localActivities, scheduledActivities } from './history';
