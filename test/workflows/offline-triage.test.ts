import { startTestAgent, type TestAgent } from '../support/agent';
import { fillToOom } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';

describe('offline deep triage', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;

  beforeAll(async () => {
    agent = await startTestAgent();
    redis = await startRedis();
    const client = redis.client();
    expect(await fillToOom(client)).toBeGreaterThan(0);
    client.disconnect();
  });
  afterAll(async () => {
    await agent.stop();
    await redis.stop();
  });

  it('names OOM rejections and noeviction and recommends a fix', async () => {
    const instance = await agent.services.stores.instances.ensureForUrl(redis.url);
    const view = await agent.run({ message: 'Run a full health check', instance_id: instance.id });
    expect(view.status).toBe('done');
    expect(view.agent).toBe('triage');
    const report = view.result!.answer;
    expect(report).toMatch(/Offline analysis/);
    expect(report).toMatch(/Writes rejected with OOM errors/);
    expect(report).toContain('noeviction');
    expect(report).toMatch(/CONFIG SET maxmemory-policy allkeys-lru/);
    expect(report).toMatch(/raise maxmemory/i);
    expect(view.result!.findings.some((f) => f.checkId === 'memory.maxmemory-write-errors' && f.severity === 'critical')).toBe(true);
  });
});
