import type OpenAI from 'openai';
import { z } from 'zod';
import type { ModelSettings } from '../core/config';
import {
  NO_USAGE,
  TOPIC_CATEGORIES,
  type BaselineDigest,
  type ChatMessage,
  type Report,
  type TokenUsage,
  type TopicCategory,
  type TopicPlan,
  type TopicResult,
} from '../core/types';
import { summaryLine } from '../core/answer-summary';
import { addUsage } from '../core/usage';
import { digestText } from '../core/digest-text';
import { parseJsonReply } from '../core/json-reply';
import { digestBudgetFor } from '../core/model-fit';
import { modelTurn } from './model/turn';
import { plannerSystemPrompt, synthesisSystemPrompt } from '../core/prompts';
import { footprintLine, renderTriageReport, verdict } from './rules/report';

/** Deep triage steps that need a model: planning topics and writing the final report. */

const planSchema = z.object({
  topics: z
    .array(
      z.object({
        title: z.string().min(3).max(160),
        category: z.enum(TOPIC_CATEGORIES),
        severity: z.enum(['critical', 'warning', 'info']),
        rationale: z.string().min(3).max(1000),
        suggestedTools: z.array(z.string().max(64)).max(10).optional(),
      }),
    )
    .min(2, 'plan 2 to 6 topics')
    .max(6, 'plan 2 to 6 topics'),
});

const slug = (text: string, i: number) =>
  `t${i + 1}-${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 32)}`;

/** Topics derived from the rule findings: used offline and when the model's plan is unusable. */
export function topicsFromBaseline(digest: BaselineDigest): TopicPlan[] {
  const byCategory = new Map<TopicCategory, typeof digest.findings>();
  for (const f of digest.findings.filter((x) => x.severity !== 'info')) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f]);
  const topics: Omit<TopicPlan, 'id'>[] = [...byCategory.entries()].map(([category, findings]) => ({
    title: `${category}: ${findings[0].title}`,
    category,
    severity: findings.some((f) => f.severity === 'critical') ? 'critical' : 'warning',
    rationale: findings.map((f) => f.title).join('; '),
  }));
  for (const fallback of [
    {
      title: 'Memory and eviction health',
      category: 'memory' as const,
      severity: 'info' as const,
      rationale: 'standard check: memory headroom, eviction, fragmentation',
    },
    {
      title: 'Latency and slow commands',
      category: 'performance' as const,
      severity: 'info' as const,
      rationale: 'standard check: slow log, latency events, command cost',
    },
    {
      title: 'Clients and connections',
      category: 'connections' as const,
      severity: 'info' as const,
      rationale: 'standard check: connection usage, idle and blocked clients',
    },
  ]) {
    if (topics.length >= 2) break;
    if (!topics.some((t) => t.category === fallback.category)) topics.push(fallback);
  }
  return topics.slice(0, 6).map((t, i) => ({ ...t, id: slug(t.title, i) }));
}

export interface PlanResult {
  topics: TopicPlan[];
  via: 'model' | 'model-retry' | 'baseline';
  usage: TokenUsage;
  note?: string;
}

export async function planTopics(client: OpenAI, settings: ModelSettings, question: string, digest: BaselineDigest): Promise<PlanResult> {
  let usage = NO_USAGE;
  const messages: ChatMessage[] = [
    { role: 'system', content: plannerSystemPrompt() },
    { role: 'user', content: `Question: ${question}\n\nBaseline digest:\n${digestText(digest, { question, ...digestBudgetFor(settings.contextTokens) })}` },
  ];
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    // Six topics of JSON fit in about 400 tokens; a cap keeps a wandering small model from writing for minutes.
    const turn = await modelTurn(client, settings, { tier: 'main', json: true, tools: [], messages, maxTokens: 700 });
    usage = addUsage(usage, turn.usage);
    const reply = parseJsonReply(turn.message.content);
    if (reply) {
      const parsed = planSchema.safeParse(reply);
      if (parsed.success) {
        return { topics: parsed.data.topics.map((t, i) => ({ ...t, id: slug(t.title, i) })), via: attempt === 0 ? 'model' : 'model-retry', usage };
      }
      problem = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } else {
      problem = 'the reply had no JSON object';
    }
    messages.push(turn.message, { role: 'user', content: `That plan is invalid (${problem}). Reply again with valid JSON only.` });
  }
  return { topics: topicsFromBaseline(digest), via: 'baseline', usage, note: `model plan invalid twice (${problem}); topics derived from the baseline` };
}

