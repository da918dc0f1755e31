import { freePort } from '../../stack/processes';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { callTools, failWith, say, ScriptedModel, toolResults } from '../support/scripted-model';

describe('faults: every failure is bounded and says what was unreachable', () => {
  describe('offline', () => {
    let agent: TestAgent;
    beforeAll(async () => {
      agent = await startTestAgent();
    });
    afterAll(async () => agent.stop());

    it('target Redis down: the answer says it is unreachable (connection refused)', async () => {
      const port = await freePort();
      const instance = await agent.services.stores.instances.ensureForUrl(`redis://127.0.0.1:${port}`);
      const started = Date.now();
      const view = await agent.run({ message: 'Is Redis ok?', instance_id: instance.id });
      expect(view.status).toBe('done');
      expect(view.result!.answer).toMatch(new RegExp(`Redis at 127\\.0\\.0\\.1:${port} is unreachable: connection refused`));
      expect(Date.now() - started).toBeLessThan(60_000);
    });

    it('wrong password: the answer says authentication failed and never shows the password', async () => {
      const redis = await startRedis({ password: 'right-password' });
      try {
        const instance = await agent.services.stores.instances.create({
          name: `wrongpw-${redis.port}`,
          connection_url: `redis://:wrong-password@127.0.0.1:${redis.port}`,
        });
        const view = await agent.run({ message: 'Is Redis ok?', instance_id: instance.id });
        expect(view.status).toBe('done');
        expect(view.result!.answer).toMatch(/could not authenticate/);
        expect(view.result!.answer).toMatch(/WRONGPASS/);
        expect(JSON.stringify(view)).not.toMatch(/wrong-password|right-password/);
      } finally {
        await redis.stop();
      }
    });

    it('paused server (SIGSTOP): tools time out with bounded retries and the answer says it did not answer', async () => {
      const redis = await startRedis();
      const instance = await agent.services.stores.instances.ensureForUrl(redis.url);
      process.kill(redis.pid, 'SIGSTOP');
      try {
        const started = Date.now();
        const view = await agent.run({ message: 'Why does nothing work?', instance_id: instance.id });
        expect(view.status).toBe('done');
        expect(view.result!.answer).toMatch(/did not answer in time|unreachable/);
        expect(Date.now() - started).toBeLessThan(90_000);
      } finally {
        process.kill(redis.pid, 'SIGCONT');
        await redis.stop();
      }
    });
  });

  describe('with a model', () => {
    let model: ScriptedModel;
    let agent: TestAgent;
    let redis: EphemeralRedis;
    let instanceId: string;
    beforeAll(async () => {
      model = new ScriptedModel(() => say('unused'));
      agent = await startTestAgent({ modelBaseURL: await model.start(), env: { PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` } });
      redis = await startRedis();
      instanceId = (await agent.services.stores.instances.ensureForUrl(redis.url)).id;
    });
    afterAll(async () => {
      await agent.stop();
      await model.stop();
      await redis.stop();
    });

    it('model endpoint returns 429 then 200: the call is retried by Temporal and the task completes', async () => {
      // The reply uses the evidence (the policy INFO reported), so it is accepted as written.
      model.setScript((_req, i) => (i === 0 ? failWith(429, 'Rate limit reached') : say('Fine after a retry: maxmemory_policy is noeviction.')));
      const view = await agent.run({ message: 'hello', instance_id: instanceId, agent: 'chat' });
      expect(view.status).toBe('done');
      expect(view.result!.answer).toMatch(/^Fine after a retry: maxmemory_policy is noeviction\./);
      const history = (await agent.history(`${view.task_id}-chat`)).filter((e) => e.activityTaskStartedEventAttributes);
      expect(history.some((e) => (e.activityTaskStartedEventAttributes!.attempt ?? 1) === 2)).toBe(true);
    });

    it('model returns malformed tool arguments: the error goes back to the model, which recovers', async () => {
      model.setScript((req, i) =>
        i === 0
          ? callTools({ name: 'redis_slowlog', arguments: '{"count": 5,' })
          : say(toolResults(req).some((m) => /not valid JSON/.test(m.content)) ? 'Recovered from bad arguments.' : 'missed it'),
      );
      const view = await agent.run({ message: 'slowlog?', instance_id: instanceId, agent: 'chat' });
      expect(view.result!.answer).toBe('Recovered from bad arguments.');
    });

    it('Prometheus down: the tool error names Prometheus and its address, after bounded retries', async () => {
      model.setScript((req, i) =>
        i === 0 ? callTools({ name: 'prometheus_query', arguments: { query: 'redis_up' } }) : say(toolResults(req)[0]?.content ?? ''),
      );
      const view = await agent.run({ message: 'metrics?', instance_id: instanceId, agent: 'chat' });
      expect(view.status).toBe('done');
      expect(view.result!.answer).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);
      const attempts = (await agent.history(`${view.task_id}-chat`)).filter((e) => e.activityTaskStartedEventAttributes);
      expect(Math.max(...attempts.map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1))).toBe(3);
    });

    it('model endpoint rejects the request (400): the task fails at once with the endpoint and status', async () => {
      model.setScript(() => failWith(400, 'model not found'));
      const before = model.chatRequests().length;
      const view = await agent.run({ message: 'hello', instance_id: instanceId, agent: 'chat' });
      expect(view.status).toBe('failed');
      expect(view.error).toMatch(/model endpoint http:\/\/127\.0\.0\.1:\d+\/v1 answered HTTP 400/);
      expect(model.chatRequests().length - before).toBe(1);
    });
  });
});
