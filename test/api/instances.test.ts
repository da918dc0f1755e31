import { execFileSync } from 'node:child_process';
import { startApi } from '../../api/server';
import { openServices } from '../../service';
import { startApiUnderTest, serveApi, waitForTask, call, type ApiUnderTest } from '../support/api';
import { captureStderr } from '../support/capture-stderr';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';

const PASSWORD = 'Api-S3cret-Pa55word-never-leak';
const NEW_PASSWORD = 'Rotated-S3cret-Pa55word-never-leak';

describe('REST instances', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  let stderr: ReturnType<typeof captureStderr>;

  beforeAll(async () => {
    // Everything down to debug level is captured and searched; only warnings and errors are shown.
    stderr = captureStderr(/ (DEBUG|INFO) /);
    api = await startApiUnderTest({ env: { SRE_LOG_LEVEL: 'debug' } });
    target = await startRedis({ password: PASSWORD });
  });
  afterAll(async () => {
    stderr.restore();
    await api.stop();
    await target.stop();
  });

  it('manages instances without ever returning, logging or storing the password in clear', async () => {
    const seen: string[] = [];
    const record = <T extends { text: string }>(reply: T) => {
      seen.push(reply.text);
      return reply;
    };
    const urlWithoutPassword = `redis://127.0.0.1:${target.port}`;

    const created = record(
      await api.call('POST', '/api/v1/instances', { name: 'secured', connection_url: target.url, environment: 'staging', usage: 'session' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'secured',
      has_password: true,
      environment: 'staging',
      usage: 'session',
      connection_url: `redis://:***@127.0.0.1:${target.port}`,
    });
    const id = created.body.id;

    const separate = record(await api.call('POST', '/api/v1/instances', { name: 'password-field', connection_url: urlWithoutPassword, password: PASSWORD }));
    expect(separate.status).toBe(201);
    expect(separate.body.has_password).toBe(true);

    const got = record(await api.call('GET', `/api/v1/instances/${id}`));
    expect(got.body).toEqual(created.body);
    const listed = record(await api.call('GET', '/api/v1/instances?environment=staging'));
    expect(listed.body.instances.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(record(await api.call('GET', '/api/v1/instances?search=password')).body.instances.map((i: { id: string }) => i.id)).toEqual([separate.body.id]);

    const tested = record(await api.call('POST', `/api/v1/instances/${id}/test`));
    expect(tested.body).toMatchObject({ ok: true, endpoint: `127.0.0.1:${target.port}`, role: 'master' });
    expect(record(await api.call('POST', `/api/v1/instances/${separate.body.id}/test`)).body.ok).toBe(true);
    const byUrl = record(await api.call('POST', '/api/v1/instances/test-url', { connection_url: urlWithoutPassword, password: PASSWORD }));
    expect(byUrl.body).toMatchObject({ ok: true, redisVersion: expect.any(String) });
    const wrong = record(await api.call('POST', '/api/v1/instances/test-url', { connection_url: urlWithoutPassword, password: `${PASSWORD}-wrong` }));
    expect(wrong.status).toBe(200);
    expect(wrong.body.ok).toBe(false);
    expect(record(await api.call('POST', '/api/v1/instances/test-url', { connection_url: 'redis://127.0.0.1:1' })).body.ok).toBe(false);

    const updated = record(await api.call('PATCH', `/api/v1/instances/${separate.body.id}`, { password: NEW_PASSWORD, notes: 'rotated' }));
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ notes: 'rotated', has_password: true, name: 'password-field' });
    // The new (wrong) password is used from now on.
    expect(record(await api.call('POST', `/api/v1/instances/${separate.body.id}/test`)).body.ok).toBe(false);
    const renamed = record(await api.call('PATCH', `/api/v1/instances/${separate.body.id}`, { name: 'renamed' }));
    expect(renamed.body.name).toBe('renamed');
    expect(record(await api.call('PATCH', `/api/v1/instances/${separate.body.id}`, { name: 'secured' })).status).toBe(409);

    // A task on the instance: the password is in no workflow history.
    const posted = record(await api.call('POST', '/api/v1/tasks', { message: 'audit this instance', instance_id: id, agent: 'triage' }));
    const task = await waitForTask(api, posted.body.task_id);
    expect(task.status).toBe('done');
    seen.push(JSON.stringify(task), record(await api.call('GET', `/api/v1/threads/${task.thread_id}`)).text);
    const stack = readStackEnv();
    for (const workflowId of [task.task_id, `${task.task_id}-triage`]) {
      const history = execFileSync(
        stack.temporalBinary,
        ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', api.agent.config.temporal.address],
        { encoding: 'utf8' },
      );
      expect(history.length).toBeGreaterThan(500);
      expect(history).not.toContain(PASSWORD);
    }

    expect(record(await api.call('DELETE', `/api/v1/instances/${separate.body.id}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/instances/${separate.body.id}`)).status).toBe(404);

    for (const text of seen) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(NEW_PASSWORD);
    }
    expect(stderr.text()).not.toContain(PASSWORD);
    expect(stderr.text()).not.toContain(NEW_PASSWORD);
    // At rest the URL and password are ciphertext.
    const raw = await api.agent.services.stores.redis.get(`sre:instance:${id}`);
    expect(raw).toContain('"ct"');
    expect(raw).not.toContain(PASSWORD);
    expect(raw).not.toContain(`127.0.0.1:${target.port}`);
  });

  it('answers 503 with how to set SRE_MASTER_KEY when stored secrets cannot be read, and startApi refuses to start', async () => {
    await api.call('POST', '/api/v1/instances', { name: 'needs-key', connection_url: 'redis://127.0.0.1:1' });
    const config = { ...api.agent.config, masterKey: { file: '/nonexistent/master.key' } };
    const keyless = await openServices(config, { temporal: { client: api.agent.services.temporal } });
    const server = await serveApi(keyless);
    try {
      const listed = await call(server.url, 'GET', '/api/v1/instances');
      expect(listed.status).toBe(503);
      expect(listed.body.error.code).toBe('master_key_unavailable');
      expect(listed.body.error.message).toMatch(/SRE_MASTER_KEY/);
      const created = await call(server.url, 'POST', '/api/v1/instances', { name: 'another', connection_url: 'redis://127.0.0.1:2' });
      expect(created.status).toBe(503);
      // Requests that need no secrets still work.
      expect((await call(server.url, 'GET', '/api/v1/threads')).status).toBe(200);
    } finally {
      await server.close();
      await keyless.close();
    }
    await expect(startApi({ ...config, api: { ...config.api, port: 0 } })).rejects.toThrow(
      /SRE_MASTER_KEY: instances are registered but their secrets cannot be read/,
    );
  });
});
