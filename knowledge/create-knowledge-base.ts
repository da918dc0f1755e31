import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../core/config';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { builtInRunbooksDir } from './documents/discover';
import { createEmbedder, type Embedder } from './embeddings';
import { ingest, type IngestProgress, type IngestSummary } from './ingest/ingest';
import type { KnowledgeBase, KnowledgeDocument, KnowledgeHit } from './knowledge-base';
import { LocalStore } from './stores/local-store';
import { QdrantStore } from './stores/qdrant-store';
import type { KnowledgeStore, ScoredChunk } from './stores/store';

/** The knowledge base the app uses, plus ingestion for the CLI. */
export interface KnowledgeService extends KnowledgeBase {
  readonly backend: KnowledgeStore['kind'];
  ingest(paths: string[], onProgress?: (progress: IngestProgress) => void): Promise<IngestSummary>;
}

const SNIPPET_CHARS = 700;
/** Several sections of one runbook are useful, but a list of hits should not be one runbook only. */
const MAX_HITS_PER_DOCUMENT = 2;

function snippet(text: string): string {
  if (text.length <= SNIPPET_CHARS) return text;
  const cut = text.slice(0, SNIPPET_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SNIPPET_CHARS - 80))}…`;
}

function toHits(found: ScoredChunk[], limit: number): KnowledgeHit[] {
  const perDocument = new Map<string, number>();
  const hits: KnowledgeHit[] = [];
  for (const { chunk, score } of found) {
    const seen = perDocument.get(chunk.docId) ?? 0;
    if (seen >= MAX_HITS_PER_DOCUMENT) continue;
    perDocument.set(chunk.docId, seen + 1);
    hits.push({
      docId: chunk.docId,
      title: chunk.title,
      category: chunk.category,
      heading: chunk.headingPath.join(' > ') || 'Overview',
      snippet: snippet(chunk.text),
      score: Number(score.toFixed(4)),
    });
    if (hits.length === limit) break;
  }
  return hits;
}

export function createKnowledgeBase(config: Config, log: Logger): KnowledgeService {
  const dir = path.join(config.dataDir, 'knowledge');
  const embedder: Embedder | undefined = config.embedding ? createEmbedder(config.embedding, path.join(dir, 'embeddings-cache')) : undefined;
  const store: KnowledgeStore = config.qdrant ? new QdrantStore(config.qdrant, embedder) : new LocalStore(dir);
  const ingestInto = (paths: string[], onProgress?: (progress: IngestProgress) => void) => ingest(paths, { store, embedder, onProgress });

  // A fresh machine (or an upgrade with new runbooks) answers from the built-in runbooks without a
  // manual ingest; the sync is idempotent, so when nothing changed it only reads and hashes files.
  const syncBuiltInRunbooks = async (): Promise<void> => {
    const runbooks = builtInRunbooksDir();
    if (!fs.existsSync(runbooks)) {
      log.warn('built-in runbooks not found; searching only what was ingested', { expected: runbooks });
      return;
    }
    const summary = await ingestInto([runbooks]);
    if (summary.chunksAdded + summary.chunksRemoved > 0) log.info('indexed the built-in runbooks', { backend: store.kind, ...summary });
  };
  let synced: Promise<void> | undefined;
  const ensureBuiltInRunbooks = () => {
    synced ??= syncBuiltInRunbooks().catch((err: unknown) => {
      synced = undefined; // try again on the next question
      throw err;
    });
    return synced;
  };

  const queryVector = async (query: string): Promise<number[] | undefined> => {
    if (!embedder) return undefined;
    try {
      return (await embedder.embed([query]))[0];
    } catch (err) {
      log.warn('query embedding failed; searching lexically only', { error: errorMessage(err) });
      return undefined;
    }
  };

  return {
    backend: store.kind,
    ingest: ingestInto,
    async search(query, options = {}): Promise<KnowledgeHit[]> {
      await ensureBuiltInRunbooks();
      const limit = options.limit ?? 5;
      const found = await store.search({ text: query, vector: await queryVector(query), limit: Math.max(limit * 4, 20), category: options.category });
      return toHits(found, limit);
    },
    async getDocument(id): Promise<KnowledgeDocument | undefined> {
      await ensureBuiltInRunbooks();
      return store.getDocument(id);
    },
  };
}
