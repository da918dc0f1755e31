import { execFileSync } from 'node:child_process';
import { startTestAgent, type TestAgent } from '../support/agent';
import { statusQuery } from '../../workflows/messages';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';

describe('Temporal UI visibility', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;
  beforeAll(async () => {
    agent = await startTestAgent();
    redis = await startRedis();
  });
  afterAll(async () => {
    await agent.stop();
    await redis.stop();
  });

  it('tags tasks with search attributes and explains them with summaries', async () => {
    const instance = await agent.services.stores.instances.ensureForUrl(redis.url);
    const view = await agent.run({ message: 'full health check please', instance_id: instance.id });
    expect(view.status).toBe('done');

    const temporal = readStackEnv().temporalBinary;
    const list = (query: string) =>
      execFileSync(temporal, ['workflow', 'list', '--query', query, '--output', 'json', '--address', agent.config.temporal.address], { encoding: 'utf8' });
    const deadline = Date.now() + 15_000;
    let found = '';
    while (Date.now() < deadline && !found.includes(view.task_id)) {
      found = list(`SreAgent="triage" AND SreInstanceId="${instance.id}" AND SreStatus="done"`);
      if (!found.includes(view.task_id)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(found).toContain(view.task_id);
    expect(found).toContain(`${view.task_id}-triage`);

    const parent = await agent.services.temporal.workflow.getHandle(view.task_id).describe();
    expect(await parent.staticSummary()).toBe('task: full health check please');
    const child = await agent.services.temporal.workflow.getHandle(`${view.task_id}-triage`).describe();
    expect(await child.staticSummary()).toBe('deep triage (offline): full health check please');
    const status = await agent.services.temporal.workflow.getHandle(`${view.task_id}-triage`).query(statusQuery);
    expect(status).toMatchObject({ phase: 'done', agent: 'triage', mode: 'offline' });
  });
});
