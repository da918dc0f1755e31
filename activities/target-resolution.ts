import type OpenAI from 'openai';
import type { ModelSettings } from '../core/config';
import { parseJsonReply } from '../core/json-reply';
import { targetsSystemPrompt } from '../core/prompts';
import { mentionsTargets, modelTargetsSchema, resolveByWords, resolveFromModel, type RegisteredTarget, type TargetResolution } from '../core/target-resolution';
import { modelTurn } from './model/turn';

/** The registry a prompt may list: beyond this many instances the words decide (the prompt would not fit a small model). */
const MAX_PROMPT_INSTANCES = 200;

/**
 * The instances a question without one names. A hosted model reads the question when it says
 * anything target-like; its reply counts only if every name is registered. Otherwise, and with a
 * local model (most of a minute per call here, like routing), names and attributes in the words.
 */
export async function resolveTargets(
  question: string,
  registry: RegisteredTarget[],
  model?: { client: OpenAI; settings: ModelSettings },
): Promise<TargetResolution> {
  const byWords = resolveByWords(question, registry);
  if (
    !model ||
    model.settings.local ||
    registry.length === 0 ||
    registry.length > MAX_PROMPT_INSTANCES ||
    (byWords.kind === 'none' && !mentionsTargets(question))
  )
    return byWords;
  try {
    const turn = await modelTurn(model.client, model.settings, {
      tier: 'nano',
      json: true,
      tools: [],
      maxTokens: 300,
      // Like routing: back to the words well within the local activity's timeout.
      timeoutMs: 10_000,
      messages: [
        { role: 'system', content: targetsSystemPrompt(registry) },
        { role: 'user', content: question },
      ],
    });
    const parsed = modelTargetsSchema.safeParse(parseJsonReply(turn.message.content));
    const fromModel = parsed.success ? resolveFromModel(parsed.data.instances, registry) : undefined;
    // A name said outright is not unsaid by a model that answered [].
    if (!fromModel || (fromModel.kind === 'none' && byWords.kind !== 'none')) return byWords;
    return fromModel;
  } catch {
    return byWords;
  }
}
