import { callTools, say, toolResults, type ScriptedModel } from '../support/scripted-model';
import { scheduledActivities, type TestAgent } from '../support/agent';
import { startModelWorld, type ModelWorld } from '../support/model-world';

describe('chat agent with a model', () => {
  let world: ModelWorld;
  let model: ScriptedModel;
  let agent: TestAgent;
  let instanceId: string;

  beforeAll(async () => {
    world = await startModelWorld();
    ({ model, agent, instanceId } = world);
  });

  afterAll(async () => world.stop());

  it('runs two tool calls of one model turn as concurrent activities and hands both results to the next turn', async () => {
    model.setScript((_req, i) =>
      i === 0
        ? callTools({ name: 'redis_slowlog', arguments: { count: 10 } }, { name: 'redis_info', arguments: { section: 'memory' } })
        : say('Memory looks fine; the slow log is empty.'),
    );
    const view = await agent.run({ message: 'Is anything slow?', instance_id: instanceId, agent: 'chat' });

    expect(view.status).toBe('done');
    expect(view.result?.answer).toBe('Memory looks fine; the slow log is empty.');

    const history = await agent.history(`${view.task_id}-chat`);
    // The model's turn is the last workflow task that scheduled tools (the baseline's came first).
    const tools = history.filter((e) => e.activityTaskScheduledEventAttributes && e.activityTaskScheduledEventAttributes.activityType?.name !== 'modelTurn');
    const lastBatch = Math.max(...tools.map((e) => Number(e.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId)));
    const scheduled = tools.filter((e) => Number(e.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId) === lastBatch);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name).sort()).toEqual(['redis_info', 'redis_slowlog']);
    // Both were scheduled by the same workflow task: neither waited for the other to finish.
    const scheduledIds = scheduled.map((e) => Number(e.eventId));
    const completed = history.filter((e) => scheduledIds.includes(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1)));
    expect(completed).toHaveLength(2);
    const firstCompletion = Math.min(...completed.map((e) => Number(e.eventId)));
    expect(scheduled.every((e) => Number(e.eventId) < firstCompletion)).toBe(true);

    const second = model.chatRequests().at(-1)!.body;
    const results = toolResults(second);
    expect(results).toHaveLength(2);
    expect(results.map((r) => r.content).join(' ')).toContain('thresholdUs');
    expect(results.map((r) => r.content).join(' ')).toContain('used_memory');
  });

  it('feeds a refused or failing tool back to the model as an error it can read', async () => {
    model.setScript((_req, i) => (i === 0 ? callTools({ name: 'redis_config_get', arguments: { parameters: ['bad param!'] } }) : say('done')));
    const view = await agent.run({ message: 'Show config', instance_id: instanceId, agent: 'chat' });
    expect(view.status).toBe('done');
    const last = model.chatRequests().at(-1)!.body;
    expect(toolResults(last)[0].content).toMatch(/invalid arguments/);
  });

  it('stops at the iteration cap and asks the model for a final answer without tools', async () => {
    model.setScript((req) => (req.tools?.length ? callTools({ name: 'redis_info', arguments: { section: 'server' } }) : say('Final answer after the cap.')));
    const view = await agent.run({ message: 'Loop forever', instance_id: instanceId, agent: 'chat' });
    expect(view.result?.answer).toBe('Final answer after the cap.');
    const events = await agent.history(`${view.task_id}-chat`);
    // One INFO of the baseline (evidence first), then one per model turn up to the cap.
    expect(scheduledActivities(events).filter((a) => a === 'redis_info')).toHaveLength(1 + agent.config.limits.maxToolIterations);
    expect(view.result?.usage.calls).toBe(agent.config.limits.maxToolIterations + 1);
  });
});
