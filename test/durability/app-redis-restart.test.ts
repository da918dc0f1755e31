import { BUILTIN_TOOLS } from '../../activities/tools/registry';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { callTools, say, ScriptedModel, toolResults } from '../support/scripted-model';
import { waitFor } from '../../stack/processes';

describe('app Redis restarted in the middle of a task', () => {
  let appDir: string;
  let appRedis: EphemeralRedis;
  let model: ScriptedModel;
  let agent: TestAgent;
  let target: EphemeralRedis;
  const persistent = ['--appendonly', 'yes', '--appendfsync', 'always'];

  beforeAll(async () => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-app-redis-'));
    appRedis = await startRedis({ args: persistent, dir: appDir });
    model = new ScriptedModel(
      (req) =>
        toolResults(req).length
          ? say('Consistent answer.')
          : callTools({ name: 'redis_info', arguments: { section: 'memory' } }, { name: 'redis_slowlog', arguments: {} }),
      { latencyMs: 1500 },
    );
    agent = await startTestAgent({ modelBaseURL: await model.start(), env: { SRE_APP_REDIS_URL: appRedis.url } });
    target = await startRedis();
  });
  afterAll(async () => {
    await agent.stop();
    await model.stop();
    await appRedis.stop();
    await target.stop();
    fs.rmSync(appDir, { recursive: true, force: true });
  });

  it('leaves a consistent thread: one question, one answer, every tool call once', async () => {
    const instance = await agent.services.stores.instances.ensureForUrl(target.url);
    const { task_id, thread_id } = await agent.services.tasks.submit(
      { message: 'memory and slow commands?', instance_id: instance.id, agent: 'chat' },
      { source: 'test' },
    );
    await waitFor('first model call', async () => model.chatRequests().length >= 1, 30_000);

    await appRedis.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    appRedis = await startRedis({ args: persistent, dir: appDir, port: appRedis.port });

    const view = await agent.services.tasks.wait(task_id, 180_000);
    expect(view.status).toBe('done');
    const thread = await agent.services.stores.threads.get(thread_id);
    expect(thread.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'memory and slow commands?'],
      ['assistant', 'Consistent answer.'],
    ]);
    // Every tool call the workflow scheduled (the baseline's and the model's two) is in the thread exactly once.
    const history = (await agent.services.temporal.workflow.getHandle(`${task_id}-chat`).fetchHistory()).events ?? [];
    const tools = new Set(BUILTIN_TOOLS.map((t) => t.name));
    const scheduled = history.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '').filter((n) => tools.has(n));
    expect(thread.toolCalls.map((c) => c.tool).sort()).toEqual(scheduled.sort());
    expect(new Set(thread.toolCalls.map((c) => c.callId)).size).toBe(thread.toolCalls.length);
    expect(thread.toolCalls.filter((c) => c.tool === 'redis_slowlog')).toHaveLength(2);
    expect(thread.toolCalls.every((c) => c.ok)).toBe(true);
    const done = (await agent.services.stores.threads.readEvents(thread_id)).filter((e) => e.event.type === 'task_done');
    expect(done).toHaveLength(1);
    expect((await agent.services.stores.tasks.get(task_id)).status).toBe('done');
  }, 240_000);
});
