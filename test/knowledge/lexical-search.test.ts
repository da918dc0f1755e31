import { createKnowledgeBase, type KnowledgeService } from '../../knowledge/create-knowledge-base';
import { Bm25Index } from '../../knowledge/search/bm25';
import { weightedTerms } from '../../knowledge/text/field-terms';
import { tokenize } from '../../knowledge/text/tokenizer';
import { knowledgeConfig, quietLog, removeTempDirs, tempDir } from './support';

describe('lexical search (BM25) over the runbooks', () => {
  let kb: KnowledgeService;

  beforeAll(() => {
    kb = createKnowledgeBase(knowledgeConfig(tempDir('bm25')), quietLog);
  });

  afterAll(removeTempDirs);

  it('keeps Redis identifiers and command pairs whole, and their parts searchable', () => {
    const terms = tokenize('Run CONFIG SET maxmemory-policy allkeys-lru; check used_memory_rss');
    expect(terms).toEqual(expect.arrayContaining(['config set', 'maxmemory-policy', 'allkeys-lru', 'used_memory_rss', 'lru', 'rss']));
    expect(tokenize('what does the')).toEqual([]);
  });

  it('matches word forms: evicted, evicting and evictions meet eviction', () => {
    const [eviction] = tokenize('eviction');
    expect(tokenize('evicted evicting evictions')).toEqual([eviction, eviction, eviction]);
    expect(tokenize('replicas')).toEqual(tokenize('replica'));
  });

  it('ranks a runbook with the words in its title above one that mentions them in passing', () => {
    const chunk = (docId: string, title: string, text: string) => weightedTerms({ docId, title, headingPath: [], tags: [], text });
    const index = new Bm25Index([
      chunk('a', 'Cluster resharding', 'Move slots between nodes. Memory fragmentation may rise a little afterwards.'),
      chunk('b', 'Memory fragmentation', 'RSS far above used memory; enable active defragmentation.'),
      chunk('c', 'Client timeouts', 'Applications see timeouts.'),
    ]);
    expect(index.search(tokenize('memory fragmentation'), 3).map((r) => r.index)).toEqual([1, 0]);
  });

  it('answers "what does noeviction do" with the maxmemory runbooks first', async () => {
    const hits = await kb.search('what does noeviction do', { limit: 3 });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits.slice(0, 2)) expect(['maxmemory-policies', 'oom-maxmemory']).toContain(hit.docId);
    expect(hits.some((h) => h.snippet.includes('noeviction'))).toBe(true);
  });

  it('finds the runbook for an exact error message', async () => {
    const [first] = await kb.search('MISCONF Redis is configured to save RDB snapshots', { limit: 1 });
    expect(first.docId).toBe('rdb-persistence-failures');
    expect(first.snippet.length).toBeLessThanOrEqual(701);
  });

  it('filters by category and returns at most two sections per runbook', async () => {
    const hits = await kb.search('replica link down full sync', { limit: 6, category: 'replication' });
    expect(hits.length).toBeGreaterThan(1);
    expect(hits.every((h) => h.category === 'replication')).toBe(true);
    const perDoc = new Map<string, number>();
    for (const h of hits) perDoc.set(h.docId, (perDoc.get(h.docId) ?? 0) + 1);
    expect(Math.max(...perDoc.values())).toBeLessThanOrEqual(2);
  });

  it('returns nothing rather than noise for a question of only stopwords', async () => {
    expect(await kb.search('what is it', { limit: 5 })).toEqual([]);
  });
});
