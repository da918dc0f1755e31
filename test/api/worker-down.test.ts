import { loadConfig } from '../../core/config';
import { openServices, type Services } from '../../service';
import { call, serveApi } from '../support/api';
import { testEnv } from '../support/agent';
import type { RunningApi } from '../../api/server';

/** With no worker polling, status and list calls still answer at once, from visibility and the task record. */
describe('the API with no worker', () => {
  let services: Services;
  let api: RunningApi;

  beforeAll(async () => {
    // A task queue no worker polls: tasks stay queued.
    services = await openServices(loadConfig(testEnv({ SRE_TASK_QUEUE: `nobody-polls-${Date.now()}` })));
    api = await serveApi(services);
  });
  afterAll(async () => {
    await api.close();
    await services.close();
  });

  it('answers GET /tasks/:id and GET /tasks with what visibility says, and says no worker answered', async () => {
    const posted = await call(api.url, 'POST', '/api/v1/tasks', { message: 'what is maxmemory?', agent: 'knowledge' });
    expect(posted.status).toBe(202);
    const task = await call(api.url, 'GET', `/api/v1/tasks/${posted.body.task_id}`);
    expect(task.status).toBe(200);
    expect(task.body.status).toBe('queued');
    expect(task.body.note).toMatch(/no worker answered the status query/);
    const list = await call(api.url, 'GET', '/api/v1/tasks?limit=20');
    expect(list.status).toBe(200);
    expect(list.body.tasks.map((t: { task_id: string }) => t.task_id)).toContain(posted.body.task_id);
    await services.tasks.cancel(posted.body.task_id);
  });
});
