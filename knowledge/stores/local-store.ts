import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SreError } from '../../core/errors';
import type { KnowledgeDocument } from '../knowledge-base';
import { Bm25Index } from '../search/bm25';
import { reciprocalRankFusion } from '../search/rrf';
import { weightedTerms } from '../text/field-terms';
import { tokenize } from '../text/tokenizer';
import { withFileLock, writeFileAtomic } from './atomic-file';
import type { IndexedChunk, KnowledgeStore, ScoredChunk, StoreChanges, StoreQuery } from './store';

/**
 * The embedded store: every chunk in one JSONL file under the data dir, searched in memory.
 * BM25 always; cosine similarity over stored embeddings when the query has a vector, fused by RRF.
 * The file is reloaded when another process (e.g. `sre-agent knowledge ingest`) rewrote it.
 */

/** How many candidates each ranking contributes before fusion. */
const CANDIDATES = 50;

interface LoadedIndex {
  stamp: string;
  chunks: IndexedChunk[];
  bm25: Bm25Index;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export class LocalStore implements KnowledgeStore {
  readonly kind = 'local';
  readonly file: string;
  private loaded?: LoadedIndex;
  /** Writes in this process run one after another, so none is lost to a concurrent read-modify-write. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.file = path.join(dir, 'index.jsonl');
  }

  private async stamp(): Promise<string> {
    try {
      const stat = await fs.stat(this.file);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return 'missing';
    }
  }

  private parse(text: string): IndexedChunk[] {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as IndexedChunk;
        } catch {
          throw new SreError(
            `knowledge index ${this.file} is damaged at line ${i + 1}: delete it and run \`sre-agent knowledge ingest\` to rebuild it`,
            'knowledge_index',
          );
        }
      });
  }

  private index(stamp: string, chunks: IndexedChunk[]): LoadedIndex {
    return { stamp, chunks, bm25: new Bm25Index(chunks.map(weightedTerms)) };
  }

  private async load(): Promise<LoadedIndex> {
    const stamp = await this.stamp();
    if (this.loaded?.stamp === stamp) return this.loaded;
    const chunks = stamp === 'missing' ? [] : this.parse(await fs.readFile(this.file, 'utf8'));
    this.loaded = this.index(stamp, chunks);
    return this.loaded;
  }

  async indexedHashes(sources: string[]): Promise<Map<string, string>> {
    const { chunks } = await this.load();
    return new Map(chunks.filter((c) => sources.includes(c.source)).map((c) => [c.id, c.hash]));
  }

  write(changes: StoreChanges): Promise<void> {
    const run = this.writes.then(() =>
      withFileLock(this.file, async () => {
        // Read under the lock: another process may have written since our last load.
        const byId = new Map((await this.load()).chunks.map((c) => [c.id, c]));
        for (const id of changes.remove) byId.delete(id);
        for (const chunk of changes.upsert) byId.set(chunk.id, chunk);
        const chunks = [...byId.values()].sort((a, b) => a.docId.localeCompare(b.docId) || a.ordinal - b.ordinal);
        await writeFileAtomic(this.file, chunks.map((c) => JSON.stringify(c)).join('\n') + '\n');
        this.loaded = this.index(await this.stamp(), chunks);
      }),
    );
    this.writes = run.catch(() => undefined);
    return run;
  }

  async search(query: StoreQuery): Promise<ScoredChunk[]> {
    const { chunks, bm25 } = await this.load();
    const accept = (i: number) => !query.category || chunks[i].category === query.category;
    const lexical = bm25.search(tokenize(query.text), Math.max(query.limit, CANDIDATES), accept).map(({ index, score }) => ({ chunk: chunks[index], score }));
    if (!query.vector) return lexical.slice(0, query.limit);
    const queryVector = query.vector;
    const dense = chunks
      .map((chunk, index) => ({ chunk, index }))
      .filter(({ chunk, index }) => chunk.vector?.length === queryVector.length && accept(index))
      .map(({ chunk }) => ({ chunk, score: cosine(queryVector, chunk.vector!) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.max(query.limit, CANDIDATES));
    return reciprocalRankFusion([lexical, dense], (hit) => hit.chunk.id)
      .slice(0, query.limit)
      .map(({ item, score }) => ({ chunk: item.chunk, score }));
  }

  async getDocument(id: string): Promise<KnowledgeDocument | undefined> {
    const { chunks } = await this.load();
    return chunks.find((c) => c.docId === id && c.document)?.document;
  }
}
