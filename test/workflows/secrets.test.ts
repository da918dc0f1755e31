import { execFileSync } from 'node:child_process';
import { callTools, say, ScriptedModel } from '../support/scripted-model';
import { startTestAgent, type TestAgent } from '../support/agent';
import { captureStderr } from '../support/capture-stderr';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';

const PASSWORD = 'S3cret-Pa55word-never-leak';

describe('a target with a password', () => {
  let model: ScriptedModel;
  let agent: TestAgent;
  let redis: EphemeralRedis;
  let stderr: ReturnType<typeof captureStderr>;

  beforeAll(async () => {
    stderr = captureStderr();
    model = new ScriptedModel((req, i) =>
      req.tools?.length && i === 0
        ? callTools({ name: 'redis_config_get', arguments: { parameters: ['requirepass', 'maxmemory'] } }, { name: 'redis_info', arguments: {} })
        : say('Checked.'),
    );
    agent = await startTestAgent({ modelBaseURL: await model.start() });
    redis = await startRedis({ password: PASSWORD });
  });
  afterAll(async () => {
    stderr.restore();
    await agent.stop();
    await model.stop();
    await redis.stop();
  });

  it('keeps the password out of workflow histories, threads, model requests and logs', async () => {
    const instance = await agent.services.stores.instances.create({ name: 'secured', connection_url: redis.url });
    expect(instance.connection_url).not.toContain(PASSWORD);
    const chat = await agent.run({ message: 'check config', instance_id: instance.id, agent: 'chat' });
    const triage = await agent.run({ message: 'audit this instance', instance_id: instance.id }, { forceOffline: true });
    expect(chat.status).toBe('done');
    expect(triage.status).toBe('done');

    const stack = readStackEnv();
    for (const id of [chat.task_id, `${chat.task_id}-chat`, triage.task_id, `${triage.task_id}-triage`]) {
      const shown = execFileSync(
        stack.temporalBinary,
        ['workflow', 'show', '--workflow-id', id, '--output', 'json', '--address', agent.config.temporal.address],
        { encoding: 'utf8' },
      );
      expect(shown.length).toBeGreaterThan(500);
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain(agent.config.masterKey.value!);
    }
    for (const view of [chat, triage]) {
      const thread = await agent.services.stores.threads.get(view.thread_id);
      expect(JSON.stringify(thread)).not.toContain(PASSWORD);
      const events = await agent.services.stores.threads.readEvents(view.thread_id);
      expect(JSON.stringify(events)).not.toContain(PASSWORD);
    }
    // The model saw that a password is set, never its value.
    const toModel = JSON.stringify(model.requests);
    expect(toModel).toContain('(set)');
    expect(toModel).not.toContain(PASSWORD);
    expect(stderr.text()).not.toContain(PASSWORD);
    expect(stderr.text()).not.toContain(agent.config.masterKey.value!);
    // At rest the URL is ciphertext.
    const raw = await agent.services.stores.redis.get(`sre:instance:${instance.id}`);
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain(`127.0.0.1:${redis.port}`);
  });
});
