import { freePort } from '../../stack/processes';
import { callTools, say } from './scripted-model';
import { startModelWorld, type ModelWorld } from './model-world';
import type { TaskView } from '../../service/tasks';

/**
 * A model-mode agent whose worker serves both metrics endpoints on free ports (the test stack
 * turns them off by default), after one chat task that called a tool, and the test stack's
 * Prometheus having scraped the worker since that task finished.
 */
export interface ObservedAgent {
  world: ModelWorld;
  task: TaskView;
  endpoints: { sdk: string; agent: string };
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
  try {
    const task = await world.agent.run({ message: 'How is memory?', instance_id: world.instanceId, agent: 'chat' });
    const finished = Date.now();
    // Waits for the scrape itself (file_sd refresh, then a 5 s interval), not for any result to look right.
    await scrapedSince(prometheus, [endpoints.sdk, endpoints.agent], finished, 60_000);
    return {
      world,
      task,
      endpoints,
      query: async (expr) => (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as PromResult,
      stop: () => world.stop(),
    };
  } catch (err) {
    await world.stop();
    throw err;
  }
}

async function scrapedSince(prometheusUrl: string, addresses: string[], since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${prometheusUrl}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
    const done = addresses.every((address) =>
      body.data.activeTargets.some((t) => t.labels.job === 'sre_agent' && t.labels.instance === address && Date.parse(t.lastScrape) > since),
    );
    if (done) return;
    if (Date.now() > deadline)
      throw new Error(
        `Prometheus did not scrape ${addresses.join(', ')} within ${timeoutMs / 1000}s of the task: ${JSON.stringify(body.data.activeTargets.filter((t) => t.labels.job === 'sre_agent'))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
