import { startRedis, type EphemeralRedis } from '../support/redis';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';

describe('REST tasks and threads', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  let instanceId: string;

  beforeAll(async () => {
    api = await startApiUnderTest();
    target = await startRedis();
    const created = await api.call('POST', '/api/v1/instances', { name: 'tasks-target', connection_url: target.url });
    expect(created.status).toBe(201);
    instanceId = created.body.id;
  });
  afterAll(async () => {
    await api.stop();
    await target.stop();
  });

  it('runs a posted triage to completion and shows result and tool calls', async () => {
    const posted = await api.call('POST', '/api/v1/tasks', { message: 'Run a full health check', instance_id: instanceId, agent: 'triage' });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ task_id: expect.stringMatching(/^task_/), thread_id: expect.stringMatching(/^thread_/), status: 'queued' });

    const task = await waitForTask(api, posted.body.task_id);
    expect(task.status).toBe('done');
    expect(task.agent).toBe('triage');
    expect(task.mode).toBe('offline');
    expect(task.thread_id).toBe(posted.body.thread_id);
    expect(task.result.answer).toMatch(/Offline analysis/);
    expect(task.tool_calls.length).toBeGreaterThan(3);
    expect(task.tool_calls.map((c: { tool: string }) => c.tool)).toContain('redis_info');
    expect(task.usage).toBeDefined();
    expect(Date.parse(task.finished_at)).toBeGreaterThanOrEqual(Date.parse(task.created_at));
    expect(task.workflow_url).toContain(posted.body.task_id);

    // A follow-up runs on the same thread, which then holds both questions and both answers.
    const followUp = await api.call('POST', `/api/v1/threads/${posted.body.thread_id}/messages`, { message: 'And what should I fix first?' });
    expect(followUp.status).toBe(202);
    expect(followUp.body.thread_id).toBe(posted.body.thread_id);
    const second = await waitForTask(api, followUp.body.task_id);
    expect(second.status).toBe('done');
    expect(second.instance_id).toBe(instanceId);

    const thread = await api.call('GET', `/api/v1/threads/${posted.body.thread_id}`);
    expect(thread.status).toBe(200);
    expect(thread.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(thread.body.messages[2].content).toBe('And what should I fix first?');
    expect(thread.body.toolCalls.length).toBeGreaterThan(3);
    expect(thread.body.reports.length).toBe(2);

    // Listing with each filter finds the tasks it should and only those.
    const byThread = await api.call('GET', `/api/v1/tasks?thread_id=${posted.body.thread_id}`);
    expect(byThread.body.tasks.map((t: { task_id: string }) => t.task_id).sort()).toEqual([posted.body.task_id, followUp.body.task_id].sort());
    const done = await api.call('GET', `/api/v1/tasks?status=done&agent=triage&instance_id=${instanceId}`);
    expect(done.body.tasks.map((t: { task_id: string }) => t.task_id)).toContain(posted.body.task_id);
    expect(done.body.tasks.every((t: { status: string; agent: string }) => t.status === 'done' && t.agent === 'triage')).toBe(true);
    const failed = await api.call('GET', '/api/v1/tasks?status=failed');
    expect(failed.body.tasks).toEqual([]);
    const limited = await api.call('GET', '/api/v1/tasks?limit=1');
    expect(limited.body.tasks).toHaveLength(1);
    // Pages walk back in time through every task: none is cut off by a fixed window.
    expect(limited.body.tasks[0].task_id).toBe(followUp.body.task_id);
    expect(limited.body.next_page_token).toEqual(expect.any(String));
    const older = await api.call('GET', `/api/v1/tasks?limit=1&next_page_token=${limited.body.next_page_token}`);
    expect(older.status).toBe(200);
    expect(older.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual([posted.body.task_id]);
    const threadPage = await api.call('GET', `/api/v1/tasks?thread_id=${posted.body.thread_id}&limit=1`);
    expect(threadPage.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual([followUp.body.task_id]);
    const threadNext = await api.call('GET', `/api/v1/tasks?thread_id=${posted.body.thread_id}&limit=1&next_page_token=${threadPage.body.next_page_token}`);
    expect(threadNext.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual([posted.body.task_id]);
    expect(threadNext.body.next_page_token).toBeUndefined();
    const forged = await api.call('GET', '/api/v1/tasks?limit=1&next_page_token=bm90LWEtdG9rZW4');
    expect(forged.status).toBe(400);
    expect(forged.body.error.issues[0].field).toBe('next_page_token');

    const threads = await api.call('GET', `/api/v1/threads?instance_id=${instanceId}`);
    expect(threads.body.threads.map((t: { id: string }) => t.id)).toContain(posted.body.thread_id);
  });

  it('cancels a running task', async () => {
    // The target stalls every command for a few seconds, so the task is still running when cancelled.
    const stall = target.client();
    const sleeping = stall.call('DEBUG', 'SLEEP', '3').catch(() => undefined);
    const posted = await api.call('POST', '/api/v1/tasks', { message: 'Run a full health check', instance_id: instanceId, agent: 'triage' });
    const cancel = await api.call('POST', `/api/v1/tasks/${posted.body.task_id}/cancel`);
    expect(cancel.status).toBe(202);
    const task = await waitForTask(api, posted.body.task_id);
    expect(task.status).toBe('cancelled');
    expect(task.error).toMatch(/cancel/);
    await sleeping;
    stall.disconnect();
  });

  it('deletes a thread with its tasks', async () => {
    const posted = await api.call('POST', '/api/v1/tasks', { message: 'what is a good maxmemory-policy for a cache?', agent: 'knowledge' });
    expect((await waitForTask(api, posted.body.task_id)).status).toBe('done');
    const deleted = await api.call('DELETE', `/api/v1/threads/${posted.body.thread_id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await api.call('GET', `/api/v1/threads/${posted.body.thread_id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/threads/${posted.body.thread_id}`)).status).toBe(404);
    const listed = await api.call('GET', '/api/v1/threads');
    expect(listed.body.threads.map((t: { id: string }) => t.id)).not.toContain(posted.body.thread_id);
  });
});
