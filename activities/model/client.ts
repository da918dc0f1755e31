import OpenAI from 'openai';
import type { ModelSettings } from '../../core/config';
import type { ModelTier } from '../../core/types';

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
  });
}

export function modelFor(settings: ModelSettings, tier: ModelTier): string {
  return settings[tier];
}
