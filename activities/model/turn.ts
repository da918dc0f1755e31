import { performance } from 'node:perf_hooks';
import type OpenAI from 'openai';
import { recordModelCall } from '../../core/agent-metrics';
import type { ModelSettings } from '../../core/config';
import { NO_USAGE, type ChatMessage, type ModelTier, type TokenUsage, type ToolSpec } from '../../core/types';
import { fitPrompt, wireShape } from './budget';
import { modelFor } from './client';
import { toolCallsInText } from './text-tool-calls';
import { toModelFailure } from './failures';

export interface ModelTurnInput {
  tier: ModelTier;
  messages: ChatMessage[];
  /** Tools offered this turn; empty means the model must answer in text. */
  tools: ToolSpec[];
  /** Ask for a JSON object (planner). */
  json?: boolean;
  maxTokens?: number;
  /** A shorter deadline than the client's, e.g. for routing, which must fall back quickly. */
  timeoutMs?: number;
}

export interface ModelTurnResult {
  message: Extract<ChatMessage, { role: 'assistant' }>;
  usage: TokenUsage;
  finishReason: string;
  model: string;
  /** What had to be cut to fit the context (SRE_MODEL_CONTEXT_TOKENS), when anything was. */
  fitted?: { estimatedTokens: number; cuts: string[] };
}

/** What a reply may spend: the caller's cap, never more than 30 % of a small context. */
function completionBudget(settings: ModelSettings, asked?: number): number {
  return Math.min(asked ?? 4096, Math.floor(settings.contextTokens * 0.3));
}

/** The endpoint without any credentials a base URL may carry: error messages reach history and threads. */
function endpointOf(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.origin}${url.pathname.replace(/\/$/, '')}`;
  } catch {
    return '<model endpoint>';
  }
}

/** One Chat Completions call, returned in the workflow's message format. */
export async function modelTurn(client: OpenAI, settings: ModelSettings, input: ModelTurnInput): Promise<ModelTurnResult> {
  const model = modelFor(settings, input.tier);
  const maxTokens = completionBudget(settings, input.maxTokens);
  const fitted = fitPrompt({
    messages: input.messages,
    tools: input.tools,
    contextTokens: settings.contextTokens,
    completionTokens: maxTokens,
    compact: settings.local,
  });
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    completion = await client.chat.completions.create(
      {
        model,
        messages: fitted.messages as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
        ...(fitted.tools.length
          ? {
              tools: fitted.tools.map((t) => wireShape(t) as OpenAI.Chat.Completions.ChatCompletionTool),
              tool_choice: 'auto' as const,
              parallel_tool_calls: true,
            }
          : {}),
        ...(input.json && settings.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
        ...(input.maxTokens || settings.local ? { max_tokens: maxTokens } : {}),
        // A small local model wanders at the server's default temperature; greedy decoding keeps runs comparable.
        ...(settings.local ? { temperature: 0 } : {}),
      },
      input.timeoutMs ? { timeout: input.timeoutMs } : undefined,
    );
  } catch (err) {
    recordModelCall(input.tier, 'error', seconds());
    throw toModelFailure(err, endpointOf(client.baseURL));
  }
  const choice = completion.choices?.[0];
  if (!choice?.message) {
    recordModelCall(input.tier, 'error', seconds());
    throw toModelFailure(new Error('the response had no choices'), endpointOf(client.baseURL));
  }
  recordModelCall(
    input.tier,
    'ok',
    seconds(),
    completion.usage ? { prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens } : undefined,
  );
  // Some servers leave out tool-call ids (or the type); a reply to a call needs one.
  const turnId = Math.random().toString(36).slice(2, 10);
  let toolCalls = (choice.message.tool_calls ?? [])
    .filter((c) => !c.type || c.type === 'function')
    .map((c, i) => {
      const call = c as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
      return {
        id: call.id || `call_${turnId}_${i}`,
        type: 'function' as const,
        function: { name: call.function.name, arguments: call.function.arguments ?? '' },
      };
    });
  let content = choice.message.content ?? null;
  // Servers without tool-call parsing hand the call back as text: take it when it is nothing else.
  if (toolCalls.length === 0 && content && input.tools.length) {
    const parsed = toolCallsInText(content, new Set(input.tools.map((t) => t.name)));
    if (parsed.length) {
      toolCalls = parsed.map((c, i) => ({ id: `call_${turnId}_${i}`, type: 'function' as const, function: c }));
      content = null;
    }
  }
  const usage = completion.usage
    ? {
        promptTokens: completion.usage.prompt_tokens,
        completionTokens: completion.usage.completion_tokens,
        totalTokens: completion.usage.total_tokens,
        calls: 1,
      }
    : { ...NO_USAGE, calls: 1 };
  return {
    message: { role: 'assistant', content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
    usage,
    finishReason: choice.finish_reason ?? 'stop',
    model: completion.model ?? model,
    ...(fitted.cuts.length ? { fitted: { estimatedTokens: fitted.tokens, cuts: fitted.cuts } } : {}),
  };
}
