import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import { knowledgeConfig, quietLog, removeTempDirs, runbook, tempDir, writeFiles } from './support';

/**
 * Against a real Qdrant server. None can be installed on the build machines, so this runs only
 * when QDRANT_URL points at one (e.g. `docker run -p 6333:6333 qdrant/qdrant`); the contract
 * tests in qdrant-adapter.test.ts cover the adapter otherwise.
 */
const qdrantUrl = process.env.QDRANT_URL;
const describeLive = qdrantUrl ? describe : describe.skip;

describeLive('knowledge base on a live Qdrant (QDRANT_URL)', () => {
  const collection = `sre_knowledge_test_${process.pid}_${Date.now()}`;
  const headers = { 'content-type': 'application/json', ...(process.env.QDRANT_API_KEY ? { 'api-key': process.env.QDRANT_API_KEY } : {}) };

  afterAll(async () => {
    await fetch(`${qdrantUrl}/collections/${collection}`, { method: 'DELETE', headers });
    removeTempDirs();
  });

  it('indexes the built-in runbooks, answers questions, reads documents, and re-ingests idempotently', async () => {
    const env: Record<string, string> = { QDRANT_URL: qdrantUrl!, QDRANT_COLLECTION: collection };
    if (process.env.QDRANT_API_KEY) env.QDRANT_API_KEY = process.env.QDRANT_API_KEY;
    const kb = createKnowledgeBase(knowledgeConfig(tempDir('live-qdrant'), env), quietLog);

    const hits = await kb.search('what does noeviction do', { limit: 3 });
    expect(['maxmemory-policies', 'oom-maxmemory']).toContain(hits[0].docId);
    const filtered = await kb.search('replica link down', { limit: 3, category: 'replication' });
    expect(filtered.every((h) => h.category === 'replication')).toBe(true);
    expect((await kb.getDocument('sentinel-failover'))?.body).toContain('SENTINEL CKQUORUM');

    const folder = tempDir('live-runbooks');
    writeFiles(folder, { 'notes.md': runbook('live-notes', 'Live notes', 'memory', { Fixes: 'Run MEMORY PURGE after big deletes.' }) });
    expect((await kb.ingest([folder])).chunksAdded).toBe(1);
    expect(await kb.ingest([folder])).toEqual({ documents: 1, chunksAdded: 0, chunksRemoved: 0, unchanged: 1 });
  });
});
