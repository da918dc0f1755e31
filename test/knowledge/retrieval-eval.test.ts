import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import { builtInRunbooksDir, discoverDocuments } from '../../knowledge/documents/discover';
import { evaluateRetrieval, loadEvalQueries, RECALL_AT_3_TARGET } from '../../knowledge/eval/retrieval-eval';
import { knowledgeConfig, quietLog, removeTempDirs, tempDir } from './support';

describe('retrieval quality of the local store (lexical only, offline)', () => {
  afterAll(removeTempDirs);

  const queries = loadEvalQueries();

  it('has at least 45 questions, each pointing at runbooks that exist', () => {
    const ids = new Set(discoverDocuments([builtInRunbooksDir()]).documents.map((d) => d.id));
    expect(queries.length).toBeGreaterThanOrEqual(45);
    for (const q of queries) for (const id of q.expected) expect(ids).toContain(id);
  });

  it(`puts a correct runbook in the top 3 for at least ${RECALL_AT_3_TARGET * 100}% of the questions`, async () => {
    const kb = createKnowledgeBase(knowledgeConfig(tempDir('eval')), quietLog);
    const report = await evaluateRetrieval(kb, queries);
    expect(report.recallAt3).toBeGreaterThanOrEqual(RECALL_AT_3_TARGET);
    expect(report.mrr).toBeGreaterThan(0.8);
  });
});
