import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig } from '../../core/config';
import { projectRoot } from '../../core/paths';
import { openServices, type Services } from '../../service';
import { modelEnv, testEnv } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { callTools, say, ScriptedModel, systemPrompt, toolResults } from '../support/scripted-model';

const CLI = path.join(projectRoot(), 'dist/cli/main.js');

/** A worker in its own process, so it can really be killed. */
function startWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, 'worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
}

function waitForEvent(services: Services, threadId: string, predicate: (type: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    while (Date.now() < deadline) {
      const events = await services.stores.threads.readEvents(threadId);
      if (events.some((e) => predicate(e.event.type))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('event did not arrive in time');
  })();
}

describe('worker killed with SIGKILL in the middle of a deep triage', () => {
  let model: ScriptedModel;
  let redis: EphemeralRedis;
  let services: Services;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    model = new ScriptedModel(
      (req) => {
        const system = systemPrompt(req);
        if (system.startsWith('You plan'))
          return say(
            JSON.stringify({
              topics: [
                { title: 'Memory', category: 'memory', severity: 'info', rationale: 'r' },
                { title: 'Latency', category: 'performance', severity: 'info', rationale: 'r' },
              ],
            }),
          );
        if (system.startsWith('You write the final report')) return say('# Report\n\n## Summary\nSurvived a worker crash.');
        return toolResults(req).length ? say('notes') : callTools({ name: 'redis_info', arguments: { section: 'stats' } });
      },
      { latencyMs: 2000 },
    );
    const baseURL = await model.start();
    redis = await startRedis();
    const env = testEnv(modelEnv(baseURL));
    services = await openServices(loadConfig(env));
    (services as unknown as { env: Record<string, string> }).env = env;
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await services.close();
    await model.stop();
    await redis.stop();
  });

  it('completes on a new worker, and no completed activity runs twice', async () => {
    const env = (services as unknown as { env: Record<string, string> }).env;
    workers.push(startWorkerProcess(env));
    const instance = await services.stores.instances.ensureForUrl(redis.url);
    const { task_id, thread_id } = await services.tasks.submit({ message: 'deep triage please', instance_id: instance.id }, { source: 'test' });

    // The baseline is done and research has begun: kill the worker without a chance to clean up.
    await waitForEvent(services, thread_id, (t) => t === 'topic', 90_000);
    workers[0].kill('SIGKILL');
    await new Promise((r) => workers[0].once('exit', r));
    workers.push(startWorkerProcess(env));

    const view = await services.tasks.wait(task_id, 180_000);
    expect(view.status).toBe('done');
    expect(view.result?.answer).toContain('Survived a worker crash');

    const history = (await services.temporal.workflow.getHandle(`${task_id}-triage`).fetchHistory()).events ?? [];
    const scheduled = history.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
    const baselineTools = scheduled.filter((name) => name.startsWith('redis_'));
    expect(baselineTools.length).toBeGreaterThanOrEqual(13);
    expect(new Set(baselineTools).size).toBe(baselineTools.length);
    // Each baseline tool's handler ran exactly once: one tool_call event per tool in the thread.
    const events = await services.stores.threads.readEvents(thread_id);
    const toolCalls = events
      .filter((e) => e.event.type === 'tool_call' && !(e.event as { topic?: string }).topic)
      .map((e) => (e.event as { tool: string }).tool);
    expect(toolCalls.sort()).toEqual([...baselineTools].sort());
    // The work in flight when the worker died was retried on the new worker.
    const retried = [
      ...history,
      ...(await Promise.all([1, 2].map((i) => services.temporal.workflow.getHandle(`${task_id}-topic-${i}`).fetchHistory()))).flatMap((h) => h.events ?? []),
    ].filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1 || e.workflowTaskTimedOutEventAttributes || e.activityTaskTimedOutEventAttributes);
    expect(retried.length).toBeGreaterThan(0);
  }, 300_000);
});
