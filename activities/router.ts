import type OpenAI from 'openai';
import { z } from 'zod';
import type { ModelSettings } from '../core/config';
import type { AgentChoice, AgentKind, AnswerMode, RouteDecision } from '../core/types';
import { parseJsonReply } from '../core/json-reply';
import { routerSystemPrompt } from '../core/prompts';
import { modelTurn } from './model/turn';

/** Routing: explicit choice wins; no instance means knowledge; deep phrases mean triage; else chat. */

const DEEP_PHRASES =
  /\b(deep[- ]?(triage|dive|research|investigation|analysis)|go deep|full (health[- ]?)?check|full (diagnos\w+|investigation|review)|comprehensive (check|review|diagnos\w+|health)|audit)\b/i;

export interface RouteRequest {
  message: string;
  hasInstance: boolean;
  agent: AgentChoice;
}

export function routeByRules(req: RouteRequest): Omit<RouteDecision, 'mode'> {
  if (req.agent !== 'auto') return { agent: req.agent, via: 'explicit', reason: `agent '${req.agent}' was requested` };
  if (!req.hasInstance) return { agent: 'knowledge', via: 'rules', reason: 'no instance attached: answering from the knowledge base' };
  const deep = DEEP_PHRASES.exec(req.message);
  if (deep) return { agent: 'triage', via: 'rules', reason: `deep investigation requested ("${deep[0]}")` };
  return { agent: 'chat', via: 'rules', reason: 'question about an attached instance' };
}

const modelRoute = z.object({ agent: z.enum(['chat', 'triage', 'knowledge']), reason: z.string().max(500).optional() });

/** Nano model when configured; anything malformed falls back to the rules. */
export async function route(
  req: RouteRequest,
  mode: AnswerMode,
  model?: { client: OpenAI; settings: ModelSettings },
): Promise<RouteDecision & { usage?: import('../core/types').TokenUsage }> {
  const rules = routeByRules(req);
  if (rules.via === 'explicit' || !req.hasInstance || mode === 'offline' || !model) return { ...rules, mode };
  // A local model needs most of a minute per call on two cores, and the rules route as well as it.
  if (model.settings.local) return { ...rules, mode };
  try {
    const turn = await modelTurn(model.client, model.settings, {
      tier: 'nano',
      json: true,
      tools: [],
      maxTokens: 200,
      // Routing must fall back to the rules well within its local activity's timeout.
      timeoutMs: 10_000,
      messages: [
        { role: 'system', content: routerSystemPrompt() },
        { role: 'user', content: req.message },
      ],
    });
    const parsed = modelRoute.safeParse(parseJsonReply(turn.message.content));
    if (!parsed.success) return { ...rules, mode, reason: `${rules.reason} (model reply was not a valid route)`, usage: turn.usage };
    const agent: AgentKind = parsed.data.agent;
    return { agent, via: 'model', reason: parsed.data.reason ?? `model chose ${agent}`, mode, usage: turn.usage };
  } catch (err) {
    return { ...rules, mode, reason: `${rules.reason} (model routing failed: ${(err as Error).message.slice(0, 120)})` };
  }
}
