import { loadConfig } from '../../core/config';
import { openServices } from '../../service';
import { listenApi } from '../../api/server';
import type { IsolatedStack } from '../../stack/isolated';
import { agentEnv } from './harness';
import { round } from './stats';

/** How fast status and list calls answer when no worker polls the task queue (target: < 1 s each). */
export async function benchNoWorker(stack: IsolatedStack): Promise<{ getTaskMaxMs: number; listTasksMaxMs: number; calls: number }> {
  const config = loadConfig({ ...agentEnv(stack), SRE_TASK_QUEUE: `nobody-polls-${Date.now()}` });
  const services = await openServices(config);
  const api = await listenApi(services, { host: '127.0.0.1', port: 0 });
  const timed = async (path: string) => {
    const t = performance.now();
    await (await fetch(`${api.url}${path}`)).text();
    return performance.now() - t;
  };
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await services.tasks.submit({ message: 'what is maxmemory?', agent: 'knowledge' }, { source: 'test' })).task_id);
    const gets: number[] = [];
    const lists: number[] = [];
    for (const id of ids) {
      gets.push(await timed(`/api/v1/tasks/${id}`));
      lists.push(await timed('/api/v1/tasks?limit=20'));
    }
    for (const id of ids) await services.tasks.cancel(id);
    return { getTaskMaxMs: round(Math.max(...gets), 0), listTasksMaxMs: round(Math.max(...lists), 0), calls: gets.length + lists.length };
  } finally {
    await api.close();
    await services.close();
  }
}
