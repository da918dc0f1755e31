import { NO_USAGE, type ChatMessage, type ModelTier, type TokenUsage } from '../core/types';
import { addUsage } from '../core/usage';
import { utf8Bytes } from '../core/utf8';
import { model } from './proxies';
import { runModelToolCalls, type ToolCallContext } from './tool-calls';

/**
 * The tool-calling loop every model-driven agent runs: ask the model, run the tools it asks for
 * (in parallel), hand back the results, until it answers. Caps on turns and on tool calls keep a
 * confused model from looping forever; at the cap a final call answers with what was found.
 */
export interface LoopOptions {
  ctx: ToolCallContext;
  tier: ModelTier;
  messages: ChatMessage[];
  maxTurns: number;
  /** Maximum tool calls over the whole loop (research topics have a budget). */
  maxToolCalls?: number;
}

export interface LoopResult {
  answer: string;
  usage: TokenUsage;
  toolCalls: number;
  capped: boolean;
}

/** Every model turn carries the whole conversation through history; past this many UTF-8 bytes of JSON, old tool outputs go. */
const CONVERSATION_BUDGET_BYTES = 200_000;
const ELIDED = JSON.stringify({ elided: 'older tool output dropped to keep the conversation small; call the tool again if you still need it' });

const jsonBytes = (value: unknown) => utf8Bytes(JSON.stringify(value));

/**
 * Replaces the oldest tool outputs until the conversation's JSON fits the budget, measured in
 * UTF-8 bytes throughout (what the payload costs), deterministic: safe in workflows.
 */
export function fitConversation(messages: ChatMessage[], budget = CONVERSATION_BUDGET_BYTES): ChatMessage[] {
  let size = jsonBytes(messages);
  const out = [...messages];
  for (let i = 0; i < out.length && size > budget; i++) {
    const m = out[i];
    if (m.role !== 'tool' || m.content === ELIDED) continue;
    const elided = { ...m, content: ELIDED };
    size -= jsonBytes(m) - jsonBytes(elided);
    out[i] = elided;
  }
  return out;
}

export async function runToolLoop(options: LoopOptions): Promise<LoopResult> {
  const { ctx } = options;
  const messages = [...options.messages];
  const toolNames = ctx.tools.map((t) => t.name);
  let usage = NO_USAGE;
  // The budget counts every call the model asks for; the result counts the ones that ran.
  let asked = 0;
  const ranBefore = ctx.status.toolCallsRan();
  const ran = () => ctx.status.toolCallsRan() - ranBefore;
  const budget = options.maxToolCalls ?? Number.POSITIVE_INFINITY;
  for (let turn = 0; turn < options.maxTurns; turn++) {
    const reply = await model.modelTurn({ tier: options.tier, messages: fitConversation(messages), tools: toolNames });
    usage = addUsage(usage, reply.usage);
    ctx.status.addUsage(reply.usage);
    messages.push(reply.message);
    const calls = reply.message.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.message.content ?? '', usage, toolCalls: ran(), capped: false };
    const allowed = calls.slice(0, Math.max(0, budget - asked));
    const refused = calls.slice(allowed.length).map((c): ChatMessage => ({
      role: 'tool',
      tool_call_id: c.id,
      content: JSON.stringify({ error: 'tool-call budget exhausted; answer with what you have' }),
    }));
    asked += allowed.length;
    messages.push(...(await runModelToolCalls(ctx, allowed)), ...refused);
    if (asked >= budget) break;
  }
  messages.push({ role: 'user', content: 'You have reached the limit of tool calls. Answer now with what you found, and say what remains unverified.' });
  const final = await model.modelTurn({ tier: options.tier, messages: fitConversation(messages), tools: [] });
  usage = addUsage(usage, final.usage);
  ctx.status.addUsage(final.usage);
  return { answer: final.message.content ?? '', usage, toolCalls: ran(), capped: true };
}
