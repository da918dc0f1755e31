import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newApiKey, writeKeyFile, type Role } from '../../core/api-keys';
import { alertmanagerNotification } from '../support/alertmanager-payload';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** POST /api/v1/alerts/alertmanager against a real worker, Temporal dev server and Redis. */
describe('Alertmanager webhook', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  const keys: Partial<Record<Role, string>> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-alert-keys-'));
  const as = (role: Role) => ({ authorization: `Bearer ${keys[role]}` });
  const post = (body: unknown, role: Role = 'operator') => api.call('POST', '/api/v1/alerts/alertmanager', body, as(role));
  const asViewer = { call: (method: string, p: string) => api.call(method, p, undefined, as('viewer')) };
  let instanceId = '';
  let addr = '';

  beforeAll(async () => {
    const entries = (['viewer', 'operator'] as const).map((role) => {
      const made = newApiKey(`${role}-key`, role);
      keys[role] = made.key;
      return made.entry;
    });
    writeKeyFile(path.join(dir, 'keys.yaml'), entries);
    api = await startApiUnderTest({ env: { SRE_API_KEYS_FILE: path.join(dir, 'keys.yaml') } });
    target = await startRedis();
    addr = `127.0.0.1:${target.port}`;
    const created = await api.call(
      'POST',
      '/api/v1/instances',
      { name: 'alerted', connection_url: target.url, environment: 'test', alert_matchers: { addr } },
      as('operator'),
    );
    expect(created.status).toBe(201);
    expect(created.body.alert_matchers).toEqual({ addr });
    instanceId = created.body.id;
  });
  afterAll(async () => {
    await api.stop();
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts one triage per alert group and instance; a re-sent notification joins it; resolved is recorded; a new firing investigates anew', async () => {
    const firing = alertmanagerNotification({
      groupKey: '{}:{alertname="RedisMemoryNearLimit"}',
      labels: { alertname: 'RedisMemoryNearLimit', severity: 'warning', addr },
      annotations: { summary: 'Redis uses 97% of maxmemory' },
    });
    const first = await post(firing);
    expect(first.status).toBe(202);
    expect(first.body.tasks).toEqual([
      { instance_id: instanceId, task_id: expect.stringMatching(/^task_alert-[0-9a-f]{16}-inst_/), thread_id: expect.any(String), started: true },
    ]);
    const { task_id: taskId, thread_id: threadId } = first.body.tasks[0];

    const again = await post(firing);
    expect(again.status).toBe(202);
    expect(again.body.tasks).toEqual([{ ...first.body.tasks[0], started: false }]);

    const done = await waitForTask(asViewer, taskId, 180_000);
    expect(done).toMatchObject({ status: 'done', agent: 'triage', source: 'alert', instance_id: instanceId });
    expect(done.message).toMatch(/RedisMemoryNearLimit \(warning\) since 2026-12-01T14:00:00.000Z: Redis uses 97% of maxmemory/);

    const health = await api.call('GET', `/api/v1/instances/${instanceId}/health`, undefined, as('viewer'));
    expect(health.body).toMatchObject({ instance_id: instanceId, entries: [expect.objectContaining({ taskId, verdict: expect.any(String) })] });
    expect((await api.call('GET', `/api/v1/instances/${instanceId}/health?limit=0`, undefined, as('viewer'))).body.error.issues[0].field).toBe('limit');

    // After the triage finished, a repeat of the same episode still starts nothing.
    expect((await post(firing)).body.tasks[0]).toMatchObject({ task_id: taskId, started: false });
    const runs = await api.agent.services.temporal.workflow.count(`WorkflowId = '${taskId}'`);
    expect(runs.count).toBe(1);

    const resolved = await post({
      ...firing,
      status: 'resolved',
      alerts: [{ ...(firing.alerts as object[])[0], status: 'resolved', endsAt: '2026-12-01T14:10:00Z' }],
    });
    expect(resolved.status).toBe(202);
    expect(resolved.body).toMatchObject({ tasks: [], resolved: [{ instance_id: instanceId, task_id: taskId, thread_id: threadId }] });
    const thread = await api.call('GET', `/api/v1/threads/${threadId}`, undefined, as('viewer'));
    expect(thread.body.messages.map((m: { content: string }) => m.content)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Alertmanager: resolved at 2026-12-01T14:10:00Z: RedisMemoryNearLimit/)]),
    );

    const refired = await post(
      alertmanagerNotification({
        ...firing,
        groupKey: firing.groupKey as string,
        labels: { alertname: 'RedisMemoryNearLimit', severity: 'warning', addr },
        startsAt: '2026-12-01T15:00:00Z',
      }),
    );
    expect(refired.body.tasks[0]).toMatchObject({ started: true, thread_id: threadId });
    expect(refired.body.tasks[0].task_id).not.toBe(taskId);
    await waitForTask(asViewer, refired.body.tasks[0].task_id, 180_000);
  });

  it('answers 202 for an alert no instance matches and records it', async () => {
    const reply = await post(alertmanagerNotification({ groupKey: '{}:{alertname="Elsewhere"}', labels: { alertname: 'Elsewhere', addr: '10.9.9.9:6379' } }));
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ tasks: [], unmatched: [{ alertname: 'Elsewhere', labels: { addr: '10.9.9.9:6379' } }] });
    const listed = await api.call('GET', '/api/v1/alerts?unmatched=true', undefined, as('viewer'));
    expect(listed.body.notifications[0]).toMatchObject({ groupKey: '{}:{alertname="Elsewhere"}', unmatched: 1, matched: [] });
  });

  it('refuses a malformed notification whole, naming the field, and an unauthenticated or viewer one', async () => {
    const before = (await api.call('GET', '/api/v1/alerts?limit=1000', undefined, as('viewer'))).body.notifications.length;
    const good = alertmanagerNotification({ groupKey: '{}:{alertname="Bad"}', labels: { alertname: 'Bad', addr } });
    const badTime = await post({ ...good, alerts: [{ ...(good.alerts as object[])[0], startsAt: 'yesterday' }] });
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.issues).toEqual([{ field: 'alerts.0.startsAt', reason: expect.stringMatching(/RFC 3339/) }]);
    const badVersion = await post({ ...good, version: '3' });
    expect(badVersion.body.error.issues).toEqual([{ field: 'version', reason: 'only version "4" of the Alertmanager webhook payload is understood' }]);
    expect((await post({ ...good, alerts: [] })).body.error.issues[0].field).toBe('alerts');
    expect((await api.call('POST', '/api/v1/alerts/alertmanager', good)).status).toBe(401);
    expect((await post(good, 'viewer')).status).toBe(403);
    // Nothing of the refused notifications was recorded or started.
    expect((await api.call('GET', '/api/v1/alerts?limit=1000', undefined, as('viewer'))).body.notifications.length).toBe(before);
  });

  it('edits the matchers through PATCH and clears them with {}', async () => {
    const patched = await api.call('PATCH', `/api/v1/instances/${instanceId}`, { alert_matchers: { instance: 'alerted', job: 'redis' } }, as('operator'));
    expect(patched.body.alert_matchers).toEqual({ instance: 'alerted', job: 'redis' });
    const bad = await api.call('PATCH', `/api/v1/instances/${instanceId}`, { alert_matchers: { '1bad': 'x' } }, as('operator'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].field).toMatch(/^alert_matchers/);
    const cleared = await api.call('PATCH', `/api/v1/instances/${instanceId}`, { alert_matchers: {} }, as('operator'));
    expect(cleared.body.alert_matchers).toBeUndefined();
  });
});
