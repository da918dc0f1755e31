import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../core/errors';
import { KNOWLEDGE_CATEGORIES } from '../../knowledge/categories';
import type { KnowledgeBase, KnowledgeHit } from '../../knowledge/knowledge-base';
import { defineTool, type ToolContext } from './define';

/** Runbook knowledge base tools: no Redis instance needed, read-only. */

const MAX_DOCUMENT_CHARS = 6_000;

function knowledgeBase(ctx: ToolContext): KnowledgeBase {
  if (!ctx.deps.knowledge)
    throw new ValidationError('the knowledge base is not available in this worker (ToolDeps.knowledge is not set); start the worker with buildWorkerDeps');
  return ctx.deps.knowledge;
}

export const knowledgeSearch = defineTool({
  name: 'knowledge_search',
  description:
    'Searches the Redis SRE runbooks (symptoms, exact redis-cli commands, INFO fields, redis_exporter metrics, causes, fixes, prevention). Returns the best matching runbook sections with their runbook id (docId); read a whole runbook with knowledge_get_document. Use specific words: error messages, INFO field names, config names.',
  schema: z
    .object({
      query: z
        .string()
        .min(1)
        .max(500)
        .describe('Words to find, up to 500 characters: an error message, INFO field, config name or symptom, e.g. "OOM command not allowed noeviction"'),
      limit: z.number().int().min(1).max(10).default(5).describe('How many runbook sections to return, 1 to 10 (default 5)'),
      category: z.enum(KNOWLEDGE_CATEGORIES).optional().describe('Only runbooks of this category, e.g. memory or replication; leave out to search all'),
    })
    .strict(),
  capability: 'knowledge',
  retryClass: 'knowledge',
  needsInstance: false,
  access: 'read',
  // Ten sections of up to ~700 characters each must fit without being cut.
  maxOutputBytes: 12_000,
  handler: async ({ query, limit, category }, ctx): Promise<{ hits: KnowledgeHit[] }> => {
    const hits = await knowledgeBase(ctx).search(query, { limit, category });
    return {
      hits: hits.map(({ docId, title, category: hitCategory, heading, snippet, score }) => ({ docId, title, category: hitCategory, heading, snippet, score })),
    };
  },
  summarize: (data: { hits: KnowledgeHit[] }) =>
    data.hits.length ? `${data.hits.length} section(s), best: ${data.hits[0].docId} (${data.hits[0].heading})` : 'no matching runbook',
});

export const knowledgeGetDocument = defineTool({
  name: 'knowledge_get_document',
  description: 'Reads one runbook in full by its id (the docId from knowledge_search, e.g. oom-maxmemory). Long runbooks are cut at about 6000 characters.',
  schema: z.object({ id: z.string().min(1).max(200).describe('Runbook id as knowledge_search returns it (docId), e.g. oom-maxmemory') }).strict(),
  capability: 'knowledge',
  retryClass: 'knowledge',
  needsInstance: false,
  access: 'read',
  maxOutputBytes: 10_000,
  handler: async ({ id }, ctx) => {
    const doc = await knowledgeBase(ctx).getDocument(id);
    if (!doc) throw new NotFoundError('runbook', id);
    const cut = doc.body.length > MAX_DOCUMENT_CHARS;
    return {
      id: doc.id,
      title: doc.title,
      category: doc.category,
      severity: doc.severity,
      tags: doc.tags,
      body: cut ? `${doc.body.slice(0, MAX_DOCUMENT_CHARS)}…` : doc.body,
      truncated: cut ? `body cut from ${doc.body.length} to ${MAX_DOCUMENT_CHARS} characters` : undefined,
    };
  },
  summarize: (data: { id: string; title: string; truncated?: string }) => `${data.id}: ${data.title}${data.truncated ? ' (cut)' : ''}`,
});
