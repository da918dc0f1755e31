import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signature } from '../../activities/notify/signed-webhook';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startNotificationReceiver, type NotificationReceiver, type ReceivedRequest } from '../support/notification-receiver';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** Notifications out, on a real worker and Temporal dev server, to local HTTP endpoints. */

const SECRET = 'test-signing-secret-0123456789';

function verifies(request: ReceivedRequest, secret = SECRET): boolean {
  const timestamp = String(request.headers['x-sre-timestamp']);
  return request.headers['x-sre-signature'] === signature(secret, timestamp, request.body);
}

async function waitForDelivery(agent: TestAgent, taskId: string, channel: string): Promise<any> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await agent.services.tasks.get(taskId);
    const state = view.notifications?.find((n) => n.channel === channel);
    if (state?.status === 'delivered') return view;
    if (Date.now() > deadline) throw new Error(`no delivery to ${channel}: ${JSON.stringify(view.notifications)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('notifications of finished tasks', () => {
  let receiver: NotificationReceiver;
  let redis: EphemeralRedis;

  beforeAll(async () => {
    receiver = await startNotificationReceiver();
    redis = await startRedis();
  });
  afterAll(async () => {
    await receiver.close();
    await redis.stop();
  });

  describe('policy always: a signed webhook and Slack blocks', () => {
    let agent: TestAgent;
    beforeAll(async () => {
      agent = await startTestAgent({
        env: {
          SRE_NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`,
          SRE_NOTIFY_WEBHOOK_SECRET: SECRET,
          SRE_NOTIFY_SLACK_URL: `${receiver.url}/services/T000/B000/slacksecretpath`,
          SRE_NOTIFY_SOURCES: 'test',
        },
      });
    });
    afterAll(async () => agent.stop());

    it('delivers every finished triage to both channels, retrying an endpoint that fails, and shows it on the task', async () => {
      const instance = await agent.services.instances.create({ name: `notified-${redis.port}`, connection_url: redis.url, environment: 'test' });
      receiver.failFirst = 2;
      const before = receiver.received.length;
      const view = await agent.run({ message: 'full health check', instance_id: instance.id, agent: 'triage' }, { forceOffline: true });
      expect(view.status).toBe('done');
      const delivered = await waitForDelivery(agent, view.task_id, 'webhook');
      await waitForDelivery(agent, view.task_id, 'slack');
      const states = delivered.notifications as Array<{ channel: string; attempts: number }>;
      // Two 500s were spread over the channels: at least one needed more than one attempt.
      expect(Math.max(...(await agent.services.tasks.get(view.task_id)).notifications!.map((n) => n.attempts))).toBeGreaterThan(1);
      expect(states.map((s) => s.channel).sort()).toEqual(['slack', 'webhook']);

      const got = receiver.received.slice(before);
      const hook = got.find((r) => r.path === '/hook')!;
      expect(verifies(hook)).toBe(true);
      expect(verifies({ ...hook, body: hook.body.replace('"done"', '"failed"') })).toBe(false);
      expect(Math.abs(Number(hook.headers['x-sre-timestamp']) - Date.now() / 1000)).toBeLessThan(120);
      expect(hook.json).toMatchObject({
        event: 'task.finished',
        task_id: view.task_id,
        status: 'done',
        instance: { id: instance.id, name: instance.name },
        verdict: expect.stringMatching(/^(critical|warning|healthy)$/),
        links: { thread: expect.stringContaining(view.thread_id), temporal: expect.stringContaining(`/workflows/${view.task_id}`) },
      });
      const slack = got.find((r) => r.path.startsWith('/services/'))!;
      expect(slack.headers['x-sre-signature']).toBeUndefined();
      expect(slack.json.text).toContain(instance.name);
      const blocks = slack.json.blocks as Array<{
        type: string;
        text?: { text: string };
        fields?: Array<{ text: string }>;
        elements?: Array<{ text: string }>;
      }>;
      expect(blocks[0].type).toBe('header');
      expect(blocks.find((b) => b.fields)!.fields!.map((f) => f.text)).toEqual(
        expect.arrayContaining([expect.stringContaining(instance.name), expect.stringMatching(/^\*Verdict\*/)]),
      );
      expect(blocks.some((b) => b.text?.text.startsWith('*Top findings*'))).toBe(true);
      expect(blocks.at(-1)!.elements![0].text).toMatch(/\|Thread> · <.*\|Task> · <.*\|Temporal UI>/);

      // The Slack URL and the signing secret never enter a workflow history.
      for (const id of [view.task_id, `${view.task_id}-notify`]) {
        const history = JSON.stringify(await agent.history(id));
        expect(history).not.toContain('slacksecretpath');
        expect(history).not.toContain(SECRET);
      }
    });
  });

  describe('policy on-change for a Temporal schedule, from the config file', () => {
    let agent: TestAgent;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-notify-'));
    beforeAll(async () => {
      const file = path.join(dir, 'config.yaml');
      fs.writeFileSync(
        file,
        [
          'notifications:',
          '  channels:',
          '    ops:',
          '      type: webhook',
          `      url: ${receiver.url}/on-change`,
          '      secret: ${TEST_ONCHANGE_SECRET}',
          '  routes:',
          '    - sources: [schedule]',
          '      channels: [ops]',
          '      policy: on-change',
          '',
        ].join('\n'),
      );
      agent = await startTestAgent({ env: { SRE_CONFIG_FILE: file, TEST_ONCHANGE_SECRET: SECRET } });
    });
    afterAll(async () => {
      await agent.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('sends one notification for two scheduled checks with no change, and another naming a new critical finding', async () => {
      const target = await startRedis();
      try {
        const instance = await agent.services.instances.create({ name: `on-change-${target.port}`, connection_url: target.url, environment: 'test' });
        const schedule = await agent.services.schedules.create({
          name: `nightly-${target.port}`,
          interval: { every: 1, unit: 'days' },
          instance_id: instance.id,
          agent: 'triage',
          message: 'Run a full health check',
        });
        // Each run is triggered and waited for, as the nightly schedule would run them.
        const check = async () => {
          const { task_id } = await agent.services.schedules.trigger(schedule.id);
          expect(task_id).toMatch(/^task_sched/);
          return agent.services.tasks.wait(task_id!, 120_000);
        };
        const first = await check();
        await waitForDelivery(agent, first.task_id, 'ops');
        const second = await check();
        expect(second.status).toBe('done');
        // The second check saw the same findings: nothing is sent (the plan ran inside the task).
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect((await agent.services.tasks.get(second.task_id)).notifications).toBeUndefined();
        expect(receiver.received.filter((r) => r.path === '/on-change')).toHaveLength(1);

        // Over its maxmemory under noeviction: a new critical finding.
        await target.client().call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        await target.client().call('CONFIG', 'SET', 'maxmemory', '1');
        const third = await check();
        await waitForDelivery(agent, third.task_id, 'ops');
        const [, changed] = await receiver.waitFor(2, 10_000, '/on-change');
        expect(verifies(changed)).toBe(true);
        expect(changed.json.verdict).toBe('critical');
        expect(changed.json.change.new).toEqual(
          expect.arrayContaining([expect.objectContaining({ check_id: 'memory.maxmemory-saturation', severity: 'critical' })]),
        );

        const timeline = (await agent.services.instances.health(instance.id)).entries;
        expect(timeline.map((e) => e.taskId)).toEqual([third.task_id, second.task_id, first.task_id]);
        expect(timeline[0].verdict).toBe('critical');
      } finally {
        await target
          .client()
          .call('CONFIG', 'SET', 'maxmemory', '0')
          .catch(() => undefined);
        await target.stop();
      }
    });
  });
});
