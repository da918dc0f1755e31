import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { ValidationError } from '../../core/errors';
import { startTestAgent, type TestAgent } from '../support/agent';
import { saveHistory } from '../support/history';
import { fillToOom } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** A fleet check on real Redis servers: the matching instances checked in parallel, one summary thread. */
describe('fleet check', () => {
  let agent: TestAgent;
  const servers: EphemeralRedis[] = [];
  let oomClient: Redis;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    agent = await startTestAgent();
    servers.push(await startRedis(), await startRedis(), await startRedis());
    oomClient = servers[0].client();
    await fillToOom(oomClient);
  });
  afterAll(async () => {
    oomClient.disconnect();
    await agent.stop();
    for (const s of servers) await s.stop();
  });

  it('checks every matching instance as its own task and writes instance × verdict × top finding × task', async () => {
    const create = (name: string, i: number, environment: 'production' | 'staging') =>
      agent.services.stores.instances.create({ name, connection_url: servers[i].url, environment, usage: 'cache' });
    const full = await create(`fleet-${run}-full`, 0, 'production');
    const calm = await create(`fleet-${run}-calm`, 1, 'production');
    await create(`fleet-${run}-stage`, 2, 'staging');

    const started = await agent.services.fleet.start({ filter: { environment: 'production', name: `fleet-${run}-*` }, concurrency: 2 }, { source: 'test' });
    const view = await agent.services.fleet.wait(started.fleet_id, 240_000);
    expect(view.status).toBe('done');
    expect(view.rows!.map((r) => r.name).sort()).toEqual([`fleet-${run}-calm`, `fleet-${run}-full`]);
    const fullRow = view.rows!.find((r) => r.instanceId === full.id)!;
    expect(fullRow.verdict).toBe('critical');
    expect(fullRow.topFinding).toMatch(/OOM|maxmemory/);
    expect(view.rows!.find((r) => r.instanceId === calm.id)!.verdict).not.toBe('critical');

    // Each instance's check is an ordinary task, a child of the fleet workflow.
    for (const r of view.rows!) expect((await agent.services.tasks.get(r.taskId)).status).toBe('done');
    const children = (await agent.history(started.fleet_id)).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
    expect(children).toHaveLength(2);

    const thread = await agent.services.threads.get(view.thread_id);
    const summary = thread.messages.find((m) => m.role === 'assistant')!.content;
    expect(summary).toContain('2 instance(s): 1 critical');
    expect(summary.indexOf(`fleet-${run}-full`)).toBeLessThan(summary.indexOf(`fleet-${run}-calm`));
    expect(summary).toContain(fullRow.taskId);

    // RECORD_HISTORIES=1: the replay test's fleetHealthWorkflow history (test/workflows/replay.test.ts).
    if (process.env.RECORD_HISTORIES) saveHistory(agent.config.temporal.address, started.fleet_id, 'fleetHealthWorkflow.two-instances', { overwrite: true });
  });

  it('runs as a schedule whose action is a fleet check', async () => {
    const schedule = await agent.services.schedules.create(
      { name: `fleet-${run}-nightly`, fleet: { name: `fleet-${run}-calm` }, interval: { every: 1, unit: 'days' }, enabled: false },
      'test',
    );
    expect(schedule.fleet).toEqual({ name: `fleet-${run}-calm` });
    const { task_id: runId } = await agent.services.schedules.trigger(schedule.id, 'test');
    expect(runId).toMatch(/^fleet_sched/);
    const view = await agent.services.fleet.wait(runId!, 240_000);
    expect(view).toMatchObject({ status: 'done', rows: [expect.objectContaining({ name: `fleet-${run}-calm` })] });
    expect(view.thread_id).toMatch(/^thread_/);
    await agent.services.schedules.delete(schedule.id, 'test');
    await expect(
      agent.services.schedules.create(
        { name: `fleet-${run}-bad`, fleet: { all: true }, instance_id: 'inst_abcdefgh', interval: { every: 1, unit: 'days' } },
        'test',
      ),
    ).rejects.toThrow(/leave out instance_id/);
  });

  it('refuses a check without a filter, naming what to give', async () => {
    await expect(agent.services.fleet.start({ filter: {} }, { source: 'test' })).rejects.toThrow(ValidationError);
    await expect(agent.services.fleet.start({ filter: {} }, { source: 'test' })).rejects.toThrow(/give a filter/);
  });
});
