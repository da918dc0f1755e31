import { createRequire } from 'node:module';
import type { QdrantClient } from '@qdrant/js-client-rest' with { 'resolution-mode': 'import' };
import type { Config } from '../../core/config';
import { ConfigError } from '../../core/errors';
import type { KnowledgeChunk } from '../documents/chunking';
import type { KnowledgeDocument } from '../knowledge-base';
import { documentSparseVector, querySparseVector } from '../search/sparse-vector';
import { weightedTerms } from '../text/field-terms';
import { tokenize } from '../text/tokenizer';
import { pointId } from './point-id';
import { explainQdrantError } from './qdrant-errors';
import type { IndexedChunk, KnowledgeStore, ScoredChunk, StoreChanges, StoreQuery } from './store';

/**
 * Qdrant adapter: one collection with a named dense vector "dense" (cosine; only when an
 * embedding model is configured) and a named sparse vector "bm25" whose IDF Qdrant computes.
 * Hybrid search goes through the Query API: sparse and dense prefetches fused by RRF.
 */

export const DENSE_VECTOR = 'dense';
export const SPARSE_VECTOR = 'bm25';
const KEYWORD_FIELDS = ['category', 'tags', 'doc_id', 'source'] as const;
const UPSERT_BATCH = 64;
const SCROLL_PAGE = 256;
const CANDIDATES = 50;

interface ChunkPayload {
  chunk_id: string;
  doc_id: string;
  title: string;
  category: string;
  severity?: string;
  tags: string[];
  heading_path: string[];
  text: string;
  ordinal: number;
  source: string;
  hash: string;
  document?: KnowledgeDocument;
}

type Filter = { must: Array<{ key: string; match: { value: string | number } | { any: string[] } }> };

function toPayload(chunk: IndexedChunk): ChunkPayload {
  return {
    chunk_id: chunk.id,
    doc_id: chunk.docId,
    title: chunk.title,
    category: chunk.category,
    severity: chunk.severity,
    tags: chunk.tags,
    heading_path: chunk.headingPath,
    text: chunk.text,
    ordinal: chunk.ordinal,
    source: chunk.source,
    hash: chunk.hash,
    document: chunk.document,
  };
}

function fromPayload(p: ChunkPayload): KnowledgeChunk {
  return {
    id: p.chunk_id,
    docId: p.doc_id,
    title: p.title,
    category: p.category,
    severity: p.severity,
    tags: p.tags,
    headingPath: p.heading_path,
    text: p.text,
    ordinal: p.ordinal,
    source: p.source,
  };
}

/** The client defaults to port 6333 when the URL has none; honour the URL as written instead. */
function clientOptions(settings: NonNullable<Config['qdrant']>) {
  const url = new URL(settings.url);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const prefix = url.pathname.replace(/\/+$/, '');
  return { url: url.origin, port, prefix: prefix || undefined, apiKey: settings.apiKey, checkCompatibility: false, timeout: 30_000 };
}

/**
 * The package is ESM-typed ("type": "module") but ships a CommonJS build under its "require"
 * export, which this CommonJS project loads; types come from the type-only import above.
 */
const { QdrantClient: Client } = createRequire(__filename)('@qdrant/js-client-rest') as { QdrantClient: typeof QdrantClient };

export class QdrantStore implements KnowledgeStore {
  readonly kind = 'qdrant';
  private readonly client: QdrantClient;
  private ready?: Promise<void>;

  constructor(
    private readonly settings: NonNullable<Config['qdrant']>,
    /** Present when an embedding model is configured: gives the dense vector size. */
    private readonly dense?: { model: string; dimensions(): Promise<number> },
  ) {
    this.client = new Client(clientOptions(settings));
  }

