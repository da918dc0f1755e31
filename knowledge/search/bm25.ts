import { weightedLength } from '../text/field-terms';

/** Okapi BM25 over weighted term frequencies (BM25F-style: field weights are folded into the counts). */

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface RankedIndex {
  index: number;
  score: number;
}

export class Bm25Index {
  private readonly postings = new Map<string, Array<{ doc: number; tf: number }>>();
  private readonly lengths: number[];
  private readonly averageLength: number;

  constructor(documents: Array<Map<string, number>>) {
    this.lengths = documents.map(weightedLength);
    this.averageLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, documents.length);
    documents.forEach((terms, doc) => {
      for (const [term, tf] of terms) {
        const list = this.postings.get(term) ?? [];
        list.push({ doc, tf });
        this.postings.set(term, list);
      }
    });
  }

  /** Documents ranked by BM25 for the query terms; `accept` filters documents (e.g. by category). */
  search(queryTerms: string[], limit: number, accept: (doc: number) => boolean = () => true): RankedIndex[] {
    const scores = new Map<number, number>();
    const n = this.lengths.length;
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        if (!accept(doc)) continue;
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[doc]) / this.averageLength);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (BM25_K1 + 1)) / (tf + norm));
      }
    }
    return [...scores]
      .map(([index, score]) => ({ index, score }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, limit);
  }
}
