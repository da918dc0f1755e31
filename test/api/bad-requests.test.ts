import { randomBytes } from 'node:crypto';
import { startApiUnderTest, type ApiUnderTest } from '../support/api';

/**
 * Bad input is always the client's problem: a 4xx naming the field, one error shape, never a 5xx
 * or a stack trace, and nothing half-created afterwards.
 */

interface BadRequest {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  /** The field the error must name (in issues and message). */
  field?: string;
  message?: RegExp;
}

describe('REST bad requests', () => {
  let api: ApiUnderTest;
  let instanceId: string;
  let threadId: string;
  const run = randomBytes(3).toString('hex');
  const scheduleName = (n: number) => `bad-${run}-${n}`;
  const interval = { every: 1, unit: 'hours' };

  beforeAll(async () => {
    api = await startApiUnderTest();
    instanceId = (await api.call('POST', '/api/v1/instances', { name: 'existing', connection_url: 'redis://127.0.0.1:1' })).body.id;
    threadId = (await api.call('POST', '/api/v1/tasks', { message: 'what does maxmemory-policy do?', agent: 'knowledge' })).body.thread_id;
  });
  afterAll(async () => {
    await api.stop();
  });

  const table = (): BadRequest[] => [
    { name: 'task without a message', method: 'POST', path: '/api/v1/tasks', body: {}, status: 400, field: 'message' },
    { name: 'task message of the wrong type', method: 'POST', path: '/api/v1/tasks', body: { message: 42 }, status: 400, field: 'message' },
    { name: 'empty task message', method: 'POST', path: '/api/v1/tasks', body: { message: '   ' }, status: 400, field: 'message' },
    {
      name: 'task message over 8000 characters',
      method: 'POST',
      path: '/api/v1/tasks',
      body: { message: '🔥'.repeat(8001) },
      status: 400,
      field: 'message',
      message: /8000/,
    },
    { name: 'unknown agent', method: 'POST', path: '/api/v1/tasks', body: { message: 'hi', agent: 'wizard' }, status: 400, field: 'agent', message: /triage/ },
    {
      name: 'extra field',
      method: 'POST',
      path: '/api/v1/tasks',
      body: { message: 'hi', priority: 'urgent' },
      status: 400,
      message: /unknown field\(s\): priority/,
    },
    {
      name: 'malformed thread_id',
      method: 'POST',
      path: '/api/v1/tasks',
      body: { message: 'hi', thread_id: '../../etc/passwd' },
      status: 400,
      field: 'thread_id',
    },
    {
      name: 'thread_id that does not exist',
      method: 'POST',
      path: '/api/v1/tasks',
      body: { message: 'hi', thread_id: 'thread_doesNotExist1' },
      status: 404,
      message: /thread 'thread_doesNotExist1' not found/,
    },
    {
      name: 'instance_id that does not exist',
      method: 'POST',
      path: '/api/v1/tasks',
      body: { message: 'hi', instance_id: 'inst_doesNotExist1' },
      status: 404,
      message: /instance 'inst_doesNotExist1' not found/,
    },
    {
      name: 'context with a bad key',
      method: 'POST',
      path: '/api/v1/tasks',
      body: { message: 'hi', context: { 'bad key;': 'v' } },
      status: 400,
      field: 'context.bad key;',
    },
    { name: 'body is an array', method: 'POST', path: '/api/v1/tasks', body: [{ message: 'hi' }], status: 400, field: '(body)' },
    {
      name: 'body is not valid JSON',
      method: 'POST',
      path: '/api/v1/tasks',
      body: '{"message": ',
      headers: { 'content-type': 'application/json' },
      status: 400,
      message: /not valid JSON/,
    },
    {
      name: 'body is not JSON at all',
      method: 'POST',
      path: '/api/v1/tasks',
      body: 'message=hi',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      message: /application\/json/,
    },
    { name: 'body as text/plain', method: 'POST', path: '/api/v1/instances', body: 'hello', status: 415, message: /application\/json/ },
    { name: 'oversized body', method: 'POST', path: '/api/v1/tasks', body: { message: 'x'.repeat(300_000) }, status: 413, message: /SRE_API_BODY_LIMIT/ },
    { name: 'injection in a task id', method: 'GET', path: '/api/v1/tasks/task_x;FLUSHALL', status: 400, field: 'id' },
    { name: 'path traversal in a task id', method: 'GET', path: `/api/v1/tasks/${encodeURIComponent('../../etc/passwd')}`, status: 400, field: 'id' },
    { name: 'unicode task id', method: 'GET', path: `/api/v1/tasks/${encodeURIComponent('task_ünïcødé✓✓')}`, status: 400, field: 'id' },
    { name: 'huge task id', method: 'GET', path: `/api/v1/tasks/task_${'a'.repeat(5000)}`, status: 400, field: 'id' },
    { name: 'unknown task id', method: 'GET', path: '/api/v1/tasks/task_doesNotExist1', status: 404, message: /task 'task_doesNotExist1' not found/ },
    { name: 'cancel of an unknown task', method: 'POST', path: '/api/v1/tasks/task_doesNotExist1/cancel', status: 404, message: /not found/ },
    { name: 'negative limit', method: 'GET', path: '/api/v1/tasks?limit=-1', status: 400, field: 'limit' },
    { name: 'limit that is not a number', method: 'GET', path: '/api/v1/tasks?limit=ten', status: 400, field: 'limit' },
    { name: 'unknown task status filter', method: 'GET', path: '/api/v1/tasks?status=sleeping', status: 400, field: 'status' },
    { name: 'unknown list parameter', method: 'GET', path: '/api/v1/threads?sort=desc', status: 400, message: /unknown field\(s\): sort/ },
    { name: 'malformed thread id', method: 'GET', path: '/api/v1/threads/thread_%00%0aFLUSHALL', status: 400, field: 'id' },
    { name: 'unknown thread', method: 'GET', path: '/api/v1/threads/thread_doesNotExist1', status: 404, message: /thread 'thread_doesNotExist1' not found/ },
    {
      name: 'follow-up on an unknown thread',
      method: 'POST',
      path: '/api/v1/threads/thread_doesNotExist1/messages',
      body: { message: 'and now?' },
      status: 404,
      message: /not found/,
    },
    {
      name: 'follow-up without a message',
      method: 'POST',
      path: `/api/v1/threads/${threadId}/messages`,
      body: { text: 'and now?' },
      status: 400,
      field: 'message',
    },
    { name: 'delete of a malformed thread id', method: 'DELETE', path: '/api/v1/threads/DROP%20TABLE', status: 400, field: 'id' },
    {
      name: 'stream resumed from a malformed id',
      method: 'GET',
      path: `/api/v1/threads/${threadId}/stream?last_event_id=abc`,
      status: 400,
      field: 'last_event_id',
    },
    { name: 'stream with an unknown until', method: 'GET', path: `/api/v1/threads/${threadId}/stream?until=never`, status: 400, field: 'until' },
    { name: 'instance without a URL', method: 'POST', path: '/api/v1/instances', body: { name: 'no-url' }, status: 400, field: 'connection_url' },
    {
      name: 'sentinel instance without sentinels',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'ha', connection_url: 'redis://127.0.0.1:6379', instance_type: 'sentinel', sentinel_master_name: 'mymaster' },
      status: 400,
      field: 'sentinel_addresses',
    },
    {
      name: 'sentinel address without a port',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'ha', connection_url: 'redis://127.0.0.1:6379', instance_type: 'sentinel', sentinel_addresses: ['10.0.0.1'], sentinel_master_name: 'm' },
      status: 400,
      field: 'sentinel_addresses.0',
      message: /host:port/,
    },
    {
      name: 'sentinel fields on a standalone instance',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'ha', connection_url: 'redis://127.0.0.1:6379', sentinel_master_name: 'mymaster' },
      status: 400,
      field: 'instance_type',
    },
    {
      name: 'instance with an http URL',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'http', connection_url: 'http://example.com' },
      status: 400,
      field: 'connection_url',
      message: /redis:\/\//,
    },
    {
      name: 'instance with a bad database',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'db', connection_url: 'redis://127.0.0.1:6379/abc' },
      status: 400,
      field: 'connection_url',
    },
    {
      name: 'instance name with injection',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'a;FLUSHALL\r\n', connection_url: 'redis://127.0.0.1:1' },
      status: 400,
      field: 'name',
    },
    {
      name: 'instance with a wrong environment',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'env', connection_url: 'redis://127.0.0.1:1', environment: 'prod' },
      status: 400,
      field: 'environment',
    },
    {
      name: 'duplicate instance name',
      method: 'POST',
      path: '/api/v1/instances',
      body: { name: 'EXISTING', connection_url: 'redis://127.0.0.1:2' },
      status: 409,
      message: /already exists/,
    },
    {
      name: 'update of an unknown instance',
      method: 'PATCH',
      path: '/api/v1/instances/inst_doesNotExist1',
      body: { notes: 'x' },
      status: 404,
      message: /not found/,
    },
    {
      name: 'update with a wrong type',
      method: 'PATCH',
      path: `/api/v1/instances/${instanceId}`,
      body: { description: ['x'] },
      status: 400,
      field: 'description',
    },
    {
      name: 'update to a sentinel instance without sentinels',
      method: 'PATCH',
      path: `/api/v1/instances/${instanceId}`,
      body: { instance_type: 'sentinel' },
      status: 400,
      field: 'sentinel_addresses',
    },
    { name: 'malformed instance id', method: 'GET', path: '/api/v1/instances/inst_..%2F..%2Fetc', status: 400, field: 'id' },
    {
      name: 'URL test with a wrong type',
      method: 'POST',
      path: '/api/v1/instances/test-url',
      body: { connection_url: 5 },
      status: 400,
      field: 'connection_url',
    },
    {
      name: 'schedule with a bad cron',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(1), cron: 'every day' },
      status: 400,
      field: 'cron',
    },
    {
      name: 'schedule with an impossible cron',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(2), cron: '99 99 * * *', agent: 'chat' },
      status: 400,
      field: 'cron',
    },
    {
      name: 'schedule with both interval and cron',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(3), interval, cron: '0 3 * * *' },
      status: 400,
      field: 'interval',
      message: /exactly one of interval or cron/,
    },
    {
      name: 'schedule with neither interval nor cron',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(4) },
      status: 400,
      field: 'interval',
    },
    {
      name: 'schedule with a zero interval',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(5), interval: { every: 0, unit: 'hours' } },
      status: 400,
      field: 'interval.every',
    },
    {
      name: 'schedule with an unknown unit',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(6), interval: { every: 1, unit: 'fortnights' } },
      status: 400,
      field: 'interval.unit',
    },
    {
      name: 'schedule for an unknown instance',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(7), interval, instance_id: 'inst_doesNotExist1' },
      status: 404,
      message: /instance/,
    },
    {
      name: 'schedule with an unknown agent',
      method: 'POST',
      path: '/api/v1/schedules',
      body: { name: scheduleName(8), interval, agent: 'wizard' },
      status: 400,
      field: 'agent',
    },
    { name: 'malformed schedule id', method: 'GET', path: '/api/v1/schedules/sched_x;DROP', status: 400, field: 'id' },
    {
      name: 'trigger of an unknown schedule',
      method: 'POST',
      path: '/api/v1/schedules/sched_doesNotExist1/trigger',
      status: 404,
      message: /schedule 'sched_doesNotExist1' not found/,
    },
    { name: 'knowledge search without q', method: 'GET', path: '/api/v1/knowledge/search', status: 400, field: 'q' },
    { name: 'knowledge search with limit 0', method: 'GET', path: '/api/v1/knowledge/search?q=oom&limit=0', status: 400, field: 'limit' },
    { name: 'knowledge search in an unknown category', method: 'GET', path: '/api/v1/knowledge/search?q=oom&category=cooking', status: 400, field: 'category' },
    {
      name: 'ingest of a non-document file',
      method: 'POST',
      path: '/api/v1/knowledge/ingest',
      body: { paths: ['/etc/passwd.db'] },
      status: 400,
      field: 'paths.0',
    },
    {
      name: 'ingest of a missing folder',
      method: 'POST',
      path: '/api/v1/knowledge/ingest',
      body: { paths: ['/nonexistent/runbooks'] },
      status: 400,
      message: /\/nonexistent\/runbooks/,
    },
    { name: 'unknown route', method: 'GET', path: '/api/v1/nothing-here', status: 404, message: /no route GET \/api\/v1\/nothing-here/ },
    { name: 'unknown method on a known path', method: 'PUT', path: '/api/v1/tasks', body: { message: 'hi' }, status: 404, message: /no route PUT/ },
    { name: 'plain GET of the WebSocket endpoint', method: 'GET', path: `/api/v1/ws/tasks/${threadId}`, status: 426, message: /WebSocket/ },
  ];

  async function counts() {
    const [instances, threads, tasks, schedules] = await Promise.all(
      ['instances', 'threads', 'tasks?limit=200', 'schedules'].map((p) => api.call('GET', `/api/v1/${p}`)),
    );
    return {
      instances: instances.body.instances.length,
      threads: threads.body.threads.length,
      tasks: tasks.body.tasks.length,
      badSchedules: schedules.body.schedules.filter((s: { name: string }) => s.name.startsWith(`bad-${run}`)).length,
    };
  }

  it('answers every bad request with a 4xx naming the problem, and creates nothing', async () => {
    const before = await counts();
    const rows = table();
    expect(rows.length).toBeGreaterThanOrEqual(25);
    const failures: string[] = [];
    for (const row of rows) {
      const reply = await api.call(row.method, row.path, row.body, row.headers);
      const error = reply.body?.error;
      const problems = [
        reply.status !== row.status && `status ${reply.status}, expected ${row.status}`,
        !(error && typeof error.code === 'string' && typeof error.message === 'string') && `not the error shape: ${reply.text.slice(0, 200)}`,
        Object.keys(reply.body ?? {}).join() !== 'error' && 'extra top-level keys',
        /\n\s+at /.test(reply.text) && 'stack trace in the response',
        row.field && !error?.issues?.some((i: { field: string }) => i.field === row.field) && `no issue for field ${row.field}: ${reply.text.slice(0, 300)}`,
        row.field && !error?.message.includes(row.field) && `message does not name ${row.field}`,
        row.message && !row.message.test(error?.message ?? '') && `message ${JSON.stringify(error?.message)} does not match ${row.message}`,
      ].filter(Boolean);
      if (problems.length) failures.push(`${row.name} (${row.method} ${row.path.slice(0, 80)}): ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
