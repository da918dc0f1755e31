import { tokenize } from './tokenizer';

/**
 * Term weights of one chunk for lexical search. A word in the runbook title or a heading says
 * more about what the chunk is for than the same word in the body, so fields are weighted.
 */
export const FIELD_WEIGHTS = { title: 3, heading: 2, tags: 2, body: 1 } as const;

export interface ChunkFields {
  docId: string;
  title: string;
  headingPath: string[];
  tags: string[];
  text: string;
}

export function weightedTerms(chunk: ChunkFields): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const term of tokenize(text)) terms.set(term, (terms.get(term) ?? 0) + weight);
  };
  add(chunk.title, FIELD_WEIGHTS.title);
  add(chunk.headingPath.join('\n'), FIELD_WEIGHTS.heading);
  add([chunk.docId, ...chunk.tags].join('\n'), FIELD_WEIGHTS.tags);
  add(chunk.text, FIELD_WEIGHTS.body);
  return terms;
}

/** Sum of the weights: the chunk's length for BM25 length normalisation. */
export function weightedLength(terms: Map<string, number>): number {
  let total = 0;
  for (const weight of terms.values()) total += weight;
  return total;
}
