import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, UnavailableError } from '../../core/errors';
import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import type { Embedder } from '../../knowledge/embeddings';
import { ingest } from '../../knowledge/ingest/ingest';
import { pointId } from '../../knowledge/stores/point-id';
import { QdrantStore } from '../../knowledge/stores/qdrant-store';
import { FakeQdrant } from './fake-qdrant-server';
import { fakeEmbedding, FAKE_DIMENSIONS } from './fake-embeddings-server';
import { knowledgeConfig, quietLog, removeTempDirs, runbook, tempDir, writeFiles } from './support';

/** Contract of the Qdrant adapter with Qdrant's REST API, through the real @qdrant/js-client-rest. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const stubEmbedder: Embedder = {
  model: 'stub-embedding',
  embed: async (texts) => texts.map(fakeEmbedding),
  dimensions: async () => FAKE_DIMENSIONS,
};

function runbookFolder(): string {
  const dir = tempDir('qdrant-runbooks');
  writeFiles(dir, {
    'oom.md': runbook('oom', 'Writes rejected at maxmemory', 'memory', {
      Symptoms: 'Clients receive OOM command not allowed when used memory > maxmemory with the noeviction policy.',
      Fixes: 'Raise maxmemory with CONFIG SET maxmemory 4gb or switch maxmemory-policy to allkeys-lru for caches.',
    }),
    'replica.md': runbook('replica-down', 'Replica link down', 'replication', {
      Symptoms: 'The replica reports master_link_status:down and serves stale data.',
      Fixes: 'Check masterauth and run REPLICAOF with the current primary address.',
    }),
  });
  return dir;
}

describe('Qdrant adapter against the Qdrant REST API', () => {
  let qdrant: FakeQdrant;
  let url: string;

  beforeEach(async () => {
    qdrant = new FakeQdrant();
    url = await qdrant.start();
  });

  afterEach(async () => {
    await qdrant.stop();
    removeTempDirs();
  });

  const store = (dense?: Embedder) => new QdrantStore({ url, collection: 'sre_test' }, dense);

  it('creates the collection with a cosine "dense" vector sized by the model, an idf "bm25" sparse vector and keyword payload indexes', async () => {
    await ingest([runbookFolder()], { store: store(stubEmbedder), embedder: stubEmbedder });

    const [create] = qdrant.requestsTo('PUT', /^\/collections\/sre_test$/);
    expect(create.body.vectors).toEqual({ dense: { size: FAKE_DIMENSIONS, distance: 'Cosine' } });
    expect(create.body.sparse_vectors).toEqual({ bm25: { modifier: 'idf' } });
    const indexes = qdrant.requestsTo('PUT', /^\/collections\/sre_test\/index$/).map((r) => r.body);
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field_name: 'category', field_schema: 'keyword' }),
        expect.objectContaining({ field_name: 'tags', field_schema: 'keyword' }),
      ]),
    );
  });

  it('creates a sparse-only collection when no embedding model is configured', async () => {
    await ingest([runbookFolder()], { store: store(undefined) });

    const [create] = qdrant.requestsTo('PUT', /^\/collections\/sre_test$/);
    expect(create.body.vectors).toBeUndefined();
    expect(create.body.sparse_vectors).toEqual({ bm25: { modifier: 'idf' } });
    const upserted = qdrant.requestsTo('PUT', /\/points$/).flatMap((r) => r.body.points);
    expect(upserted.every((p: { vector: Record<string, unknown> }) => Object.keys(p.vector).join() === 'bm25')).toBe(true);
  });

  it('upserts chunks as UUID points with named dense and sparse vectors and the content hash in the payload', async () => {
    const summary = await ingest([runbookFolder()], { store: store(stubEmbedder), embedder: stubEmbedder });

    const upserts = qdrant.requestsTo('PUT', /^\/collections\/sre_test\/points$/);
    expect(upserts[0].query.wait).toBe('true');
    const points = upserts.flatMap((r) => r.body.points);
    expect(points).toHaveLength(summary.chunksAdded);
    for (const point of points) {
      expect(point.id).toMatch(UUID);
      expect(point.id).toBe(pointId(point.payload.chunk_id));
      expect(point.vector.dense).toHaveLength(FAKE_DIMENSIONS);
      const { indices, values } = point.vector.bm25;
      expect(indices.length).toBeGreaterThan(0);
      expect(indices).toHaveLength(values.length);
      expect(new Set(indices).size).toBe(indices.length);
      expect(indices.every((i: number) => Number.isInteger(i) && i >= 0 && i < 2 ** 32)).toBe(true);
      expect(values.every((v: number) => v > 0)).toBe(true);
      expect(point.payload).toEqual(
        expect.objectContaining({
          doc_id: expect.any(String),
          category: expect.any(String),
          tags: expect.any(Array),
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          text: expect.any(String),
        }),
      );
    }
  });

  it('re-ingesting scrolls the stored hashes and writes nothing when nothing changed', async () => {
    const folder = runbookFolder();
    await ingest([folder], { store: store(stubEmbedder), embedder: stubEmbedder });
    qdrant.clearRequests();

    const summary = await ingest([folder], { store: store(stubEmbedder), embedder: stubEmbedder });

    expect(summary).toEqual(expect.objectContaining({ chunksAdded: 0, chunksRemoved: 0 }));
    const [scroll] = qdrant.requestsTo('POST', /\/points\/scroll$/);
    expect(scroll.body.filter).toEqual({ must: [{ key: 'source', match: { any: [folder] } }] });
    expect(scroll.body.with_payload).toEqual(expect.arrayContaining(['hash']));
    expect(qdrant.requestsTo('PUT', /\/points$/)).toHaveLength(0);
    expect(qdrant.requestsTo('POST', /\/points\/delete$/)).toHaveLength(0);
  });

  it('editing one runbook upserts only its chunks; deleting one deletes its points', async () => {
    const folder = runbookFolder();
    await ingest([folder], { store: store(stubEmbedder), embedder: stubEmbedder });
    const replicaPoints = [...qdrant.collections.get('sre_test')!.points.values()].filter((p) => p.payload.doc_id === 'replica-down').map((p) => p.id);
    qdrant.clearRequests();

    fs.appendFileSync(path.join(folder, 'oom.md'), '\n## Prevention\n\nAlert at 80% of maxmemory and forecast growth.\n');
    await ingest([folder], { store: store(stubEmbedder), embedder: stubEmbedder });
    const upserted = qdrant.requestsTo('PUT', /\/points$/).flatMap((r) => r.body.points);
    expect(upserted.length).toBeGreaterThan(0);
    expect(new Set(upserted.map((p: { payload: { doc_id: string } }) => p.payload.doc_id))).toEqual(new Set(['oom']));
    qdrant.clearRequests();

    fs.rmSync(path.join(folder, 'replica.md'));
    const summary = await ingest([folder], { store: store(stubEmbedder), embedder: stubEmbedder });
    const [deletion] = qdrant.requestsTo('POST', /^\/collections\/sre_test\/points\/delete$/);
    expect(deletion.body.points.sort()).toEqual(replicaPoints.sort());
    expect(summary.chunksRemoved).toBe(replicaPoints.length);
  });

  it('searches through the Query API: sparse and dense prefetches fused with RRF, filtered by category', async () => {
    await ingest([runbookFolder()], { store: store(stubEmbedder), embedder: stubEmbedder });
    qdrant.clearRequests();

    const hits = await store(stubEmbedder).search({
      text: 'OOM command not allowed',
      vector: fakeEmbedding('OOM command not allowed'),
      limit: 3,
      category: 'memory',
    });

    const [query] = qdrant.requestsTo('POST', /^\/collections\/sre_test\/points\/query$/);
    const filter = { must: [{ key: 'category', match: { value: 'memory' } }] };
    expect(query.body.query).toEqual({ fusion: 'rrf' });
    expect(query.body.prefetch).toEqual([
      { query: { indices: expect.any(Array), values: expect.any(Array) }, using: 'bm25', limit: expect.any(Number), filter },
      { query: expect.any(Array), using: 'dense', limit: expect.any(Number), filter },
    ]);
    expect(query.body.prefetch[1].query).toHaveLength(FAKE_DIMENSIONS);
    expect(query.body.limit).toBe(3);
    expect(query.body.with_payload).toBe(true);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.chunk.category === 'memory')).toBe(true);
    expect(hits[0].chunk.docId).toBe('oom');
  });

  it('reads a whole document back from the payload of its first chunk', async () => {
    await ingest([runbookFolder()], { store: store(stubEmbedder), embedder: stubEmbedder });
    qdrant.clearRequests();

    const doc = await store(stubEmbedder).getDocument('replica-down');

    expect(doc).toEqual(expect.objectContaining({ id: 'replica-down', title: 'Replica link down', category: 'replication' }));
    expect(doc!.body).toContain('REPLICAOF');
    const [scroll] = qdrant.requestsTo('POST', /\/points\/scroll$/);
    expect(scroll.body.filter.must).toEqual(expect.arrayContaining([{ key: 'doc_id', match: { value: 'replica-down' } }]));
    expect(await store(stubEmbedder).getDocument('no-such-runbook')).toBeUndefined();
  });

  it('refuses an existing collection whose dense size does not match the embedding model, saying how to fix it', async () => {
    await ingest([runbookFolder()], { store: store(stubEmbedder), embedder: stubEmbedder });
    const otherModel: Embedder = { ...stubEmbedder, model: 'bigger-model', dimensions: async () => 1024 };

    const failure = store(otherModel).search({ text: 'maxmemory', limit: 3 });

    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/16-dimensional.*bigger-model.*1024.*QDRANT_COLLECTION/);
  });

  it('reports an unreachable Qdrant as unavailable, naming QDRANT_URL', async () => {
    await qdrant.stop();
    const failure = store(stubEmbedder).search({ text: 'maxmemory', limit: 3 });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow(/QDRANT_URL/);
  });

  it('with QDRANT_URL set, a fresh collection is filled with the built-in runbooks at first use and answers questions', async () => {
    const kb = createKnowledgeBase(knowledgeConfig(tempDir('qdrant-data'), { QDRANT_URL: url, QDRANT_COLLECTION: 'fresh' }), quietLog);

    const hits = await kb.search('what does noeviction do', { limit: 3 });

    expect(kb.backend).toBe('qdrant');
    expect(qdrant.collections.get('fresh')!.points.size).toBeGreaterThan(100);
    expect(['maxmemory-policies', 'oom-maxmemory']).toContain(hits[0].docId);
    expect((await kb.getDocument('sentinel-failover'))?.title).toMatch(/Sentinel/);
  });
});
