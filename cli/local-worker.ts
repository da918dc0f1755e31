import type { Services } from '../service';
import { hasPollers } from '../service/workers';
import { startWorker } from '../workers/worker';

/**
 * Makes sure a submitted task gets a worker: when no worker picks it up, an in-process worker
 * serves it for the duration of the command (so `sre-agent query` works without `sre-agent worker`).
 */

async function pickedUp(services: Services, taskId: string, withinMs: number): Promise<boolean> {
  const handle = services.temporal.workflow.getHandle(taskId);
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const description = await handle.describe();
    if ((description.historyLength ?? 0) > 2 || description.status.name !== 'RUNNING') return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

export async function runWithWorker<T>(services: Services, say: (line: string) => void, taskId: string, fn: () => Promise<T>): Promise<T> {
  const { config } = services;
  const pollers = await hasPollers(services.temporal, config.temporal.namespace, config.temporal.taskQueue);
  if (pollers && (await pickedUp(services, taskId, 5_000))) return fn();
  say(`no worker is serving task queue '${config.temporal.taskQueue}'; running one in this process (start 'sre-agent worker' to keep one up)`);
  const worker = await startWorker(config, { logLevel: 'ERROR' });
  try {
    return await fn();
  } finally {
    await worker.stop();
  }
}
