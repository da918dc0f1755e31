import type { Services } from '../../service';
import { knowledgeDocumentIdSchema, knowledgeIngestSchema, knowledgeSearchSchema } from '../../service/knowledge';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';
import { principalOf } from '../auth';

/** The runbook knowledge base: search as the agent does, and (re)index documents. */
export function knowledgeRoutes(services: Services): RouteSpec[] {
  const tag = 'knowledge';
  return [
    {
      method: 'get',
      path: `${API_PREFIX}/knowledge/search`,
      tag,
      summary: 'Search the runbooks (lexical BM25, plus dense vectors when an embedding model is set)',
      query: knowledgeSearchSchema,
      responses: { 200: '{hits: [{docId, title, category, heading, snippet, score}]}' },
      handler: json(200, (req) => services.knowledge.search(req.query)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/knowledge/documents/:id`,
      tag,
      summary: 'One runbook, whole: {id, title, category, severity?, tags, body (markdown)}',
      params: { id: knowledgeDocumentIdSchema },
      responses: { 200: 'KnowledgeDocument' },
      handler: json(200, (req) => services.knowledge.document(req.params.id as string)),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/knowledge/ingest`,
      tag,
      summary: 'Index folders or document files on the server (default: the built-in runbooks); unchanged chunks are skipped',
      body: knowledgeIngestSchema,
      role: 'admin',
      responses: { 200: '{backend, documents, chunksAdded, chunksRemoved, unchanged}' },
      handler: json(200, (req) => services.knowledge.ingest(req.body, principalOf(req).name)),
    },
  ];
}
