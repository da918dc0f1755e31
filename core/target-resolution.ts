import { z } from 'zod';
import type { FleetMember } from './fleet';
import { ENVIRONMENTS, INSTANCE_TYPES, USAGES } from './instances/model';

/**
 * A question asked without an instance may still name its targets in words: "compare cache-prod
 * and cache-staging", "check all production caches", "why is cache-prod slow?". This resolves
 * them from the registry: registered names said in the question, or a set said by its attributes
 * (environment, usage, topology). A model, when one is configured, may read the question instead
 * (activities/target-resolution.ts); what it names is accepted only when it is in the registry.
 */

export interface RegisteredTarget {
  id: string;
  name: string;
  environment: (typeof ENVIRONMENTS)[number];
  usage: (typeof USAGES)[number];
  instance_type: (typeof INSTANCE_TYPES)[number];
}

export type TargetResolution =
  | { kind: 'none' }
  | { kind: 'one'; target: FleetMember; via: 'names' | 'model'; reason: string }
  | { kind: 'several'; targets: FleetMember[]; via: 'names' | 'attributes' | 'model'; reason: string; leftOut: number };

/** A question about more instances than this is a fleet check: the rest are left out and counted. */
export const MAX_TARGETS = 20;

/** Names shorter than this are too likely to be ordinary words ("db", "a"). */
const MIN_NAME_LENGTH = 3;

const ENVIRONMENT_WORDS: Record<(typeof ENVIRONMENTS)[number], RegExp> = {
  production: /\b(production|prod)\b/i,
  staging: /\b(staging|stage)\b/i,
  development: /\b(development|dev)\b/i,
  test: /\b(test|testing|qa)\s+(instances?|caches?|redis(es)?|servers?|clusters?|environment)\b/i,
};

const USAGE_WORDS: Partial<Record<(typeof USAGES)[number], RegExp>> = {
  cache: /\bcaches?\b/i,
  session: /\bsession(s| stores?)\b/i,
  queue: /\bqueues\b/i,
  pubsub: /\bpub\/?sub\b/i,
  analytics: /\banalytics\b/i,
};

const TYPE_WORDS: Partial<Record<(typeof INSTANCE_TYPES)[number], RegExp>> = {
  cluster: /\bclusters\b/i,
  sentinel: /\bsentinel (instances|setups|deployments)\b|\bsentinels\b/i,
};

/** Words that ask about a set of instances rather than one thing. */
const SET_CUE = /\b(all|every|each|both|whole fleet|entire fleet)\b/i;
/** Asking for a check, or about their state (not a general question that happens to say "all caches"). */
const INTENT =
  /\b(check|compare|diagnos\w*|health\w*|triage|audit|investigate|inspect|look(ing)? at|status|review|slow|failing|broken|down|ok|okay|fine|doing|running|problems?|issues?|wrong)\b/i;
/** A set with no attribute: every registered instance. */
const EVERYTHING = /\b(all|every|each)\s+(of\s+)?(the\s+|my\s+|our\s+)?(instances?|redis(es)?|servers?|databases?|targets?)\b|\b(whole|entire)\s+fleet\b/i;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const member = (t: RegisteredTarget): FleetMember => ({ instanceId: t.id, name: t.name, environment: t.environment, usage: t.usage });

/** Registered names said in the question, whole (cache-prod does not match inside cache-prod-eu), in the order said. */
export function namesSaid(question: string, registry: RegisteredTarget[]): RegisteredTarget[] {
  const found: Array<{ at: number; target: RegisteredTarget }> = [];
  for (const target of registry) {
    if (target.name.length < MIN_NAME_LENGTH) continue;
    const at = question.search(new RegExp(`(?<![\\w.-])${escape(target.name)}(?![\\w-]|\\.\\w)`, 'i'));
    if (at >= 0) found.push({ at, target });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.target);
}

interface AttributeFilter {
  environments: Array<(typeof ENVIRONMENTS)[number]>;
  usages: Array<(typeof USAGES)[number]>;
  types: Array<(typeof INSTANCE_TYPES)[number]>;
}

