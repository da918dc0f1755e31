import type { Finding, Severity, TopicCategory } from './types';

/**
 * What the user's question is about, from its words: the symptom weighs the ranking so the
 * finding that explains it comes first (a critical "no password" does not bury the OOM that makes
 * writes fail), and decides which vital signs the answer states first.
 */
export const SYMPTOMS = [
  'writes-failing',
  'slow',
  'cpu',
  'memory',
  'evictions',
  'connections',
  'disk',
  'persistence',
  'replication',
  'availability',
  'errors',
  'keys',
  'security',
  'cluster',
  'throughput',
  'configuration',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

const WORDS: Record<Symptom, RegExp> = {
  'writes-failing':
    /\b(writes?|writing|set|insert\w*|store)\b.*\b(fail\w*|error\w*|reject\w*|refus\w*|denied|not work\w*|broken)\b|\b(fail\w*|error\w*|reject\w*|refus\w*|can'?t|cannot)\b.*\b(writ\w+|set|sav\w+|stor\w+)\b|\b(oom|misconf|readonly|read-only|noreplicas)\b/i,
  slow: /\b(slow\w*|latenc\w*|p9[59]|p99\.9|spik\w*|stall\w*|hang\w*|freez\w*|lag\w*|timeouts?|timing out|sluggish|delay\w*|blocked|blocking)\b/i,
  cpu: /\b(cpu|cores?|load average|100\s?%|busy|hot shard|saturat\w*)\b/i,
  memory: /\b(memory|ram|rss|oom|leak\w*|fragment\w*|maxmemory|grow\w*|bloat\w*|used_memory|heap|swap\w*)\b/i,
  evictions: /\b(evict\w*|hit (rate|ratio)|miss\w*|cache (is )?(cold|empty)|keys? (disappear\w*|vanish\w*|missing|lost))\b/i,
  connections: /\b(connect\w*|clients?|pool\w*|maxclients|sockets?|refused|too many|idle|file descriptors?|churn)\b/i,
  disk: /\b(disk|filesystem|storage|space|full disk|no space|enospc|io\b|fsync)\b/i,
  persistence: /\b(persist\w*|save|bgsave|rdb|aof|backup|snapshot|restart\w* .*(lost|data)|lost .*data|data loss|durab\w*|append)\b/i,
  replication: /\b(replica\w*|slave\w*|master|primary|sync\w*|failover|stale|replicat\w*|out of date)\b/i,
  availability: /\b(down|unreachable|not respond\w*|unresponsive|crash\w*|restart\w*|dead|outage|loading|busy script|can'?t reach)\b/i,
  errors: /\b(errors?|exceptions?|wrongtype|failures?|failing)\b/i,
  keys: /\b(keys?|ttl|expir\w*|big key|hot key|prefix\w*|keyspace|streams?|queue|consumers?)\b/i,
  security: /\b(secur\w*|password|acl|auth\w*|audit|expos\w*|harden\w*|attack\w*|intru\w*|open to)\b/i,
  cluster: /\b(cluster|slots?|shard\w*|moved|ask redirect\w*|crossslot|migrat\w*)\b/i,
  throughput: /\b(throughput|ops|qps|requests? per|traffic|load)\b/i,
  configuration: /\b(config\w*|settings?|tun\w*|misconfig\w*|best practices?|health ?check|audit)\b/i,
};

/** The categories (in order of relevance) and the checks that explain each symptom. */
const EXPLAINS: Record<Symptom, { categories: TopicCategory[]; checks?: RegExp }> = {
  'writes-failing': {
    categories: ['memory', 'persistence', 'replication', 'availability'],
    checks: /oom|write-errors|misconf|bgsave|noreplicas|min-replicas|readonly|read-only|busy|maxmemory/,
  },
  slow: {
    categories: ['performance', 'keyspace', 'memory', 'connections', 'persistence'],
    checks: /slow|latency|command-cost|fork|swap|big-keys|hot|pause|busy|blocked|expir|cpu|aof|fsync|eviction/,
  },
  cpu: { categories: ['performance', 'keyspace', 'connections'], checks: /cpu|hz|command|hot|expir|eventloop|defrag|churn|slow/ },
  memory: {
    categories: ['memory', 'keyspace', 'connections'],
    checks: /memory|fragment|peak|buffer|script|big-keys|encoding|prefix|ttl|maxmemory|rss|lazyfree|query-buffer|output/,
  },
  evictions: { categories: ['memory', 'keyspace'], checks: /evict|hit-ratio|maxmemory|ttl|policy/ },
  connections: { categories: ['connections', 'availability'], checks: /client|connection|rejected|maxclients|idle|churn|timeout|blocked|pool/ },
  disk: { categories: ['persistence'], checks: /aof|rdb|bgsave|save|fsync|rewrite|disk/ },
  persistence: { categories: ['persistence', 'replication'], checks: /aof|rdb|bgsave|save|persistence|fsync|backup/ },
  replication: { categories: ['replication', 'availability'], checks: /replica|master|sync|backlog|link|lag|stale/ },
  availability: { categories: ['availability', 'replication', 'performance'], checks: /unreachable|busy|loading|down|restart|uptime|unresponsive|auth/ },
  errors: { categories: ['availability', 'memory', 'persistence', 'performance'], checks: /error|oom|misconf|busy|wrongtype|noreplicas|rejected/ },
  keys: { categories: ['keyspace', 'memory'], checks: /key|ttl|expir|stream|prefix|encoding|database/ },
  security: { categories: ['security'] },
  cluster: { categories: ['cluster', 'availability'] },
  throughput: { categories: ['performance', 'connections'], checks: /command|ops|churn|hot|cpu/ },
  configuration: { categories: ['configuration', 'persistence', 'security', 'memory'] },
};

export function symptomsOf(question: string): Symptom[] {
  return SYMPTOMS.filter((s) => WORDS[s].test(question));
}

/** The categories a question is about (for callers that group by category). */
export function symptomCategories(symptoms: Symptom[]): Set<TopicCategory> {
  return new Set(symptoms.flatMap((s) => EXPLAINS[s].categories));
}

/** 0 (unrelated) to 3 (the check explains the symptom): how well a finding answers the question. */
export function relevance(finding: Finding, symptoms: Symptom[]): number {
  let best = 0;
  for (const symptom of symptoms) {
    const { categories, checks } = EXPLAINS[symptom];
    const rank = categories.indexOf(finding.category);
    const score = checks?.test(finding.checkId) ? 3 : rank === 0 ? 2 : rank > 0 ? 1 : 0;
    best = Math.max(best, score);
  }
  return best;
}

const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

/** Ranks findings for a question: what explains the symptom first, then severity. */
export function rankForQuestion(findings: Finding[], symptoms: Symptom[]): Finding[] {
  const score = (f: Finding) => relevance(f, symptoms) * 10 + SEVERITY_WEIGHT[f.severity];
  return [...findings].sort((a, b) => score(b) - score(a));
}
