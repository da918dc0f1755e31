import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { KNOWLEDGE_CATEGORIES } from '../knowledge/categories';
import type { KnowledgeService } from '../knowledge/create-knowledge-base';
import { builtInRunbooksDir, DOCUMENT_EXTENSIONS, isInside } from '../knowledge/documents/discover';
import type { IngestSummary } from '../knowledge/ingest/ingest';
import type { KnowledgeDocument, KnowledgeHit } from '../knowledge/knowledge-base';
import type { AuditLog } from '../core/audit';
import { NotFoundError, SreError, ValidationError, errorMessage } from '../core/errors';
import { parseOrThrow } from '../core/validation';

/** Knowledge search and ingestion as the front doors call them, validated here once. */

const searchFields = {
  q: z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters'),
  limit: z.number().int().min(1).max(10).default(5).describe('How many sections to return, 1 to 10 (default 5)'),
  category: z.enum(KNOWLEDGE_CATEGORIES).optional().describe('Only runbooks of this category; leave out to search all'),
};

/** Typed arguments (MCP, JSON bodies): a limit must really be a number. */
export const knowledgeSearchArgsSchema = z.object(searchFields).strict();

/** Query strings carry text only, so the REST query form converts the limit. */
export const knowledgeSearchSchema = z
  .object({ ...searchFields, limit: z.coerce.number().int().min(1).max(10).default(5).describe(searchFields.limit.description!) })
  .strict();

export const knowledgeDocumentIdSchema = z
  .string()
  .regex(/^[\w.-]{1,200}$/, 'a runbook id as search hits give it (docId)')
  .describe('A runbook id (docId of a search hit)');

/** Ingest reads files on the server: a path must be a folder or a document, under an allowed root. */
const ingestPath = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'at most 4096 characters')
  .refine((p) => !path.extname(p) || DOCUMENT_EXTENSIONS.has(path.extname(p).toLowerCase()), `a folder or a ${[...DOCUMENT_EXTENSIONS].join(', ')} file`);

export const knowledgeIngestSchema = z
  .object({
    paths: z.array(ingestPath).min(1, 'give at least one path, or leave paths out for the built-in runbooks').max(100, 'at most 100 paths').optional(),
  })
  .strict();

/**
 * A remote caller may only index real folders and document files inside the configured roots
 * (SRE_KNOWLEDGE_DIRS): never /etc/passwd, /proc/self/environ or a device.
 */
function checkIngestPaths(paths: string[], roots: string[]): string[] {
  const realRoots = roots.filter((r) => fs.existsSync(r)).map((r) => fs.realpathSync(r));
  return paths.map((p, i) => {
    const field = `paths.${i}`;
    const fail = (reason: string) => new ValidationError(`${field}: ${reason}`, [{ field, reason }]);
    let real: string;
    try {
      real = fs.realpathSync(path.resolve(p));
    } catch {
      throw fail(`no such file or folder: ${p}`);
    }
    if (!realRoots.some((root) => isInside(real, root)))
      throw fail(`${p} is outside the folders this server may index (set by SRE_KNOWLEDGE_DIRS on the server)`);
    const stat = fs.statSync(real);
    if (!stat.isDirectory() && !(stat.isFile() && DOCUMENT_EXTENSIONS.has(path.extname(real).toLowerCase()))) {
      throw fail(`${p} is neither a folder nor a ${[...DOCUMENT_EXTENSIONS].join(', ')} file`);
    }
    return real;
  });
}

export class KnowledgeQueries {
  constructor(
    private readonly knowledge: KnowledgeService,
    /** Where remote callers may ingest from. */
    private readonly allowedRoots: string[],
    private readonly audit?: AuditLog,
  ) {}

  async search(query: unknown): Promise<{ hits: KnowledgeHit[] }> {
    const { q, limit, category } = parseOrThrow(knowledgeSearchSchema, query);
    return { hits: await this.knowledge.search(q, { limit, category }) };
  }

  /** One runbook, whole, as search hits name it (docId). */
  async document(id: string): Promise<KnowledgeDocument> {
    const docId = parseOrThrow(knowledgeDocumentIdSchema, id, 'id');
    const doc = await this.knowledge.getDocument(docId);
    if (!doc) throw new NotFoundError('runbook', docId);
    return doc;
  }

  /** Indexes the given server paths (default: the built-in runbooks); unchanged chunks are skipped. */
  async ingest(body: unknown, actor = 'api'): Promise<IngestSummary & { backend: string }> {
    const { paths } = parseOrThrow(knowledgeIngestSchema, body ?? {});
    const checked = paths ? checkIngestPaths(paths, this.allowedRoots) : [builtInRunbooksDir()];
    let summary: IngestSummary;
    try {
      summary = await this.knowledge.ingest(checked);
    } catch (err) {
      // The server's own file layout is not the caller's business: name what they gave, not where it lives.
      throw new SreError(`ingest failed: ${errorMessage(err).replace(/(\/[\w.@-]+)+/g, '<path>')}`, 'ingest_failed');
    }
    await this.audit?.record({ actor, action: 'knowledge.ingest', target: paths?.join(', ').slice(0, 200) ?? 'built-in runbooks' });
    return { backend: this.knowledge.backend, ...summary };
  }
}
