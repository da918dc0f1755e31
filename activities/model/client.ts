import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import type { ModelSettings } from '../../core/config';
import type { ModelTier } from '../../core/types';

/** Node's fetch gives up on a response whose headers take over 300 s; a local model's answer can. */
const FETCH_DEFAULT_TIMEOUT_MS = 300_000;

/**
 * One OpenAI-compatible client (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio…) for all tiers.
 * maxRetries is 0 because Temporal owns retries: a retried activity is visible in history.
 */
export function createModelClient(settings: ModelSettings): OpenAI {
  return new OpenAI({
    apiKey: settings.apiKey ?? 'not-needed',
    baseURL: settings.baseURL,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    ...(settings.timeoutMs > FETCH_DEFAULT_TIMEOUT_MS ? { fetch: patientFetch(settings.timeoutMs) } : {}),
  });
}

/**
 * A non-streaming completion sends its headers only when the whole answer is ready, so a slow
 * model (1.5B on two cores: 11 tokens/s) needs the connection to wait as long as the SDK does.
 */
function patientFetch(timeoutMs: number): typeof fetch {
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof fetch;
}

export function modelFor(settings: ModelSettings, tier: ModelTier): string {
  return settings[tier];
}