export async function synthesizeReport(
  client: OpenAI,
  settings: ModelSettings,
  input: { question: string; digest: BaselineDigest; topics: TopicResult[]; target: string; notes?: string[] },
): Promise<{ report: Report; usage: TokenUsage }> {
  const notes = input.topics
    .map((t) => `### Topic: ${t.topic.title} (${t.topic.category}) — ${t.state}\n${t.state === 'failed' ? `Research failed: ${t.error}` : t.notes}`)
    .join('\n\n');
  const turn = await modelTurn(client, settings, {
    tier: 'main',
    tools: [],
    maxTokens: 4000,
    messages: [
      { role: 'system', content: synthesisSystemPrompt() },
      {
        role: 'user',
        content: `Instance: ${input.target}\nQuestion: ${input.question}\n\nBaseline digest:\n${digestText(input.digest, { question: input.question, ...digestBudgetFor(settings.contextTokens) })}\n\nResearch notes:\n${notes}`,
      },
    ],
  });
  const markdown = (turn.message.content ?? '').trim();
  // Topics add notes, not findings: theirs are the digest's own, filtered by category.
  const findings = input.digest.findings;
  return {
    report: {
      title: `Deep triage: ${input.target}`,
      mode: 'model',
      summary: markdown ? summaryLine(markdown) : verdict(findings),
      findings,
      markdown: withFootprint(
        appendRunNotes(appendFailedTopics(markdown || renderTriageReport(input.digest, input.target).markdown, input.topics), input.notes),
        input.digest,
      ),
    },
    usage: turn.usage,
  };
}

/** Failed topics are always stated, whatever the model wrote. */
function appendFailedTopics(markdown: string, topics: TopicResult[]): string {
  const failed = topics.filter((t) => t.state === 'failed');
  if (!failed.length) return markdown;
  return `${markdown}\n\n## Research topics that failed\n${failed.map((t) => `- ${t.topic.title}: ${t.error}`).join('\n')}`;
}

/** The investigation's footprint on the target, stated in every report (a model does not write it). */
function withFootprint(markdown: string, digest: BaselineDigest): string {
  const line = footprintLine(digest);
  return line && !markdown.includes('Investigation footprint') ? `${markdown}\n\n_${line}_` : markdown;
}

/** How the triage ran when it departed from the plan (e.g. topics derived from the baseline): always stated. */
function appendRunNotes(markdown: string, notes: string[] = []): string {
  return notes.length ? `${markdown}\n\n## How this triage ran\n${notes.map((n) => `- ${n}`).join('\n')}` : markdown;
}

/** Report without the synthesis model (it failed): the rule report plus each topic's notes. */
export function fallbackReport(digest: BaselineDigest, topics: TopicResult[], target: string, why: string, runNotes: string[] = []): Report {
  const base = renderTriageReport(digest, target);
  const notes = topics.map((t) => `### ${t.topic.title} (${t.state})\n${t.state === 'failed' ? `Research failed: ${t.error}` : t.notes}`).join('\n\n');
  return {
    ...base,
    mode: 'model',
    markdown: appendRunNotes(`${base.markdown}\n\n## Research notes\n_The synthesis step failed (${why}); notes are shown as written._\n\n${notes}`, runNotes),
  };
}
