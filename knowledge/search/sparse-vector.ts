import { weightedLength } from '../text/field-terms';
import { BM25_B, BM25_K1 } from './bm25';

/**
 * Sparse vectors for Qdrant's "bm25" vector. Qdrant applies IDF itself (modifier "idf"), so a
 * document carries only its saturated term frequency, and a query a 1 per distinct term.
 * Terms map to uint32 indices through FNV-1a: stable across processes and machines, with no
 * vocabulary to store. Colliding terms simply share an index.
 */

export interface SparseVector {
  indices: number[];
  values: number[];
}

/**
 * Typical weighted chunk length for length normalisation. Qdrant does not know the corpus
 * average, and a fixed value keeps stored vectors valid as the corpus changes.
 */
export const TYPICAL_CHUNK_LENGTH = 250;

export function termIndex(term: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(term, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function toSparse(weights: Map<number, number>): SparseVector {
  const entries = [...weights].sort((a, b) => a[0] - b[0]);
  return { indices: entries.map(([i]) => i), values: entries.map(([, v]) => v) };
}

export function documentSparseVector(terms: Map<string, number>): SparseVector {
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * weightedLength(terms)) / TYPICAL_CHUNK_LENGTH);
  const weights = new Map<number, number>();
  for (const [term, tf] of terms) {
    const index = termIndex(term);
    weights.set(index, (weights.get(index) ?? 0) + (tf * (BM25_K1 + 1)) / (tf + norm));
  }
  return toSparse(weights);
}

export function querySparseVector(terms: string[]): SparseVector {
  return toSparse(new Map([...new Set(terms)].map((term) => [termIndex(term), 1])));
}
