import { callTools, say, ScriptedModel, toolResults } from '../support/scripted-model';
import { startTestAgent, type TestAgent } from '../support/agent';
import { eventually } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** A model proposes fixes only from the catalogue, validated by the action's schema; they wait for approval like any other. */
describe('a model proposes an action with propose_action', () => {
  let model: ScriptedModel;
  let agent: TestAgent;
  let redis: EphemeralRedis;

  beforeAll(async () => {
    model = new ScriptedModel((req) => {
      if (!req.tools?.length) return say('{}');
      if (toolResults(req).some((r) => r.content.includes('proposed'))) return say('Proposed raising the slow log threshold for approval.');
      return callTools(
        {
          name: 'propose_action',
          arguments: { action: 'config_set', arguments: { parameter: 'slowlog-log-slower-than', value: '5000' }, reason: 'catch 5 ms commands' },
        },
        { name: 'propose_action', arguments: { action: 'config_set', arguments: { parameter: 'requirepass', value: 'x' }, reason: 'not allowed' } },
        { name: 'propose_action', arguments: { action: 'replica_failover', arguments: {}, reason: 'no replica to promote on a standalone' } },
      );
    });
    agent = await startTestAgent({ modelBaseURL: await model.start() });
    redis = await startRedis();
  });
  afterAll(async () => {
    await agent.stop();
    await model.stop();
    await redis.stop();
  });

  it('keeps the valid proposal as a pending approval and refuses the one outside the catalogue and a failover of a standalone instance, with the reason', async () => {
    const instance = await agent.services.stores.instances.ensureForUrl(redis.url);
    const view = await agent.run({ message: 'is the slow log set up well?', instance_id: instance.id, agent: 'chat' });
    expect(view.status).toBe('done');
    const results = toolResults(model.chatRequests().at(-1)!.body).map((r) => r.content);
    expect(results.some((c) => /config_set: parameter: /.test(c))).toBe(true);
    expect(results.some((c) => /replica_failover: .*this instance's type is \w+, so it is not applicable/.test(c))).toBe(true);
    expect(view.result!.actions).toEqual([
      expect.objectContaining({ action: 'config_set', arguments: { parameter: 'slowlog-log-slower-than', value: '5000' } }),
    ]);
    const approval = await eventually('recorded', () => agent.services.approvals.get(view.result!.actions![0].approvalId).catch(() => undefined), 30_000);
    expect(approval).toMatchObject({ state: 'pending', title: 'Set slowlog-log-slower-than to 5000', reason: 'catch 5 ms commands', risk: 'low' });
    const slowlog = (await redis.client().config('GET', 'slowlog-log-slower-than')) as string[];
    expect(slowlog[1]).toBe('10000');
    await agent.services.approvals.decide(approval.id, 'reject', {}, { name: 'alice', role: 'admin' });
  });
});
