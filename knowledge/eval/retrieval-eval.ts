import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../core/paths';
import { parseOrThrow } from '../../core/validation';
import type { KnowledgeBase } from '../knowledge-base';

/**
 * Retrieval quality on realistic SRE questions. Each question lists the runbooks that answer it;
 * a question counts as found at k when any of them is among the first k distinct runbooks.
 * recall@3 is the share of questions found at 3; MRR the mean of 1 / rank of the first answer.
 */

export const RECALL_AT_3_TARGET = 0.9;
const DEPTH = 10;

const queriesSchema = z.array(z.object({ query: z.string().min(1), expected: z.array(z.string().min(1)).min(1) }).strict()).min(1);
export type EvalQuery = z.output<typeof queriesSchema>[number];

export interface EvalMiss {
  query: string;
  expected: string[];
  /** The first three runbooks returned. */
  got: string[];
  /** Rank of the first expected runbook, if within the first DEPTH results. */
  rank?: number;
}

export interface EvalReport {
  queries: number;
  recallAt3: number;
  mrr: number;
  misses: EvalMiss[];
}

export function defaultEvalQueriesFile(): string {
  return path.join(projectRoot(), 'knowledge', 'eval', 'queries.json');
}

export function loadEvalQueries(file = defaultEvalQueriesFile()): EvalQuery[] {
  return parseOrThrow(queriesSchema, JSON.parse(fs.readFileSync(file, 'utf8')));
}

export async function evaluateRetrieval(kb: KnowledgeBase, queries: EvalQuery[]): Promise<EvalReport> {
  let found = 0;
  let reciprocalRanks = 0;
  const misses: EvalMiss[] = [];
  for (const { query, expected } of queries) {
    const hits = await kb.search(query, { limit: DEPTH });
    const ranked = [...new Set(hits.map((h) => h.docId))];
    const index = ranked.findIndex((id) => expected.includes(id));
    const rank = index >= 0 ? index + 1 : undefined;
    if (rank !== undefined) reciprocalRanks += 1 / rank;
    if (rank !== undefined && rank <= 3) found++;
    else misses.push({ query, expected, got: ranked.slice(0, 3), rank });
  }
  return { queries: queries.length, recallAt3: found / queries.length, mrr: reciprocalRanks / queries.length, misses };
}
