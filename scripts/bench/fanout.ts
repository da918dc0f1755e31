import type { IsolatedStack } from '../stack/isolated';
import { startEphemeralRedis } from '../ephemeral-redis';
import { callTools, say, systemPrompt, toolResults, type ChatRequestBody } from '../scripted-model';
import { agentEnv, startBenchAgent, startModel } from './harness';
import { round } from './stats';

/** Deep triage with K research topics at 1 s per model call: wall time relative to K = 1. */

const CATEGORIES = ['memory', 'performance', 'connections', 'persistence', 'replication', 'keyspace'];

function script(topics: number) {
  return (req: ChatRequestBody) => {
    const system = systemPrompt(req);
    if (system.startsWith('You plan')) {
      return say(JSON.stringify({ topics: CATEGORIES.slice(0, topics).map((category, i) => ({ title: `Topic ${i + 1}`, category, severity: 'info', rationale: 'bench' })) }));
    }
    if (system.startsWith('You write the final report')) return say('# Report\n\n## Summary\nbench');
    return toolResults(req).length ? say('notes') : callTools({ name: 'redis_info', arguments: { section: 'memory' } });
  };
}

export async function benchFanout(stack: IsolatedStack, ks = [1, 2, 4, 6]) {
  const target = await startEphemeralRedis();
  const results: Array<{ topics: number; wallSeconds: number; ratio: number }> = [];
  try {
    let single = 0;
    for (const k of [1, ...ks.filter((k) => k !== 1)]) {
      const { model, baseURL } = await startModel(script(k), 1000);
      const agent = await startBenchAgent(agentEnv(stack, { baseURL }), { inProcessWorker: true });
      try {
        const instance = await agent.services.stores.instances.ensureForUrl(target.url);
        const started = Date.now();
        const view = await agent.run({ message: 'deep triage', instance_id: instance.id, agent: 'triage' });
        if (view.status !== 'done') throw new Error(`triage with ${k} topics ended ${view.status}: ${view.error}`);
        const wall = (Date.now() - started) / 1000;
        if (k === 1) single = wall;
        results.push({ topics: k, wallSeconds: round(wall, 2), ratio: round(wall / single, 2) });
      } finally {
        await agent.stop();
        await model.stop();
      }
    }
  } finally {
    await target.stop();
  }
  return { modelLatencyMs: 1000, runs: results.sort((a, b) => a.topics - b.topics), targetRatioAtSix: 1.25 };
}
