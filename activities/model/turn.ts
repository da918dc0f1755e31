import type OpenAI from 'openai';
import type { ModelSettings } from '../../core/config';
import { NO_USAGE, type ChatMessage, type ModelTier, type TokenUsage, type ToolSpec } from '../../core/types';
import { modelFor } from './client';
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
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await client.chat.completions.create(
      {
        model,
        messages: input.messages as OpenAI.Chat.Completions.ChatCompletionMessageParam[],
        ...(input.tools.length
          ? {
              tools: input.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })),
              tool_choice: 'auto' as const,
              parallel_tool_calls: true,
            }
          : {}),
        ...(input.json ? { response_format: { type: 'json_object' as const } } : {}),
        ...(input.maxTokens ? { max_tokens: input.maxTokens } : {}),
      },
      input.timeoutMs ? { timeout: input.timeoutMs } : undefined,
    );
  } catch (err) {
    throw toModelFailure(err, endpointOf(client.baseURL));
  }
  const choice = completion.choices?.[0];
  if (!choice?.message) throw toModelFailure(new Error('the response had no choices'), endpointOf(client.baseURL));
  const toolCalls = (choice.message.tool_calls ?? [])
    .filter((c): c is OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall => c.type === 'function')
    .map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments ?? '' } }));
  const usage = completion.usage
    ? {
        promptTokens: completion.usage.prompt_tokens,
        completionTokens: completion.usage.completion_tokens,
        totalTokens: completion.usage.total_tokens,
        calls: 1,
      }
    : { ...NO_USAGE, calls: 1 };
  return {
    message: { role: 'assistant', content: choice.message.content ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
    usage,
    finishReason: choice.finish_reason ?? 'stop',
    model: completion.model ?? model,
  };
}
