import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { InstanceView } from '../../core/instances/model';
import { createLogger } from '../../core/logger';
import type { ScheduleView } from '../../service/schedules';
import type { TaskView } from '../../service/tasks';
import { shareServices } from '../../mcp/server/create-server';
import { startMcpHttpServer, type McpHttpServer } from '../../mcp/server/http';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { call, dataOf, textOf, triageThroughMcp } from './mcp-client-flow';

const API_KEY = 'mcp-test-key-9f2c41';
const PASSWORD = 'hunter2-mcp-secret-77';

const EXPECTED_TOOLS = [
  'redis_sre_answer_feedback',
  'redis_sre_approve_action',
  'redis_sre_create_instance',
  'redis_sre_create_schedule',
  'redis_sre_database_chat',
  'redis_sre_deep_triage',
  'redis_sre_fleet_check',
  'redis_sre_general_chat',
  'redis_sre_get_task_status',
  'redis_sre_get_thread',
  'redis_sre_knowledge_query',
  'redis_sre_knowledge_search',
  'redis_sre_list_approvals',
  'redis_sre_list_instances',
  'redis_sre_list_schedules',
  'redis_sre_reject_action',
  'redis_sre_trigger_schedule',
];

describe('the agent as an MCP server over streamable HTTP', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;
  let http: McpHttpServer;
  let client: Client;
  let instanceId: string;

  beforeAll(async () => {
    agent = await startTestAgent({ env: { SRE_API_KEY: API_KEY } });
    redis = await startRedis({ password: PASSWORD });
    http = await startMcpHttpServer(shareServices(agent.services, createLogger('mcp', 'warn')), {
      host: '127.0.0.1',
      port: 0,
    });
    client = new Client({ name: 'jest', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { Authorization: `Bearer ${API_KEY}` } } }));
  });

  afterAll(async () => {
    await client?.close();
    await http?.close();
    await agent?.stop();
    await redis?.stop();
  });

  it('answers 401 without the bearer key or with a wrong one, like the REST API', async () => {
    const listTools = (headers: Record<string, string>) =>
      fetch(http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    for (const headers of [{}, { authorization: 'Bearer not-the-key' }] as Array<Record<string, string>>) {
      const response = await listTools(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Authorization: Bearer/);
    }
    const stranger = new Client({ name: 'stranger', version: '1.0.0' });
    await expect(stranger.connect(new StreamableHTTPClientTransport(new URL(http.url)))).rejects.toThrow(/missing or wrong API key/);
  });

  it('lists every tool with a JSON input schema naming its required fields', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(EXPECTED_TOOLS);
    for (const tool of tools) expect(tool.inputSchema.type).toBe('object');
    const triage = tools.find((t) => t.name === 'redis_sre_deep_triage')!;
    expect(triage.inputSchema.required).toEqual(expect.arrayContaining(['query', 'instance_id']));
    expect((triage.inputSchema.properties as Record<string, { maximum?: number }>).wait_seconds.maximum).toBe(600);
    expect(tools.find((t) => t.name === 'redis_sre_get_thread')!.annotations?.readOnlyHint).toBe(true);
  });

  it('registers an instance and never returns its password', async () => {
    const result = await call(client, 'redis_sre_create_instance', {
      name: `mcp-http-target-${redis.port}`,
      connection_url: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
      environment: 'test',
      usage: 'cache',
      description: 'ephemeral Redis registered through MCP',
    });
    const { instance } = dataOf<{ instance: InstanceView }>(result);
    instanceId = instance.id;
    expect(instance.id).toMatch(/^inst_/);
    expect(instance.has_password).toBe(true);
    expect(instance.connection_url).toContain('***');
    expect(JSON.stringify(result)).not.toContain(PASSWORD);

    const listed = dataOf<{ instances: InstanceView[] }>(await call(client, 'redis_sre_list_instances', { search: `mcp-http-target-${redis.port}` }));
    expect(listed.instances.map((i) => i.id)).toEqual([instanceId]);
  });

  it('runs a deep triage end to end: start, poll the status, read the report; no password anywhere', async () => {
    const run = await triageThroughMcp(client, instanceId);
    expect(run.started.status).toBe('queued');
    expect(run.started.task_id).toMatch(/^task_/);
    expect(run.task.status).toBe('done');
    expect(run.task.agent).toBe('triage');
    expect(run.thread.reports.length).toBeGreaterThanOrEqual(1);
    expect(run.threadText).toContain('Offline analysis');
    expect(run.thread.toolCalls.some((c) => c.tool === 'redis_info' && c.ok)).toBe(true);
    expect(run.everything).not.toContain(PASSWORD);
  });

  it('names the bad field in argument errors and says which id does not exist', async () => {
    const expectError = async (name: string, args: Record<string, unknown>, pattern: RegExp) => {
      const result = await call(client, name, args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(pattern);
    };
    await expectError('redis_sre_deep_triage', { query: 'triage', instance_id: 'prod-cache' }, /instance_id: must be an instance id like inst_/);
    await expectError('redis_sre_deep_triage', { instance_id: instanceId }, /query: /);
    await expectError('redis_sre_deep_triage', { query: 'triage', instance_id: instanceId, wait_seconds: 601 }, /wait_seconds: at most 600 seconds/);
    await expectError('redis_sre_deep_triage', { query: 'triage', instance_id: 'inst_doesnotexist1' }, /instance 'inst_doesnotexist1' not found/);
    await expectError('redis_sre_get_task_status', { task_id: 'task_AbC123xyz', extra: 1 }, /unknown field\(s\): extra/);
    await expectError('redis_sre_create_instance', { name: 'x', connection_url: `http://user:${PASSWORD}@host` }, /connection_url: /);
    const leaked = await call(client, 'redis_sre_create_instance', { name: 'x', connection_url: `http://user:${PASSWORD}@host` });
    expect(JSON.stringify(leaked)).not.toContain(PASSWORD);
    await expect(client.callTool({ name: 'redis_sre_drop_database', arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.callTool({ name: 'redis_sre_drop_database', arguments: {} })).rejects.toBeInstanceOf(McpError);
  });

  it('answers a database chat within the call, with the task and thread ids', async () => {
    const result = await call(client, 'redis_sre_database_chat', { query: 'How is memory?', instance_id: instanceId, wait_seconds: 90 });
    const task = dataOf<TaskView>(result);
    expect(task.status).toBe('done');
    expect(task.result?.agent).toBe('chat');
    expect(textOf(result)).toContain('Offline analysis');
    expect(textOf(result)).toContain(`task_id: ${task.task_id}`);
    expect(textOf(result)).toContain(`thread_id: ${task.thread_id}`);
  });

  it('creates, lists and triggers a schedule; the triggered run is a task', async () => {
    const name = `mcp nightly check ${Date.now()}`;
    const { schedule } = dataOf<{ schedule: ScheduleView }>(
      await call(client, 'redis_sre_create_schedule', { name, instance_id: instanceId, interval: { every: 1, unit: 'days' }, enabled: false }),
    );
    try {
      expect(schedule.enabled).toBe(false);
      const { schedules } = dataOf<{ schedules: ScheduleView[] }>(await call(client, 'redis_sre_list_schedules'));
      expect(schedules.map((s) => s.id)).toContain(schedule.id);
      const triggered = dataOf<{ task_id?: string }>(await call(client, 'redis_sre_trigger_schedule', { schedule_id: schedule.id }));
      expect(triggered.task_id).toMatch(/^task_sched/);
      expect((await agent.services.tasks.wait(triggered.task_id!, 90_000)).status).toBe('done');
    } finally {
      await agent.services.schedules.delete(schedule.id);
    }
  });

  it('searches the runbooks directly', async () => {
    const { hits } = dataOf<{ hits: Array<{ docId: string; snippet: string }> }>(
      await call(client, 'redis_sre_knowledge_search', { query: 'OOM command not allowed when used memory > maxmemory', limit: 3 }),
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(hits[0].docId).toBeTruthy();
  });
});
