import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';

describe('offline deep triage', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;

  beforeAll(async () => {
    agent = await startTestAgent();
    redis = await startRedis();
    const client = redis.client();
    await client.config('SET', 'maxmemory', '10mb');
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    let refused = 0;
    for (let batch = 0; batch < 200 && refused === 0; batch++) {
      const results = await client.pipeline(Array.from({ length: 500 }, (_, i) => ['set', `k:${batch}:${i}`, 'v'.repeat(200)])).exec();
      refused += (results ?? []).filter(([err]) => err).length;
    }
    expect(refused).toBeGreaterThan(0);
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
