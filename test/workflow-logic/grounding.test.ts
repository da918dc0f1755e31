import type { ChatMessage } from '../../core/types';
import { LIST_TOOLS } from '../../core/tool-selection';
import { taskWorkflow } from '../../workflows/task';
import { reply, startStubWorld, taskInput, type StubOptions } from './stub-world';

/**
 * Model mode starts from evidence and is checked against it (issue 13): the chat model receives
 * the baseline digest, what it invents is marked in the stored answer and counted, an answer that
 * ignores the evidence is asked for once more and otherwise replaced by the offline answer.
 */

type Turn = { tier: string; messages: ChatMessage[]; tools: string[] };

async function chat(modelTurn: StubOptions['modelTurn']) {
  const world = await startStubWorld({ modelTurn });
  const input = taskInput({ agent: 'chat' });
  const result = await world.run(() => world.client.workflow.execute(taskWorkflow, { taskQueue: world.taskQueue, workflowId: input.taskId, args: [input] }));
  await world.close();
  return { result, stored: world.recorded.finished.find((f) => f.taskId === input.taskId)!, toolNames: world.recorded.toolNames };
}

describe('model answers grounded in evidence (real workflows, stubbed activities)', () => {
  it('the chat model starts from the digest; a value it invents is marked in the stored answer and counted', async () => {
    const turns: Turn[] = [];
    const { result, stored } = await chat(async (turn) => {
      turns.push(turn);
      return reply(
        [
          'Writes fail with OOM: `maxmemory-policy` is `noeviction` and used_memory is 8.29M, at maxmemory (redis_info).',
          'The INFO excerpt shows "write_latency_ms": 20.',
          'Fix: `CONFIG SET maxmemory-policy allkeys-lru`.',
        ].join('\n'),
      );
    });
    // Evidence first: the baseline ran before the model, and its digest is in the first prompt.
    const first = turns[0].messages.map((m) => m.content ?? '').join('\n');
    expect(first).toMatch(/Evidence collected just now/);
    expect(first).toMatch(/noeviction/);
    // The checks found a critical OOM: the verdict line asks for the cause, and offers no "healthy" branch to copy.
    expect(turns[0].messages[0].content).toMatch(/the cause in one or two sentences/);
    expect(turns[0].messages[0].content).not.toMatch(/healthy/);
    expect(result.toolCalls).toBeGreaterThanOrEqual(10);
    // Only the tools the question needs are offered, the rest through list_tools.
    expect(turns[0].tools.length).toBeLessThanOrEqual(13);
    expect(turns[0].tools).toContain(LIST_TOOLS);

    expect(stored.answer).toMatch(/"write_latency_ms": 20\.? ⚠️ _\(not found in the evidence: no tool output has a field write_latency_ms\)_/);
    expect(stored.answer).toMatch(/Evidence from: `redis_info` \(call [0-9a-f]{8}\)/);
    expect(stored.grounding).toMatchObject({ unsupported: 1, outcome: 'accepted' });
    expect(stored.grounding!.supported).toBeGreaterThanOrEqual(2);
    expect(result.grounding).toEqual(stored.grounding);
  });

  it('an answer that ignores the evidence is asked for once more; ignored twice, the offline answer replaces it', async () => {
    let calls = 0;
    const { result, stored } = await chat(async () => {
      calls++;
      return reply('Check the disk space and run fsck; restart the service if it persists.');
    });
    expect(calls).toBe(2);
    expect(stored.grounding).toMatchObject({ outcome: 'replaced-by-offline' });
    expect(result.answer).toMatch(/answered twice without using the evidence/);
    // The offline answer names the cause from the same evidence.
    expect(result.answer).toMatch(/noeviction/);
    expect(result.answer).not.toMatch(/fsck/);
  });

  it('a second answer that uses the evidence is kept', async () => {
    let calls = 0;
    const { stored } = await chat(async (turn) => {
      calls++;
      if (calls === 1) return reply('It is probably the network.');
      expect(turn.messages.at(-1)?.content).toMatch(/used none of the evidence/);
      return reply('Writes fail because used_memory is 8.29M at maxmemory with maxmemory-policy noeviction (redis_info).');
    });
    expect(calls).toBe(2);
    expect(stored.grounding).toMatchObject({ outcome: 'accepted-after-retry', unsupported: 0 });
  });

  it('list_tools names the tools not offered; the model may then call one by name', async () => {
    const turns: Turn[] = [];
    const { toolNames } = await chat(async (turn) => {
      turns.push(turn);
      if (turns.length === 1) {
        return {
          ...reply(''),
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: LIST_TOOLS, arguments: '{}' } }] },
        };
      }
      if (turns.length === 2) {
        const listing = JSON.parse(turn.messages.at(-1)!.content!) as { tools: Array<{ name: string }> };
        const other = listing.tools.map((t) => t.name).find((n) => !turns[0].tools.includes(n));
        expect(other).toBeDefined();
        return {
          ...reply(''),
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'c2', type: 'function', function: { name: other!, arguments: '{}' } }] },
        };
      }
      return reply('used_memory is 8.29M with maxmemory-policy noeviction (redis_info).');
    });
    const listed = JSON.parse(turns[1].messages.at(-1)!.content!) as { tools: Array<{ name: string }> };
    const called = listed.tools.map((t) => t.name).find((n) => !turns[0].tools.includes(n))!;
    // list_tools itself is no activity; the tool reached through it ran, and is offered from then on.
    expect(toolNames.filter((n) => n === called).length).toBe(2);
    expect(toolNames).not.toContain(LIST_TOOLS);
    expect(turns[2].tools).toContain(called);
  });
});
