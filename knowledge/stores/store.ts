import type { KnowledgeChunk } from '../documents/chunking';
import type { KnowledgeDocument } from '../knowledge-base';

/** Where chunks are indexed and searched: the embedded local store or Qdrant. */

export interface IndexedChunk extends KnowledgeChunk {
  /** Content hash (text, metadata, source and embedding model): unchanged hash, nothing to write. */
  hash: string;
  /** Dense embedding, when an embedding model is configured. */
  vector?: number[];
}

export interface ScoredChunk {
  chunk: KnowledgeChunk;
  score: number;
}

export interface StoreQuery {
  text: string;
  /** The query's embedding; without it the search is lexical only. */
  vector?: number[];
  limit: number;
  category?: string;
}

export interface StoreChanges {
  upsert: IndexedChunk[];
  /** Chunk ids to delete. */
  remove: string[];
}

export interface KnowledgeStore {
  readonly kind: 'local' | 'qdrant';
  /** chunk id -> hash of the indexed chunks that came from these ingest sources. */
  indexedHashes(sources: string[]): Promise<Map<string, string>>;
  write(changes: StoreChanges): Promise<void>;
  search(query: StoreQuery): Promise<ScoredChunk[]>;
  getDocument(id: string): Promise<KnowledgeDocument | undefined>;
}
