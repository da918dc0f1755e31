import type { IsolatedStack } from '../../stack/isolated';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import { callTools, say, systemPrompt, toolResults, type ChatRequestBody } from './scripted-model';
import { agentEnv, startBenchAgent, startModel } from './harness';
import { median, round } from './stats';

/** Deep triage with K research topics at 1 s per model call: wall time relative to K = 1. */

const CATEGORIES = ['memory', 'performance', 'connections', 'persistence', 'replication', 'keyspace'];

const MODEL_LATENCY_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every model call takes 1 s. The planner never plans fewer than 2 topics, so the single-topic
 * reference plans 2 whose second one answers instantly: its wall time is one topic's critical path.
 */
function script(topics: number) {
  const planned = Math.max(2, topics);
  return async (req: ChatRequestBody) => {
    const system = systemPrompt(req);
    if (!(topics === 1 && system.includes('"Topic 2"'))) await sleep(MODEL_LATENCY_MS);
    if (system.startsWith('You plan')) {
      return say(
        JSON.stringify({
          topics: CATEGORIES.slice(0, planned).map((category, i) => ({ title: `Topic ${i + 1}`, category, severity: 'info', rationale: 'bench' })),
        }),
      );
    }
    if (system.startsWith('You write the final report')) return say('# Report\n\n## Summary\nbench');
    return toolResults(req).length ? say('notes') : callTools({ name: 'redis_info', arguments: { section: 'memory' } });
  };
}

export async function benchFanout(stack: IsolatedStack, ks = [1, 2, 4, 6]) {
  const target = await startEphemeralRedis();
  const { model, baseURL } = await startModel(script(1), 0);
  const agent = await startBenchAgent(agentEnv(stack, { baseURL }), { inProcessWorker: true });
  const results: Array<{ topics: number; wallSeconds: number; ratio: number }> = [];
  try {
    const instance = await agent.services.stores.instances.ensureForUrl(target.url);
    const triage = async (k: number) => {
      model.setScript(script(k));
      const started = Date.now();
      const view = await agent.run({ message: 'deep triage', instance_id: instance.id, agent: 'triage' });
      if (view.status !== 'done') throw new Error(`triage with ${k} topics ended ${view.status}: ${view.error}`);
      return (Date.now() - started) / 1000;
    };
    await triage(1); // warm-up: workflow code, connections, JIT
    // Median of three runs per K: single runs on a 2-core machine vary by a second.
    const walls = new Map<number, number>();
    for (const k of ks) walls.set(k, median([await triage(k), await triage(k), await triage(k)]));
    const single = walls.get(1)!;
    for (const k of ks) results.push({ topics: k, wallSeconds: round(walls.get(k)!, 2), ratio: round(walls.get(k)! / single, 2) });
  } finally {
    await agent.stop();
    await model.stop();
    await target.stop();
  }
  return { modelLatencyMs: MODEL_LATENCY_MS, runs: results, targetRatioAtSix: 1.25 };
}
