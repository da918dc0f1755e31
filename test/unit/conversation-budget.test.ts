import { fitConversation } from '../../workflows/agent-loop';
import type { ChatMessage } from '../../core/types';

/** The conversation budget is in UTF-8 bytes of JSON, the unit payload limits are in. */
describe('conversation budget', () => {
  const bytes = (messages: ChatMessage[]) => Buffer.byteLength(JSON.stringify(messages), 'utf8');
  const conversation = (toolText: string, n: number): ChatMessage[] => [
    { role: 'system', content: 'You are an SRE agent.' },
    { role: 'user', content: 'Why is it slow?' },
    ...Array.from({ length: n }, (_, i): ChatMessage[] => [
      { role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'redis_info', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: `c${i}`, content: toolText },
    ]).flat(),
  ];

  it('fits multi-byte tool output under the byte budget (UTF-16 counting would let it overflow)', () => {
    // Each "é" is 2 UTF-8 bytes, each emoji 4, but 1 and 2 UTF-16 units.
    const messages = conversation('é🔥'.repeat(2_000), 10);
    const budget = 40_000;
    expect(JSON.stringify(messages).length).toBeLessThan(bytes(messages));
    const fitted = fitConversation(messages, budget);
    expect(bytes(fitted)).toBeLessThanOrEqual(budget);
    // Only the oldest outputs go, and only as many as needed: the newest one is kept.
    expect((fitted.at(-1) as { content: string }).content).toBe('é🔥'.repeat(2_000));
  });

  it('drops nothing when the conversation already fits, and the estimate never drifts from the real size', () => {
    const messages = conversation('plain ascii output '.repeat(50), 5);
    expect(fitConversation(messages, bytes(messages))).toEqual(messages);
    const tight = fitConversation(messages, bytes(messages) - 1);
    expect(tight.filter((m) => m.role === 'tool' && m.content.includes('elided'))).toHaveLength(1);
  });
});
