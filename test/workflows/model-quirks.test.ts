import { raw, say, toolResults } from '../support/scripted-model';
import { startModelWorld, type ModelWorld } from '../support/model-world';

/**
 * What real OpenAI-compatible servers do (llama.cpp, Ollama, vLLM), on the real path: tool calls
 * with `content: null` and no ids or type, no usage block, and a tool call handed back as fenced
 * JSON text. The task must still run the tools, answer each call by an id, and count what it can.
 */
describe('model mode accepts what real OpenAI-compatible servers send', () => {
  let world: ModelWorld;
  beforeAll(async () => {
    world = await startModelWorld();
  });
  afterAll(async () => world.stop());

  it('tool calls without ids or usage, and a tool call written as fenced JSON, run as tools', async () => {
    world.model.setScript((_req, i) => {
      if (i === 0)
        return raw({
          object: 'chat.completion',
          model: 'quirky',
          choices: [
            { index: 0, message: { role: 'assistant', content: null, tool_calls: [{ function: { name: 'redis_info', arguments: '{"section":"memory"}' } }] } },
          ],
        });
      if (i === 1) return say('```json\n{"name": "redis_slowlog", "arguments": {"count": 5}}\n```');
      return raw({
        object: 'chat.completion',
        model: 'quirky',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'maxmemory_policy is noeviction; the slow log holds nothing worth naming.' },
            finish_reason: 'stop',
          },
        ],
      });
    });
    const view = await world.agent.run({ message: 'Anything slow?', instance_id: world.instanceId, agent: 'chat' });
    expect(view.status).toBe('done');
    expect(view.mode).toBe('model');
    expect(view.result?.answer).toMatch(/^maxmemory_policy is noeviction/);

    // Both calls ran after the baseline, the second one parsed from the text.
    const calls = view.tool_calls.map((c) => c.tool);
    expect(calls.slice(-2)).toEqual(['redis_info', 'redis_slowlog']);
    expect(view.tool_calls.every((c) => c.ok)).toBe(true);

    // Each tool result answers the call by an id, generated where the server sent none.
    const requests = world.model.chatRequests().map((r) => r.body);
    const second = requests[1].messages;
    const askedId = second.find((m) => m.role === 'assistant')?.tool_calls?.[0].id;
    expect(askedId).toMatch(/^call_/);
    expect(toolResults(requests[1])[0]).toMatchObject({ tool_call_id: askedId });
    expect(
      toolResults(requests[2])
        .map((r) => r.content)
        .join(' '),
    ).toContain('thresholdUs');

    // Three model calls counted, tokens only where the server reported them.
    expect(view.result?.usage.calls).toBe(3);
    expect(view.result?.usage.promptTokens).toBeGreaterThan(0);
  });
});

describe('the grounding check on the real path, with a scripted model that invents', () => {
  let world: ModelWorld;
  beforeAll(async () => {
    world = await startModelWorld();
    await world.redis.client().config('SET', 'maxmemory-policy', 'allkeys-lru');
  });
  afterAll(async () => world.stop());

  it('marks an invented field, a tool that does not exist and a no-op CONFIG SET in the stored answer, and counts them in the task view', async () => {
    world.model.setScript(() =>
      say(
        [
          'The INFO excerpt shows "write_latency_ms": 20.',
          'redis_acl_users shows no locked users.',
          'maxmemory_policy is allkeys-lru.',
          'Run `CONFIG SET maxmemory-policy allkeys-lru` to fix it.',
        ].join('\n'),
      ),
    );
    const view = await world.agent.run({ message: 'Why are writes slow?', instance_id: world.instanceId, agent: 'chat' });
    expect(view.status).toBe('done');
    expect(view.mode).toBe('model');
    const answer = view.result!.answer;
    const grounding = view.grounding!;
    const flagged = grounding.flags.map((f) => f.claim).join('\n');
    expect(flagged).toMatch(/write_latency_ms/);
    expect(flagged).toMatch(/redis_acl_users/);
    expect(flagged).toMatch(/CONFIG SET maxmemory-policy allkeys-lru/i);
    // The true value is supported, and the count is what the stored answer marks.
    expect(grounding.supported).toBeGreaterThan(0);
    expect(grounding.unsupported).toBe(grounding.flags.length);
    expect((answer.match(/⚠️ _\(/g) ?? []).length).toBe(grounding.unsupported);
    expect(answer).toMatch(/\*\*Grounding check:\*\*/);
    const thread = await world.agent.services.stores.threads.get(view.thread_id);
    expect(thread.messages.at(-1)?.content).toBe(answer);
  });
});
