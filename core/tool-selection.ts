import { symptomCategories, symptomsOf } from './symptoms';
import type { ToolRef, TopicCategory } from './types';

/**
 * Which tools a model is offered with their schemas: the ones its question or research topic
 * needs, not all 27. A small local model cannot read every schema in a 4k context (the first
 * prompt of issue 13 was 3,258 tokens, almost all schemas) and a hosted one reads faster without
 * them. The rest stay reachable: list_tools names them, and any tool of the agent may be called by
 * name. Pure and deterministic: workflows call it.
 */

/** The meta tool a model calls to see the tools it was not offered. Handled by the agent loop, never an activity. */
export const LIST_TOOLS = 'list_tools';

export const LIST_TOOLS_SPEC = {
  name: LIST_TOOLS,
  description: 'Lists the other tools you can call by name (not shown above), with what each returns.',
  parameters: {
    type: 'object',
    properties: { category: { type: 'string', description: 'Only tools for this category, e.g. memory, performance, connections, replication' } },
    additionalProperties: false,
  },
};

/** When the question names no symptom, what a general "how is it doing" needs. */
const DEFAULT_CATEGORIES: TopicCategory[] = ['memory', 'performance', 'connections'];

export interface Selection {
  /** Offered with schemas, in order of use. */
  offered: string[];
  /** Callable by name, listed by list_tools. */
  others: string[];
}

/**
 * Ranks the agent's tools for a question: tools named by a plan first, then redis_info, then the
 * tools of the question's categories in order of relevance, then tools useful for any question;
 * the first `max` are offered.
 */
export function selectTools(tools: ToolRef[], need: { question: string; categories?: TopicCategory[]; suggested?: string[] }, max: number): Selection {
  const categories = need.categories?.length ? need.categories : [...symptomCategories(symptomsOf(need.question))];
  const wanted = categories.length ? categories : DEFAULT_CATEGORIES;
  const score = (t: ToolRef): number => {
    if (need.suggested?.includes(t.name)) return 1000 - need.suggested.indexOf(t.name);
    if (t.name === 'redis_info') return 900;
    // A runbook search helps any question; reading a whole runbook follows a search, so it ranks low.
    if (t.capability === 'knowledge') return t.name === 'knowledge_search' ? 450 : 40;
    // A proposal follows the evidence: offered when there is room, always reachable by name.
    if (t.name === 'propose_action') return 30;
    if (!t.categories) return t.capability === 'redis' ? 100 : 50;
    const best = Math.min(...t.categories.map((c) => (wanted.includes(c) ? wanted.indexOf(c) : 99)));
    return best === 99 ? 0 : 500 - best * 20 - t.categories.indexOf(wanted[best]) * 5;
  };
  const ranked = tools
    .map((t, i) => ({ t, s: score(t), i }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.t.name);
  const offered = ranked.slice(0, max);
  return { offered, others: tools.map((t) => t.name).filter((n) => !offered.includes(n)) };
}

/** The list_tools reply: the tools not offered, one line each, optionally for one category. */
export function listOtherTools(tools: ToolRef[], others: string[], category?: string): Array<{ name: string; about: string }> {
  return tools
    .filter((t) => others.includes(t.name))
    .filter((t) => !category || !t.categories || t.categories.includes(category as TopicCategory))
    .map((t) => ({ name: t.name, about: t.summary ?? '' }));
}
