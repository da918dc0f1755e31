import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { createLogger } from '../../core/logger';
import type { TaskView } from '../../service/tasks';
import { createAgentMcpServer, shareServices } from '../../mcp/server/create-server';
import { startTestAgent, type TestAgent } from '../support/agent';
import { say, ScriptedModel } from '../support/scripted-model';
import { call, dataOf, textOf } from './mcp-client-flow';

describe('MCP tools that wait for an answer', () => {
  let model: ScriptedModel;
  let agent: TestAgent;
  let client: Client;

  beforeAll(async () => {
    model = new ScriptedModel(() => say('The answer, eventually.'), { latencyMs: 7_000 });
    agent = await startTestAgent({ modelBaseURL: await model.start() });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createAgentMcpServer(shareServices(agent.services, createLogger('mcp', 'warn'))).connect(serverSide);
    client = new Client({ name: 'jest-in-memory', version: '1.0.0' });
    await client.connect(clientSide);
  });

  afterAll(async () => {
    await client?.close();
    await agent?.stop();
    await model?.stop();
  });

  it('send progress while they wait, and return the ids and how to follow up when the wait runs out', async () => {
    const progress: Progress[] = [];
    const result = await call(
      client,
      'redis_sre_general_chat',
      { query: 'What is a hot key?', wait_seconds: 6 },
      { onprogress: (update) => progress.push(update) },
    );
    const task = dataOf<TaskView>(result);
    expect(['queued', 'running']).toContain(task.status);
    expect(textOf(result)).toMatch(/Poll redis_sre_get_task_status/);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({ total: 6, message: expect.stringMatching(/^task (queued|running)/) });

    const finished = await agent.services.tasks.wait(task.task_id, 60_000);
    expect(finished.result?.answer).toMatch(/^The answer, eventually\./);
  });
});
