import type { temporal } from '@temporalio/proto';
import type { IsolatedStack } from '../../stack/isolated';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import { callTools, say, toolResults } from './scripted-model';
import { agentEnv, startBenchAgent, startModel } from './harness';
import { median, percentile, round } from './stats';

/**
 * Orchestration overhead per tool call: from ActivityTaskScheduled to ActivityTaskCompleted in
 * the history, minus the time the tool's handler itself took (recorded by the activity).
 */

const CALLS_PER_TASK = 20;
const TASKS = 3;

const ms = (t?: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Number(t?.nanos ?? 0) / 1e6;

export async function benchOverhead(stack: IsolatedStack) {
  const { model, baseURL } = await startModel(
    (req) => (toolResults(req).length < CALLS_PER_TASK ? callTools({ name: 'redis_info', arguments: { section: 'server' } }) : say('done')),
    0,
  );
  const target = await startEphemeralRedis();
  const agent = await startBenchAgent({ ...agentEnv(stack, { baseURL }), SRE_MAX_TOOL_ITERATIONS: String(CALLS_PER_TASK + 1) }, { inProcessWorker: true });
  const samples: number[] = [];
  const handler: number[] = [];
  try {
    const instance = await agent.services.stores.instances.ensureForUrl(target.url);
    for (let i = 0; i < TASKS; i++) {
      const view = await agent.run({ message: 'bench', instance_id: instance.id, agent: 'chat' });
      const thread = await agent.services.stores.threads.get(view.thread_id);
      const durations = new Map(thread.toolCalls.map((c) => [c.callId, c.durationMs]));
      const events = (await agent.services.temporal.workflow.getHandle(`${view.task_id}-chat`).fetchHistory()).events ?? [];
      const scheduled = new Map<number, { at: number; callId: string }>();
      for (const e of events) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s?.activityType?.name === 'redis_info') {
          const input = JSON.parse(Buffer.from(s.input!.payloads![0].data!).toString('utf8')) as { callId: string };
          scheduled.set(Number(e.eventId), { at: ms(e.eventTime), callId: input.callId });
        }
        const c = e.activityTaskCompletedEventAttributes;
        if (c && scheduled.has(Number(c.scheduledEventId))) {
          const start = scheduled.get(Number(c.scheduledEventId))!;
          const took = durations.get(start.callId) ?? 0;
          handler.push(took);
          samples.push(ms(e.eventTime) - start.at - took);
        }
      }
    }
  } finally {
    await agent.stop();
    await model.stop();
    await target.stop();
  }
  return {
    toolCalls: samples.length,
    overheadMedianMs: round(median(samples)),
    overheadP95Ms: round(percentile(samples, 95)),
    handlerMedianMs: round(median(handler)),
    targetMedianMs: 15,
  };
}
