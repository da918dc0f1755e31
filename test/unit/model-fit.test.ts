import { compactSpec, estimateTokens, fitPrompt } from '../../activities/model/budget';
import { toolCallsInText } from '../../activities/model/text-tool-calls';
import { jsonObjectsIn, parseJsonReply } from '../../core/json-reply';
import { digestBudgetFor, offeredToolsFor } from '../../core/model-fit';
import { listOtherTools, selectTools } from '../../core/tool-selection';
import type { ChatMessage, ToolRef, ToolSpec } from '../../core/types';

/** What lets a small or quirky OpenAI-compatible model work: fitting, selection, parsing what it sends back. */

const spec = (name: string, description: string): ToolSpec => ({
  name,
  description,
  capability: 'redis',
  retryClass: 'redis',
  needsInstance: true,
  access: 'read',
  parameters: {
    type: 'object',
    properties: { section: { type: 'string', description: 'The INFO section to read. Defaults to all. Examples: memory, stats.', default: 'all' } },
    additionalProperties: false,
  },
});

describe('prompt budget', () => {
  it('compact schemas keep names and types, and drop long descriptions, defaults and examples', () => {
    const long = spec('redis_info', `Runs INFO on the target. ${'It returns every field of the section, parsed. '.repeat(10)}`);
    const compact = compactSpec(long);
    expect(compact.name).toBe('redis_info');
    expect(compact.description.length).toBeLessThanOrEqual(141);
    expect(JSON.stringify(compact.parameters)).not.toMatch(/default|additionalProperties/);
    expect((compact.parameters as { properties: { section: { type: string } } }).properties.section.type).toBe('string');
    expect(estimateTokens(JSON.stringify(compact))).toBeLessThan(estimateTokens(JSON.stringify(long)));
  });

  it('fits a conversation to the context: older tool outputs go first, the newest and the question stay', () => {
    const big = 'x'.repeat(9000);
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are an SRE.' },
      { role: 'user', content: 'Why are writes failing?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'redis_info', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'a', content: big },
      { role: 'assistant', content: null, tool_calls: [{ id: 'b', type: 'function', function: { name: 'redis_slowlog', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'b', content: 'newest output' },
    ];
    const fitted = fitPrompt({ messages, tools: [spec('redis_info', 'INFO')], contextTokens: 2048, completionTokens: 500, compact: true });
    expect(fitted.tokens).toBeLessThanOrEqual(2048 - 500);
    expect(fitted.cuts).toContain('older output of call a dropped');
    expect(fitted.messages[3].content).toMatch(/older tool output dropped/);
    expect(fitted.messages[5].content).toBe('newest output');
    expect(fitted.messages[1].content).toBe('Why are writes failing?');
  });

  it('leaves a prompt that fits alone', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'hello' }];
    expect(fitPrompt({ messages, tools: [], contextTokens: 4096, completionTokens: 1000, compact: false })).toMatchObject({ cuts: [], messages });
  });

  it('a small context reads fewer findings and tools than a hosted one', () => {
    expect(digestBudgetFor(4096)).toMatchObject({ maxFindings: 4, maxVitals: 6, infoFixes: false });
    expect(digestBudgetFor(128_000).maxFindings).toBeGreaterThan(10);
    expect(digestBudgetFor(undefined)).toEqual(digestBudgetFor(128_000));
    expect(offeredToolsFor(4096)).toBe(4);
    expect(offeredToolsFor(128_000)).toBe(12);
  });
});

describe('tools offered by question', () => {
  const tools: ToolRef[] = [
    { name: 'redis_info', retryClass: 'redis', categories: ['memory', 'performance'], capability: 'redis' },
    { name: 'redis_slowlog', retryClass: 'redis', categories: ['performance'], capability: 'redis' },
    { name: 'redis_memory', retryClass: 'redis', categories: ['memory'], capability: 'redis' },
    { name: 'redis_client_list', retryClass: 'redis', categories: ['connections'], capability: 'redis', summary: 'CLIENT LIST, parsed' },
    { name: 'redis_replication', retryClass: 'redis', categories: ['replication'], capability: 'redis' },
    { name: 'knowledge_search', retryClass: 'knowledge', capability: 'knowledge' },
    { name: 'knowledge_get_document', retryClass: 'knowledge', capability: 'knowledge' },
  ];

  it('offers the tools of the question first, and lists the rest', () => {
    const slow = selectTools(tools, { question: 'Why is it slow?' }, 3);
    // slow → performance, keyspace, memory, … : the memory tool outranks a runbook search.
    expect(slow.offered).toEqual(['redis_info', 'redis_slowlog', 'redis_memory']);
    expect(slow.others).toEqual(expect.arrayContaining(['redis_client_list', 'redis_replication']));
    const clients = selectTools(tools, { question: 'Too many clients connected' }, 2);
    expect(clients.offered).toEqual(['redis_info', 'redis_client_list']);
    // A category filter keeps that category's tools and the ones for any question (runbooks).
    const names = (xs: Array<{ name: string }>) => xs.map((x) => x.name);
    expect(names(listOtherTools(tools, clients.others, 'connections'))).toEqual(['knowledge_search', 'knowledge_get_document']);
    expect(listOtherTools(tools, slow.others, 'connections')).toContainEqual({ name: 'redis_client_list', about: 'CLIENT LIST, parsed' });
    expect(names(listOtherTools(tools, slow.others, 'connections'))).not.toContain('redis_replication');
  });

  it('a research topic offers its suggested tools before anything else', () => {
    expect(selectTools(tools, { question: 'x', categories: ['replication'], suggested: ['redis_memory'] }, 2).offered).toEqual(['redis_memory', 'redis_info']);
  });
});

describe('what servers send back', () => {
  const offered = new Set(['redis_info', 'redis_slowlog']);

  it("reads Qwen's <tool_call> tags and a reply that is only (fenced) JSON as tool calls", () => {
    expect(toolCallsInText('<tool_call>\n{"name": "redis_info", "arguments": {"section": "memory"}}\n</tool_call>', offered)).toEqual([
      { name: 'redis_info', arguments: '{"section":"memory"}' },
    ]);
    expect(toolCallsInText('```json\n[{"name":"redis_slowlog","parameters":{}},{"name":"redis_info"}]\n```', offered)).toEqual([
      { name: 'redis_slowlog', arguments: '{}' },
      { name: 'redis_info', arguments: '{}' },
    ]);
  });

  it('leaves prose with JSON in it, and tools that were not offered, as the answer', () => {
    expect(toolCallsInText('The INFO shows {"name": "redis_info"} was called.', offered)).toEqual([]);
    expect(toolCallsInText('{"name": "flushall", "arguments": {}}', offered)).toEqual([]);
  });

  it('finds the JSON plan in a reply without JSON mode: fenced, after prose, or bare', () => {
    expect(parseJsonReply('Sure! Here is the plan:\n```json\n{"topics": [{"title": "Memory"}]}\n```')).toEqual({ topics: [{ title: 'Memory' }] });
    expect(parseJsonReply('{"agent": "chat", "reason": "instance question"}')).toEqual({ agent: 'chat', reason: 'instance question' });
    expect(parseJsonReply('No JSON here.')).toBeUndefined();
    expect(parseJsonReply(null)).toBeUndefined();
    expect(jsonObjectsIn('a {"x": 1} b {"y": {"z": 2}}')).toEqual([{ x: 1 }, { y: { z: 2 } }]);
  });
});
