import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';

describe('REST schedules', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  const name = `nightly-${randomBytes(3).toString('hex')}`;
  const temporal = (...args: string[]) =>
    execFileSync(readStackEnv().temporalBinary, [...args, '--address', api.agent.config.temporal.address], { encoding: 'utf8' });

  beforeAll(async () => {
    api = await startApiUnderTest();
    target = await startRedis();
  });
  afterAll(async () => {
    await api.stop();
    await target.stop();
  });

  it('creates, changes, pauses, resumes, triggers and deletes a Temporal schedule', async () => {
    const instance = await api.call('POST', '/api/v1/instances', { name: 'scheduled-target', connection_url: target.url });
    const created = await api.call('POST', '/api/v1/schedules', {
      name,
      instance_id: instance.body.id,
      interval: { every: 12, unit: 'hours' },
      agent: 'triage',
      enabled: false,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^sched_/),
      name,
      agent: 'triage',
      instance_id: instance.body.id,
      enabled: false,
      interval: { every: 12, unit: 'hours' },
    });
    expect((await api.call('POST', '/api/v1/schedules', { name: name.toUpperCase(), cron: '0 3 * * *', instance_id: instance.body.id })).status).toBe(409);

    expect((await api.call('GET', `/api/v1/schedules/${id}`)).body).toMatchObject({ id, name });
    expect((await api.call('GET', '/api/v1/schedules')).body.schedules.map((s: { id: string }) => s.id)).toContain(id);

    // Fields left out of a PATCH keep their values.
    const patched = await api.call('PATCH', `/api/v1/schedules/${id}`, { cron: '30 2 * * *', message: 'nightly health check' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ cron: '30 2 * * *', message: 'nightly health check', agent: 'triage', overlap: 'skip', name });
    expect(patched.body.interval).toBeUndefined();

    expect((await api.call('POST', `/api/v1/schedules/${id}/resume`)).body.enabled).toBe(true);
    expect((await api.call('POST', `/api/v1/schedules/${id}/pause`)).body.enabled).toBe(false);

    // The Temporal CLI sees the same schedule.
    const described = JSON.parse(temporal('schedule', 'describe', '--schedule-id', id, '--output', 'json'));
    expect(described.schedule.action.startWorkflow.workflowType.name).toBe('taskWorkflow');
    const calendar = described.schedule.spec.structuredCalendar[0];
    expect([calendar.minute[0].start, calendar.hour[0].start]).toEqual([30, 2]);
    expect(described.schedule.state.paused).toBe(true);
    expect(temporal('schedule', 'list')).toContain(id);

    const triggered = await api.call('POST', `/api/v1/schedules/${id}/trigger`);
    expect(triggered.status).toBe(202);
    expect(triggered.body.task_id).toMatch(/^task_sched/);
    const task = await waitForTask(api, triggered.body.task_id);
    expect(task).toMatchObject({ status: 'done', agent: 'triage', source: 'schedule', instance_id: instance.body.id });
    expect(task.result.answer).toMatch(/Offline analysis/);
    expect(task.tool_calls.length).toBeGreaterThan(3);
    expect((await api.call('GET', `/api/v1/schedules/${id}`)).body.recent_runs.map((r: { task_id: string }) => r.task_id)).toContain(triggered.body.task_id);

    expect((await api.call('DELETE', `/api/v1/schedules/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/schedules/${id}`)).status).toBe(404);
    expect(temporal('schedule', 'list')).not.toContain(id);
  });
});
