import { listenApi } from '../../api/server';
import { freePort } from '../../stack/processes';
import { callTools, say } from './scripted-model';
import { startModelWorld, type ModelWorld } from './model-world';
import type { TaskView } from '../../service/tasks';

/**
 * A model-mode agent whose worker serves both metrics endpoints on free ports (the test stack
 * turns them off by default) and a REST API, after one chat task submitted over REST that
 * called a tool, and the test stack's Prometheus having scraped all three twice since that task
 * finished (rates need two samples).
 */
export interface ObservedAgent {
  world: ModelWorld;
  task: TaskView;
  endpoints: { sdk: string; agent: string; api: string };
  /** An instant PromQL query through the Prometheus HTTP API. */
  query(expr: string): Promise<PromResult>;
  stop(): Promise<void>;
}

export interface PromResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: unknown[] }> };
}

interface Target {
  labels: Record<string, string>;
  health: string;
  lastScrape: string;
}

export async function startObservedAgent(): Promise<ObservedAgent> {
  const endpoints = { sdk: `127.0.0.1:${await freePort()}`, agent: `127.0.0.1:${await freePort()}` };
  const world = await startModelWorld({
    script: (_req, i) => (i === 0 ? callTools({ name: 'redis_info', arguments: { section: 'memory' } }) : say('Memory is fine.')),
    env: { SRE_WORKER_METRICS_ADDRESS: endpoints.sdk, SRE_WORKER_AGENT_METRICS_ADDRESS: endpoints.agent },
  });
  const prometheus = world.agent.config.prometheusUrl;
  const api = await listenApi(world.agent.services, { host: '127.0.0.1', port: 0 });
  const stop = async () => {
    await api.close();
    await world.stop();
  };
  try {
    const all = { ...endpoints, api: new URL(api.url).host };
    const submitted = (await (
      await fetch(`${api.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'How is memory?', instance_id: world.instanceId, agent: 'chat' }),
      })
    ).json()) as { task_id: string };
    const task = await world.agent.services.tasks.wait(submitted.task_id, 120_000);
    // Waits for the scrapes themselves (file_sd refresh, then a 5 s interval), not for any result to look right.
    const first = await scrapedSince(prometheus, Object.values(all), Date.now(), 60_000);
    await scrapedSince(prometheus, Object.values(all), first, 30_000);
    return {
      world,
      task,
      endpoints: all,
      query: async (expr) => (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as PromResult,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Resolves to the time of the latest of those scrapes. */
async function scrapedSince(prometheusUrl: string, addresses: string[], since: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${prometheusUrl}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
    const scraped = addresses.map((address) =>
      body.data.activeTargets.find((t) => t.labels.job === 'sre_agent' && t.labels.instance === address && Date.parse(t.lastScrape) > since),
    );
    if (scraped.every(Boolean)) return Math.max(...scraped.map((t) => Date.parse(t!.lastScrape)));
    if (Date.now() > deadline)
      throw new Error(
        `Prometheus did not scrape ${addresses.join(', ')} within ${timeoutMs / 1000}s of the task: ${JSON.stringify(body.data.activeTargets.filter((t) => t.labels.job === 'sre_agent'))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
