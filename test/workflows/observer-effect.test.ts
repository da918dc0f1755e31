import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';

/**
 * No observer effect: the agent's own commands never come back as the target's problem. The
 * target logs every command (slowlog threshold 0) and records latency events from 1 ms, so the
 * first triage's own SCAN/TYPE/INFO calls are all there for the second one to trip over.
 */
describe('a triage right after another triage', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;
  let instanceId: string;

  beforeAll(async () => {
    agent = await startTestAgent();
    redis = await startRedis({ args: ['--slowlog-log-slower-than', '0', '--slowlog-max-len', '100000', '--latency-monitor-threshold', '1'] });
    const c = redis.client();
    await c.call('DEBUG', 'POPULATE', '100000', 'obs', '32');
    await c.call('SLOWLOG', 'RESET');
    c.disconnect();
    instanceId = (await agent.services.stores.instances.ensureForUrl(redis.url, `observer-${redis.port}`)).id;
  });
  afterAll(async () => {
    await agent.stop();
    await redis.stop();
  });

  it("reports nothing about the agent's own commands, says how many of its entries it left out, and states its footprint", async () => {
    const first = await agent.run({ message: 'Run a full health check', instance_id: instanceId, agent: 'triage' }, { forceOffline: true });
    expect(first.status).toBe('done');
    const c = redis.client();
    const log = (await c.call('SLOWLOG', 'GET', '-1')) as unknown[][];
    c.disconnect();
    const ours = log.filter((e) => String(e[5]) === 'sre-agent');
    // The first triage's commands are in the target's slow log under the agent's name.
    expect(ours.length).toBeGreaterThan(50);

    const second = await agent.run({ message: 'Why is Redis slow?', instance_id: instanceId, agent: 'chat' }, { forceOffline: true });
    expect(second.status).toBe('done');
    const answer = second.result!.answer;
    const performance = second.result!.findings.filter((f) => f.category === 'performance' || f.category === 'connections');
    // No finding is about the agent's commands (SCAN, TYPE, INFO, CONFIG, CLIENT, MEMORY, OBJECT…) or its connection.
    const agentCommands = /\b(SCAN|TYPE|INFO|CONFIG|CLIENT|MEMORY|OBJECT|STRLEN|DBSIZE|SLOWLOG|LATENCY|XINFO|ACL|COMMAND)\b/;
    expect(performance.filter((f) => agentCommands.test(f.title))).toEqual([]);
    expect(answer).not.toMatch(/sre-agent/);
    expect(answer).toMatch(/left out as the agent's own: [1-9]\d* slow-log entries/);
    expect(answer).toMatch(/Investigation footprint on the target: \d+ commands sent/);
  });
});