/** The attributes a set question names ("all production caches" → production, cache); undefined when it names no set. */
export function attributesSaid(question: string): AttributeFilter | undefined {
  const pick = <K extends string>(words: Partial<Record<K, RegExp>>) => (Object.keys(words) as K[]).filter((k) => words[k]!.test(question));
  const filter = { environments: pick(ENVIRONMENT_WORDS), usages: pick(USAGE_WORDS), types: pick(TYPE_WORDS) };
  const named = filter.environments.length + filter.usages.length + filter.types.length > 0;
  if (EVERYTHING.test(question) && !named && INTENT.test(question)) return filter;
  // Plural usage and topology words are a set by themselves ("compare the production caches").
  const plural = /\b(caches|session stores|queues|clusters|sentinels|instances)\b/i.test(question);
  // "What is the best policy for all caches?" asks about Redis, not about our caches: a set is
  // checked only when the question asks for a check or about their state.
  if (named && (SET_CUE.test(question) || plural) && INTENT.test(question)) return filter;
  return undefined;
}

function describe(filter: AttributeFilter): string {
  const parts = [...filter.environments, ...filter.usages, ...filter.types.map((t) => `${t} instances`)];
  return parts.length ? parts.join(', ') : 'every registered instance';
}

/** Offline: names first (unambiguous), then a set by attributes; nothing when the question names neither. */
export function resolveByWords(question: string, registry: RegisteredTarget[]): TargetResolution {
  const named = namesSaid(question, registry);
  if (named.length === 1) return { kind: 'one', target: member(named[0]), via: 'names', reason: `the question names ${named[0].name}` };
  if (named.length > 1) return several(named, 'names', `the question names ${named.map((t) => t.name).join(', ')}`);
  const filter = attributesSaid(question);
  if (!filter) return { kind: 'none' };
  const matching = registry.filter(
    (t) =>
      (!filter.environments.length || filter.environments.includes(t.environment)) &&
      (!filter.usages.length || filter.usages.includes(t.usage)) &&
      (!filter.types.length || filter.types.includes(t.instance_type)),
  );
  if (!matching.length) return { kind: 'none' };
  return several(matching, 'attributes', `the question asks about ${describe(filter)}: ${matching.length} registered instance(s)`);
}

export function several(targets: RegisteredTarget[], via: 'names' | 'attributes' | 'model', reason: string): TargetResolution {
  const sorted = via === 'attributes' ? [...targets].sort((a, b) => a.name.localeCompare(b.name)) : targets;
  return { kind: 'several', targets: sorted.slice(0, MAX_TARGETS).map(member), via, reason, leftOut: Math.max(0, sorted.length - MAX_TARGETS) };
}

/**
 * Whether the question says anything a model could resolve to instances beyond what the words
 * resolved (else no model call is spent on it): set, environment or usage words.
 */
export function mentionsTargets(question: string): boolean {
  return (
    SET_CUE.test(question) || Object.values(ENVIRONMENT_WORDS).some((re) => re.test(question)) || Object.values(USAGE_WORDS).some((re) => re!.test(question))
  );
}

/** What the model replies: registered names only; [] when the question is not about particular instances. */
export const modelTargetsSchema = z.object({ instances: z.array(z.string().max(200)).max(MAX_TARGETS * 5) }).strict();

/** A model's reply as a resolution: every name must be registered, or the reply is not used. */
export function resolveFromModel(names: string[], registry: RegisteredTarget[]): TargetResolution | undefined {
  const byName = new Map(registry.map((t) => [t.name.toLowerCase(), t]));
  const targets = [...new Set(names.map((n) => n.trim().toLowerCase()))].map((n) => byName.get(n));
  if (targets.some((t) => !t)) return undefined;
  const known = targets as RegisteredTarget[];
  if (known.length === 0) return { kind: 'none' };
  if (known.length === 1) return { kind: 'one', target: member(known[0]), via: 'model', reason: `the model read the question as about ${known[0].name}` };
  return several(known, 'model', `the model read the question as about ${known.map((t) => t.name).join(', ')}`);
}
