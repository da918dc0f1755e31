import type { IsolatedStack } from '../../stack/isolated';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import { callTools, say, toolResults } from './scripted-model';
import { agentEnv, peakRssMb, startBenchAgent, startModel } from './harness';
import { median, percentile, round } from './stats';

/** N chat tasks submitted at once to one worker process, with the model at 50 ms per call. */

export async function benchConcurrency(stack: IsolatedStack, tasks = 100) {
  const { model, baseURL } = await startModel(
    (req) => (toolResults(req).length ? say('ok') : callTools({ name: 'redis_info', arguments: { section: 'clients' } })),
    50,
  );
  const target = await startEphemeralRedis();
  const agent = await startBenchAgent(agentEnv(stack, { baseURL }), { inProcessWorker: false });
  try {
    const instance = await agent.services.stores.instances.ensureForUrl(target.url);
    const request = { message: 'how many clients?', instance_id: instance.id, agent: 'chat' };
    // Warm up (workflow bundle, connections), then the single-task baseline.
    await agent.run(request);
    const single: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      await agent.run(request);
      single.push(Date.now() - t);
    }
    const started = Date.now();
    const latencies = await Promise.all(
      Array.from({ length: tasks }, async () => {
        const t = Date.now();
        const view = await agent.run(request);
        return { ms: Date.now() - t, ok: view.status === 'done' };
      }),
    );
    const wall = (Date.now() - started) / 1000;
    const ms = latencies.map((l) => l.ms);
    const singleMs = median(single);
    return {
      tasks,
      completed: latencies.filter((l) => l.ok).length,
      wallSeconds: round(wall, 2),
      throughputPerSecond: round(tasks / wall, 2),
      singleTaskMs: round(singleMs, 0),
      p50Ms: round(median(ms), 0),
      p95Ms: round(percentile(ms, 95), 0),
      p95OverSingle: round(percentile(ms, 95) / singleMs, 2),
      workerPeakRssMb: round(peakRssMb(agent.workerProcess!.pid!), 0),
      targets: { p95OverSingle: 3, workerPeakRssMb: 500 },
    };
  } finally {
    await agent.stop();
    await model.stop();
    await target.stop();
  }
}
