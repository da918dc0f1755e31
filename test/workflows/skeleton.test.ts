import { callTools, say, ScriptedModel, toolResults } from '../support/scripted-model';
import { localActivities, scheduledActivities, startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';

describe('a task on the real path', () => {
  let redis: EphemeralRedis;

  beforeAll(async () => {
    redis = await startRedis();
    await redis.client().set('greeting', 'hello');
  });
  afterAll(async () => redis.stop());

  describe('with a model', () => {
    let model: ScriptedModel;
    let agent: TestAgent;
    beforeAll(async () => {
      model = new ScriptedModel((req, i) => {
        if (req.response_format) return say(JSON.stringify({ agent: 'chat', reason: 'question about the instance' }));
        return i <= 1 ? callTools({ name: 'redis_info', arguments: { section: 'keyspace' } }) : say('There is 1 key in db0.');
      });
      agent = await startTestAgent({ modelBaseURL: await model.start() });
    });
    afterAll(async () => {
      await agent.stop();
      await model.stop();
    });

    it('routes, calls redis_info on the target, answers, and stores the answer in the thread', async () => {
      const instance = await agent.services.stores.instances.ensureForUrl(redis.url);
      const view = await agent.run({ message: 'How many keys are there?', instance_id: instance.id });

      expect(view.status).toBe('done');
      expect(view.agent).toBe('chat');
      expect(view.result?.answer).toBe('There is 1 key in db0.');
      // proposeActions: the findings are matched against the remediation catalogue (here nothing to propose).
      expect(localActivities(await agent.history(view.task_id))).toEqual(['beginTask', 'routeTask', 'proposeActions', 'finishTask', 'planNotifications']);
      expect(scheduledActivities(await agent.history(`${view.task_id}-chat`))).toContain('redis_info');

      // The model's request after the tool call carries the real keyspace of the target.
      const afterTool = model.chatRequests().find((r) => toolResults(r.body).length > 0)!;
      expect(toolResults(afterTool.body)[0].content).toContain('"keys":1');

      const thread = await agent.services.stores.threads.get(view.thread_id);
      expect(thread.messages.map((m) => [m.role, m.content])).toEqual([
        ['user', 'How many keys are there?'],
        ['assistant', 'There is 1 key in db0.'],
      ]);
      // Evidence first: the diagnostic playbook ran before the model, whose INFO call came last.
      expect(thread.toolCalls.length).toBeGreaterThan(5);
      expect(thread.toolCalls.every((c) => c.ok)).toBe(true);
      expect(thread.toolCalls.at(-1)?.tool).toBe('redis_info');
    });
  });

  describe('offline (no model configured)', () => {
    let agent: TestAgent;
    beforeAll(async () => {
      agent = await startTestAgent();
    });
    afterAll(async () => agent.stop());

    it('answers from live diagnostics, labelled as offline analysis', async () => {
      const instance = await agent.services.stores.instances.ensureForUrl(redis.url);
      const view = await agent.run({ message: 'How is memory doing?', instance_id: instance.id });
      expect(view.status).toBe('done');
      expect(view.mode).toBe('offline');
      expect(view.result?.answer).toMatch(/Offline analysis/);
      expect(view.result?.answer).toMatch(/server (Redis|Valkey) \d/);
      expect(view.result?.toolCalls).toBeGreaterThan(5);
    });
  });
});
