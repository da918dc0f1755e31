import type OpenAI from 'openai';
import { z } from 'zod';
import type { ModelSettings } from '../core/config';
import { parseJsonReply } from '../core/json-reply';
import { createModelClient } from '../activities/model/client';
import { modelTurn } from '../activities/model/turn';
import type { Scenario } from './scenario';

/**
 * An optional second opinion on an answer: a model grades it against the scenario's expectations
 * with an all-elements rubric (every expected element present, no forbidden one), recorded beside
 * the regex result, never instead of it. The rubric is the scenario's own must_mention and
 * must_not_mention, so the judge is told what to look for and not what a good answer sounds like.
 */

export interface JudgeVerdict {
  verdict: 'pass' | 'fail' | 'error';
  /** Expected elements the judge did not find, and forbidden ones it did. */
  missing: string[];
  reason: string;
  model: string;
}

const verdictSchema = z.object({
  elements: z.array(z.object({ element: z.string(), present: z.boolean() })).default([]),
  forbidden_present: z.array(z.string()).default([]),
  reason: z.string().default(''),
});

export function rubricFor(scenario: Pick<Scenario, 'title' | 'query' | 'must_mention' | 'must_not_mention'>): string {
  const expected = scenario.must_mention.map((alts, i) => `${i + 1}. ${alts.join(' OR ')}`);
  const forbidden = scenario.must_not_mention.map((alts, i) => `${i + 1}. ${alts.join(' OR ')}`);
  return [
    `Incident: ${scenario.title}`,
    `Question asked: ${scenario.query}`,
    'Elements the answer must contain (each may be phrased differently; the alternatives are regular expressions):',
    ...(expected.length ? expected : ['(none)']),
    'Elements the answer must not contain:',
    ...(forbidden.length ? forbidden : ['(none)']),
  ].join('\n');
}

const JUDGE_PROMPT = [
  'You grade an SRE answer about a Redis incident against a rubric.',
  'For every expected element, decide whether the answer states it (same meaning counts; a bare keyword without the point does not).',
  'List forbidden elements the answer states.',
  'Reply with JSON only: {"elements":[{"element":"...","present":true}],"forbidden_present":["..."],"reason":"one sentence"}',
].join('\n');

/** A judge for one eval run: one model client for every answer it grades. */
export function createJudge(settings: ModelSettings): (scenario: Scenario, answer: string) => Promise<JudgeVerdict> {
  const client = createModelClient(settings);
  return (scenario, answer) => judgeAnswer(client, settings, scenario, answer);
}

async function judgeAnswer(client: OpenAI, settings: ModelSettings, scenario: Scenario, answer: string): Promise<JudgeVerdict> {
  try {
    const turn = await modelTurn(client, settings, {
      tier: 'main',
      json: true,
      tools: [],
      maxTokens: 800,
      messages: [
        { role: 'system', content: JUDGE_PROMPT },
        { role: 'user', content: `${rubricFor(scenario)}\n\nAnswer to grade:\n${answer}` },
      ],
    });
    const parsed = verdictSchema.safeParse(parseJsonReply(turn.message.content));
    if (!parsed.success) return { verdict: 'error', missing: [], reason: 'the judge reply had no usable JSON verdict', model: settings.main };
    const missing = [
      ...parsed.data.elements.filter((e) => !e.present).map((e) => `missing: ${e.element}`),
      ...parsed.data.forbidden_present.map((f) => `forbidden: ${f}`),
    ];
    // All elements: a rubric the judge answered only partly is not a pass.
    const complete = parsed.data.elements.length >= scenario.must_mention.length;
    return {
      verdict: missing.length === 0 && complete ? 'pass' : 'fail',
      missing: complete ? missing : [...missing, `judge graded ${parsed.data.elements.length} of ${scenario.must_mention.length} elements`],
      reason: parsed.data.reason,
      model: settings.main,
    };
  } catch (err) {
    return { verdict: 'error', missing: [], reason: (err as Error).message.split('\n')[0], model: settings.main };
  }
}
