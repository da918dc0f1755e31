import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { projectRoot } from '../../core/paths';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';
import { triageThroughMcp } from './mcp-client-flow';

const CLI = path.join(projectRoot(), 'dist/cli/main.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the agent as an MCP server over stdio (sre-agent mcp serve --transport stdio)', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;
  let transport: StdioClientTransport;
  let client: Client;
  let serverLog = '';
  let instanceId: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(projectRoot(), 'dist/cli/commands/mcp.js')))
      throw new Error('dist/ has no MCP command: run `npm run build` before the MCP tests');
    agent = await startTestAgent();
    redis = await startRedis();
    instanceId = (await agent.services.instances.create({ name: `mcp-stdio-target-${redis.port}`, connection_url: redis.url, environment: 'test' })).id;
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', 'serve', '--transport', 'stdio'],
      env: { ...readStackEnv().env, SRE_TASK_QUEUE: agent.config.temporal.taskQueue },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString('utf8')));
    client = new Client({ name: 'jest-stdio', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await agent?.stop();
    await redis?.stop();
  });

  it('lists the tools and runs a deep triage end to end over stdin/stdout', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['redis_sre_deep_triage', 'redis_sre_get_task_status', 'redis_sre_get_thread']));

    const run = await triageThroughMcp(client, instanceId);
    expect(run.task.status).toBe('done');
    expect(run.task.source).toBe('mcp');
    expect(run.polls).toBeGreaterThan(1);
    expect(run.thread.id).toBe(run.started.thread_id);
    expect(run.threadText).toContain('Offline analysis');
    expect(serverLog).not.toMatch(/ERROR/);
  });

  it('exits on its own when the client goes away', async () => {
    const pid = transport.pid!;
    const started = Date.now();
    await client.close();
    // The SDK client sends SIGTERM only after 2 s without exit: sooner means stdin's end stopped the server.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(alive(pid)).toBe(false);
  });
});