  private get name(): string {
    return this.settings.collection;
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw explainQdrantError(err, this.settings.url, what);
    }
  }

  /** Creates the collection and its payload indexes on first use, or checks an existing one fits. */
  private collection(): Promise<void> {
    this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async prepare(): Promise<void> {
    const size = this.dense ? await this.dense.dimensions() : undefined;
    const { exists } = await this.call('checking the collection', () => this.client.collectionExists(this.name));
    if (exists) return this.verify(size);
    await this.call(`creating collection '${this.name}'`, () =>
      this.client.createCollection(this.name, {
        ...(size ? { vectors: { [DENSE_VECTOR]: { size, distance: 'Cosine' as const } } } : {}),
        sparse_vectors: { [SPARSE_VECTOR]: { modifier: 'idf' } },
      }),
    );
    for (const field of KEYWORD_FIELDS) {
      await this.call(`indexing payload field '${field}'`, () =>
        this.client.createPayloadIndex(this.name, { field_name: field, field_schema: 'keyword', wait: true }),
      );
    }
  }

  private async verify(size: number | undefined): Promise<void> {
    const info = await this.call('reading the collection', () => this.client.getCollection(this.name));
    const vectors = (info.config.params.vectors ?? {}) as Record<string, { size?: number } | undefined>;
    const fix = `set QDRANT_COLLECTION to a new name (or delete collection '${this.name}') and run \`sre-agent knowledge ingest\``;
    if (!info.config.params.sparse_vectors?.[SPARSE_VECTOR]) {
      throw new ConfigError([
        `QDRANT_COLLECTION: collection '${this.name}' has no sparse vector '${SPARSE_VECTOR}', so it was not created by this agent; ${fix}`,
      ]);
    }
    if (size !== undefined && vectors[DENSE_VECTOR]?.size !== size) {
      const found = vectors[DENSE_VECTOR]?.size;
      throw new ConfigError([
        `QDRANT_COLLECTION: collection '${this.name}' ${found ? `stores ${found}-dimensional vectors` : 'has no dense vectors'} but embedding model '${this.dense!.model}' produces ${size}; ${fix}`,
      ]);
    }
  }

  async indexedHashes(sources: string[]): Promise<Map<string, string>> {
    await this.collection();
    const hashes = new Map<string, string>();
    let offset: string | number | undefined;
    do {
      const page = await this.call('reading indexed chunks', () =>
        this.client.scroll(this.name, {
          filter: { must: [{ key: 'source', match: { any: sources } }] },
          with_payload: ['chunk_id', 'hash'],
          with_vector: false,
          limit: SCROLL_PAGE,
          offset,
        }),
      );
      for (const point of page.points) {
        const payload = point.payload as Pick<ChunkPayload, 'chunk_id' | 'hash'>;
        hashes.set(payload.chunk_id, payload.hash);
      }
      offset = (page.next_page_offset ?? undefined) as string | number | undefined;
    } while (offset !== undefined);
    return hashes;
  }

  async write(changes: StoreChanges): Promise<void> {
    await this.collection();
    for (let start = 0; start < changes.upsert.length; start += UPSERT_BATCH) {
      const points = changes.upsert.slice(start, start + UPSERT_BATCH).map((chunk) => ({
        id: pointId(chunk.id),
        vector: {
          [SPARSE_VECTOR]: documentSparseVector(weightedTerms(chunk)),
          ...(chunk.vector ? { [DENSE_VECTOR]: chunk.vector } : {}),
        },
        payload: toPayload(chunk) as unknown as Record<string, unknown>,
      }));
      await this.call('writing chunks', () => this.client.upsert(this.name, { wait: true, points }));
    }
    if (changes.remove.length > 0) {
      await this.call('removing chunks', () => this.client.delete(this.name, { wait: true, points: changes.remove.map(pointId) }));
    }
  }

  async search(query: StoreQuery): Promise<ScoredChunk[]> {
    await this.collection();
    const filter: Filter | undefined = query.category ? { must: [{ key: 'category', match: { value: query.category } }] } : undefined;
    const sparse = querySparseVector(tokenize(query.text));
    const prefetch = [
      ...(sparse.indices.length ? [{ query: sparse, using: SPARSE_VECTOR, limit: CANDIDATES, filter }] : []),
      ...(query.vector && this.dense ? [{ query: query.vector, using: DENSE_VECTOR, limit: CANDIDATES, filter }] : []),
    ];
    if (prefetch.length === 0) return [];
    const request =
      prefetch.length === 1
        ? { ...prefetch[0], limit: query.limit, with_payload: true }
        : { prefetch, query: { fusion: 'rrf' as const }, filter, limit: query.limit, with_payload: true };
    const response = await this.call('searching', () => this.client.query(this.name, request));
    return response.points.map((point) => ({ chunk: fromPayload(point.payload as unknown as ChunkPayload), score: point.score }));
  }

  async getDocument(id: string): Promise<KnowledgeDocument | undefined> {
    await this.collection();
    const page = await this.call('reading a document', () =>
      this.client.scroll(this.name, {
        filter: {
          must: [
            { key: 'doc_id', match: { value: id } },
            { key: 'ordinal', match: { value: 0 } },
          ],
        },
        with_payload: true,
        with_vector: false,
        limit: 1,
      }),
    );
    return (page.points[0]?.payload as ChunkPayload | undefined)?.document;
  }
}
