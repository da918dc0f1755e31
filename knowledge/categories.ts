import type { TopicCategory } from '../core/types';

/** Runbook categories; the same set the rules engine uses for findings, so tools can filter by it. */
export const KNOWLEDGE_CATEGORIES = [
  'memory',
  'performance',
  'connections',
  'persistence',
  'replication',
  'security',
  'cluster',
  'keyspace',
  'availability',
  'configuration',
] as const satisfies readonly TopicCategory[];

/** Documents ingested without a category in their front matter. */
export const DEFAULT_CATEGORY = 'general';
