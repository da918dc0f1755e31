import { LIST_TOOLS, listOtherTools, selectTools } from '../core/tool-selection';
import { NO_USAGE, type ChatMessage, type ModelToolCall, type ModelTier, type TokenUsage, type TopicCategory } from '../core/types';
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
  /** What the tools are for: the model is offered the ones this needs (core/tool-selection.ts), the rest by list_tools. */
  need: { question: string; categories?: TopicCategory[]; suggested?: string[] };
  /** How many tools are offered with their schemas. */
  maxOffered: number;
}

export interface LoopResult {
  answer: string;
  usage: TokenUsage;
  toolCalls: number;
  /** Tool calls the model asked for (list_tools included), whether or not they ran. */
  toolCallsAsked: number;
  capped: boolean;
  /** The whole conversation, the answer last: for asking once more. */
  messages: ChatMessage[];
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

function listToolsReply(call: ModelToolCall, tools: ToolCallContext['tools'], offered: string[]): ChatMessage {
  let category: string | undefined;
  try {
    category = (JSON.parse(call.function.arguments || '{}') as { category?: string }).category;
  } catch {
    category = undefined;
  }
  const others = tools.map((t) => t.name).filter((n) => !offered.includes(n));
  return { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ tools: listOtherTools(tools, others, category), how: 'call any of them by name' }) };
}

export async function runToolLoop(options: LoopOptions): Promise<LoopResult> {
  const { ctx } = options;
  const messages = [...options.messages];
  const selection = selectTools(ctx.tools, options.need, options.maxOffered);
  // A tool the model reached through list_tools is offered with its schema from then on.
  const offered = [...selection.offered];
  const offer = () => (offered.length < ctx.tools.length ? [...offered, LIST_TOOLS] : offered);
  let usage = NO_USAGE;
  // The budget counts every call the model asks for; the result counts the ones that ran.
  let asked = 0;
  let askedAll = 0;
  const ranBefore = ctx.status.toolCallsRan();
  const ran = () => ctx.status.toolCallsRan() - ranBefore;
  const budget = options.maxToolCalls ?? Number.POSITIVE_INFINITY;
  for (let turn = 0; turn < options.maxTurns; turn++) {
    const reply = await model.modelTurn({ tier: options.tier, messages: fitConversation(messages), tools: offer() });
    usage = addUsage(usage, reply.usage);
    ctx.status.addUsage(reply.usage);
    messages.push(reply.message);
    const calls = reply.message.tool_calls ?? [];
    if (calls.length === 0) return { answer: reply.message.content ?? '', usage, toolCalls: ran(), toolCallsAsked: askedAll, capped: false, messages };
    askedAll += calls.length;
    // list_tools is answered here: it reads nothing and costs nothing.
    const listing = calls.filter((c) => c.function.name === LIST_TOOLS).map((c) => listToolsReply(c, ctx.tools, offered));
    const real = calls.filter((c) => c.function.name !== LIST_TOOLS);
    const allowed = real.slice(0, Math.max(0, budget - asked));
    const refused = real.slice(allowed.length).map((c): ChatMessage => ({
      role: 'tool',
      tool_call_id: c.id,
      content: JSON.stringify({ error: 'tool-call budget exhausted; answer with what you have' }),
    }));
    asked += allowed.length;
    for (const c of allowed) if (!offered.includes(c.function.name) && ctx.tools.some((t) => t.name === c.function.name)) offered.push(c.function.name);
    messages.push(...listing, ...(await runModelToolCalls(ctx, allowed)), ...refused);
    if (asked >= budget) break;
  }
  messages.push({ role: 'user', content: 'You have reached the limit of tool calls. Answer now with what you found, and say what remains unverified.' });
  const final = await model.modelTurn({ tier: options.tier, messages: fitConversation(messages), tools: [] });
  usage = addUsage(usage, final.usage);
  ctx.status.addUsage(final.usage);
  messages.push(final.message);
  return { answer: final.message.content ?? '', usage, toolCalls: ran(), toolCallsAsked: askedAll, capped: true, messages };
}
