import { chunkDocument, type KnowledgeChunk } from '../documents/chunking';
import { discoverDocuments } from '../documents/discover';
import type { Embedder } from '../embeddings';
import { sha256 } from '../hashing';
import type { IndexedChunk, KnowledgeStore } from '../stores/store';

/**
 * Ingestion: read documents, chunk them, and write only what changed. A chunk's hash covers its
 * text, metadata, source and the embedding model, so re-ingesting unchanged files writes nothing,
 * and editing one runbook rewrites only that runbook's chunks. Chunks of documents that vanished
 * from the ingested roots are removed; other roots are left alone.
 */

export interface IngestSummary {
  documents: number;
  chunksAdded: number;
  chunksRemoved: number;
  unchanged: number;
}

export type IngestStage = 'reading' | 'embedding' | 'writing';

export interface IngestProgress {
  stage: IngestStage;
  done: number;
  total: number;
  detail?: string;
}

export interface IngestDeps {
  store: KnowledgeStore;
  embedder?: Embedder;
  onProgress?: (progress: IngestProgress) => void;
}

const EMBED_BATCH = 32;

/** What the embedding model reads: the chunk with its place in the runbook. */
export function embeddingText(chunk: KnowledgeChunk): string {
  return [chunk.title, chunk.headingPath.join(' > '), '', chunk.text].join('\n');
}

function chunkHash(chunk: KnowledgeChunk, embeddingModel: string | undefined): string {
  return sha256(JSON.stringify({ chunk, embeddingModel: embeddingModel ?? null }));
}

async function embedChunks(chunks: IndexedChunk[], embedder: Embedder, onProgress: IngestDeps['onProgress']): Promise<void> {
  for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
    const batch = chunks.slice(start, start + EMBED_BATCH);
    const vectors = await embedder.embed(batch.map(embeddingText));
    batch.forEach((chunk, i) => (chunk.vector = vectors[i]));
    onProgress?.({ stage: 'embedding', done: Math.min(start + EMBED_BATCH, chunks.length), total: chunks.length });
  }
}

export async function ingest(roots: string[], deps: IngestDeps): Promise<IngestSummary> {
  const { store, embedder, onProgress } = deps;
  const { sources, documents } = discoverDocuments(roots);
  const chunks: IndexedChunk[] = [];
  documents.forEach((doc, i) => {
    for (const chunk of chunkDocument(doc)) chunks.push({ ...chunk, hash: chunkHash(chunk, embedder?.model) });
    onProgress?.({ stage: 'reading', done: i + 1, total: documents.length, detail: doc.id });
  });

  const indexed = await store.indexedHashes(sources);
  const current = new Set(chunks.map((c) => c.id));
  const changed = chunks.filter((c) => indexed.get(c.id) !== c.hash);
  const removed = [...indexed.keys()].filter((id) => !current.has(id));

  if (changed.length + removed.length > 0) {
    if (embedder && changed.length > 0) await embedChunks(changed, embedder, onProgress);
    onProgress?.({ stage: 'writing', done: 0, total: changed.length + removed.length });
    await store.write({ upsert: changed, remove: removed });
    onProgress?.({ stage: 'writing', done: changed.length + removed.length, total: changed.length + removed.length });
  }
  return { documents: documents.length, chunksAdded: changed.length, chunksRemoved: removed.length, unchanged: chunks.length - changed.length };
}
