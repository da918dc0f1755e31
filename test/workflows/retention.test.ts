import { randomBytes } from 'node:crypto';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../service/retention';
import { retentionWorkflow } from '../../workflows/retention';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** Bounded growth: a schedule of our own sweeps task records and threads older than the retention. */
describe('retention sweep', () => {
  let agent: TestAgent;
  let appRedis: EphemeralRedis;

  beforeAll(async () => {
    appRedis = await startRedis();
    agent = await startTestAgent({ env: { SRE_APP_REDIS_URL: appRedis.url, SRE_RETENTION_DAYS: '30' } });
  });
  afterAll(async () => {
    await agent.stop();
    await appRedis.stop();
  });

  it('deletes threads, their events and task records older than the retention, and keeps the recent ones', async () => {
    const { threads, tasks } = agent.services.stores;
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const id = () => randomBytes(6).toString('hex');
    const oldThread = `thread_old${id()}`;
    const newThread = `thread_new${id()}`;
    for (const thread of [oldThread, newThread]) await threads.create({ id: thread, title: 'q' });
    await threads.publish(oldThread, { type: 'task_started', taskId: 'task_x', message: 'q' });
    // The old thread was last touched 40 days ago.
    await appRedis.client().zadd('sre:threads', Date.parse(old), oldThread);
    const oldTask = `task_old${id()}`;
    const orphan = `task_orphan${id()}`;
    const newTask = `task_new${id()}`;
    await tasks.create({ taskId: oldTask, threadId: oldThread, message: 'q', requestedAgent: 'auto', source: 'test', createdAt: old });
    await tasks.create({ taskId: orphan, threadId: `thread_gone${id()}`, message: 'q', requestedAgent: 'auto', source: 'test', createdAt: old });
    await tasks.create({ taskId: newTask, threadId: newThread, message: 'q', requestedAgent: 'auto', source: 'test', createdAt: new Date().toISOString() });

    const result = await agent.services.temporal.workflow.execute(retentionWorkflow, {
      taskQueue: agent.config.temporal.taskQueue,
      workflowId: `retention-test-${id()}`,
      args: [{}],
    });

    expect(result).toMatchObject({ threads: 1, tasks: 2 });
    expect(await threads.exists(oldThread)).toBe(false);
    expect(await appRedis.client().exists(`sre:thread:${oldThread}:events`)).toBe(0);
    expect(await tasks.find(oldTask)).toBeUndefined();
    expect(await tasks.find(orphan)).toBeUndefined();
    expect(await threads.exists(newThread)).toBe(true);
    expect(await tasks.find(newTask)).toBeDefined();
  });

  it('is a Temporal schedule of its own, visible to the Temporal CLI', async () => {
    await ensureRetentionSchedule(agent.services.temporal, agent.config);
    await ensureRetentionSchedule(agent.services.temporal, agent.config); // idempotent
    const described = await agent.services.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(described.action).toMatchObject({ workflowType: 'retentionWorkflow', taskQueue: agent.config.temporal.taskQueue });
    await agent.services.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID).delete();
  });
});
