import type { ChatMessage, ToolSpec } from '../../core/types';

/**
 * Fits a prompt into the model's context (SRE_MODEL_CONTEXT_TOKENS): a 1.5B local model has 4,096
 * tokens, and a request over it fails outright. Measured in estimated tokens; when over, the cuts
 * go from what matters least: schema prose, old tool outputs, long tool outputs, old conversation,
 * and only last the middle of the longest remaining message. The system prompt and the question
 * stay whole.
 */

/**
 * Tokens a text costs, over-estimated on purpose: Qwen's and OpenAI's tokenizers average about 4
 * characters a token on English and about 3 on JSON and numbers; 3 keeps the estimate above the
 * real count for what a diagnosis sends (measured against llama.cpp's prompt_tokens in
 * test/model/).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

/** Per message, the chat template's role markers (<|im_start|>role\n … <|im_end|>\n). */
const MESSAGE_OVERHEAD = 6;
/** The template's tool preamble ("# Tools … <tools></tools> … <tool_call>" instructions). */
const TOOLS_OVERHEAD = 120;

const messageTokens = (m: ChatMessage) =>
  MESSAGE_OVERHEAD + estimateTokens((m.content ?? '') + (m.role === 'assistant' && m.tool_calls ? JSON.stringify(m.tool_calls) : ''));
const toolTokens = (tools: ToolSpec[]) => (tools.length ? TOOLS_OVERHEAD + estimateTokens(JSON.stringify(tools.map(wireShape))) : 0);

/** What the server receives of a tool (the rest of ToolSpec is ours). */
export function wireShape(t: ToolSpec) {
  return { type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } };
}

/** The first sentence of a description, at most `max` characters. */
export const firstSentence = (text: string, max: number) => {
  const sentence = /^[\s\S]*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
};

/** A schema without its prose: the first sentence of the description, argument descriptions cut short. */
export function compactSpec(spec: ToolSpec): ToolSpec {
  const strip = (schema: unknown): unknown => {
    if (Array.isArray(schema)) return schema.map(strip);
    if (!schema || typeof schema !== 'object') return schema;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$schema' || k === 'additionalProperties' || k === 'examples' || k === 'default') continue;
      out[k] = k === 'description' && typeof v === 'string' ? firstSentence(v, 60) : strip(v);
    }
    return out;
  };
  return { ...spec, description: firstSentence(spec.description, 140), parameters: strip(spec.parameters) as Record<string, unknown> };
}

export interface FittedPrompt {
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** Estimated prompt tokens after fitting. */
  tokens: number;
  /** What was cut, for logs. */
  cuts: string[];
}

const ELIDED = JSON.stringify({ elided: 'older tool output dropped to fit the model context; call the tool again if you still need it' });

function cutMiddle(text: string, keepChars: number): string {
  if (text.length <= keepChars) return text;
  const head = Math.ceil(keepChars * 0.7);
  return `${text.slice(0, head)}\n…[${text.length - keepChars} characters cut to fit the model context]…\n${text.slice(text.length - (keepChars - head))}`;
}

export function fitPrompt(input: {
  messages: ChatMessage[];
  tools: ToolSpec[];
  contextTokens: number;
  completionTokens: number;
  compact: boolean;
}): FittedPrompt {
  const budget = input.contextTokens - input.completionTokens;
  const cuts: string[] = [];
  let tools = input.compact ? input.tools.map(compactSpec) : input.tools;
  const messages = [...input.messages];
  const total = () => toolTokens(tools) + messages.reduce((n, m) => n + messageTokens(m), 0);
  if (total() <= budget) return { messages, tools, tokens: total(), cuts };

  if (!input.compact) {
    tools = tools.map(compactSpec);
    cuts.push('tool descriptions shortened');
  }
  // The newest tool outputs are what the model is answering from; older ones go first.
  const lastAssistant = messages.map((m) => m.role).lastIndexOf('assistant');
  for (let i = 0; i < messages.length && total() > budget; i++) {
    const m = messages[i];
    if (m.role === 'tool' && i < lastAssistant && m.content !== ELIDED) {
      messages[i] = { ...m, content: ELIDED };
      cuts.push(`older output of call ${m.tool_call_id ?? i} dropped`);
    }
  }
  // Then every tool output gets an equal share of what is left.
  const toolIdx = messages.flatMap((m, i) => (m.role === 'tool' && m.content !== ELIDED ? [i] : []));
  if (total() > budget && toolIdx.length) {
    const others = total() - toolIdx.reduce((n, i) => n + messageTokens(messages[i]), 0);
    const share = Math.max(100, Math.floor((budget - others) / toolIdx.length));
    for (const i of toolIdx) {
      const m = messages[i] as Extract<ChatMessage, { role: 'tool' }>;
      if (messageTokens(m) > share) {
        messages[i] = { ...m, content: cutMiddle(m.content, (share - MESSAGE_OVERHEAD) * 3) };
        cuts.push(`output of call ${m.tool_call_id ?? i} shortened`);
      }
    }
  }
  // Earlier conversation (between the system prompt and the current question) goes next.
  const question = messages.map((m) => m.role).lastIndexOf('user');
  while (total() > budget) {
    const i = messages.findIndex((m, j) => j > 0 && j < question && m.role !== 'system');
    if (i < 0 || i >= messages.map((m) => m.role).lastIndexOf('user')) break;
    messages.splice(i, 1);
    cuts.push('an earlier message of the conversation dropped');
  }
  // Last resort: the middle of the longest message that is not the system prompt.
  if (total() > budget) {
    let longest = -1;
    messages.forEach((m, i) => {
      if (m.role !== 'system' && (longest < 0 || messageTokens(m) > messageTokens(messages[longest]))) longest = i;
    });
    if (longest >= 0) {
      const m = messages[longest];
      const keep = Math.max(200, (messageTokens(m) - (total() - budget)) * 3);
      messages[longest] = { ...m, content: cutMiddle(m.content ?? '', keep) } as ChatMessage;
      cuts.push(`the ${m.role} message shortened`);
    }
  }
  return { messages, tools, tokens: total(), cuts };
}
