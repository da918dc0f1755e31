import * as path from 'node:path';
import { z } from 'zod';
import { KNOWLEDGE_CATEGORIES } from '../../knowledge/categories';
import type { KnowledgeService } from '../../knowledge/create-knowledge-base';
import { builtInRunbooksDir } from '../../knowledge/documents/discover';
import type { IngestSummary } from '../../knowledge/ingest/ingest';
import type { KnowledgeHit } from '../../knowledge/knowledge-base';
import { parseOrThrow } from '../validation';

/** Knowledge search and ingestion as the front doors call them, validated here once. */

const DOCUMENT_EXTENSIONS = ['.md', '.markdown', '.txt'];

export const knowledgeSearchSchema = z
  .object({
    q: z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters'),
    limit: z.coerce.number().int().min(1).max(10).default(5),
    category: z.enum(KNOWLEDGE_CATEGORIES).optional(),
  })
  .strict();

/** Ingest reads files on the server, so a single file must be a document, never e.g. /etc/passwd. */
const ingestPath = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'at most 4096 characters')
  .refine((p) => !path.extname(p) || DOCUMENT_EXTENSIONS.includes(path.extname(p).toLowerCase()), `a folder or a ${DOCUMENT_EXTENSIONS.join(', ')} file`);

export const knowledgeIngestSchema = z
  .object({ paths: z.array(ingestPath).min(1, 'give at least one path, or leave paths out for the built-in runbooks').max(100, 'at most 100 paths').optional() })
  .strict();

export class KnowledgeQueries {
  constructor(private readonly knowledge: KnowledgeService) {}

  async search(query: unknown): Promise<{ hits: KnowledgeHit[] }> {
    const { q, limit, category } = parseOrThrow(knowledgeSearchSchema, query);
    return { hits: await this.knowledge.search(q, { limit, category }) };
  }

  /** Indexes the given server paths (default: the built-in runbooks); unchanged chunks are skipped. */
  async ingest(body: unknown): Promise<IngestSummary & { backend: string }> {
    const { paths } = parseOrThrow(knowledgeIngestSchema, body ?? {});
    return { backend: this.knowledge.backend, ...(await this.knowledge.ingest(paths ?? [builtInRunbooksDir()])) };
  }
}
