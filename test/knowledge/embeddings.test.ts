import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../core/errors';
import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import { createEmbedder } from '../../knowledge/embeddings';
import type { IndexedChunk } from '../../knowledge/stores/store';
import { FakeEmbeddingsServer, FAKE_DIMENSIONS, fakeEmbedding } from './fake-embeddings-server';
import { knowledgeConfig, quietLog, removeTempDirs, runbook, tempDir, writeFiles } from './support';

describe('embeddings through an OpenAI-compatible endpoint', () => {
  let server: FakeEmbeddingsServer;
  let baseURL: string;

  beforeEach(async () => {
    server = new FakeEmbeddingsServer();
    baseURL = await server.start();
  });

  afterEach(async () => {
    await server.stop();
    removeTempDirs();
  });

  it('embeds with the real openai SDK and answers repeated texts from the disk cache, across processes', async () => {
    const cacheDir = tempDir('embedding-cache');
    const embedder = createEmbedder({ baseURL, apiKey: 'test-key', model: 'embed-small' }, cacheDir);

    const first = await embedder.embed(['maxmemory reached', 'replica link down']);
    const again = await embedder.embed(['replica link down', 'maxmemory reached']);
    const restarted = await createEmbedder({ baseURL, apiKey: 'test-key', model: 'embed-small' }, cacheDir).embed(['maxmemory reached']);

    expect(server.requests).toEqual([{ model: 'embed-small', input: ['maxmemory reached', 'replica link down'], encoding_format: 'float' }]);
    expect(first).toEqual([fakeEmbedding('maxmemory reached'), fakeEmbedding('replica link down')]);
    expect(again).toEqual([first[1], first[0]]);
    expect(restarted).toEqual([first[0]]);
    expect(await embedder.dimensions()).toBe(FAKE_DIMENSIONS);
  });

  it('does not reuse vectors of another model', async () => {
    const cacheDir = tempDir('embedding-cache');
    await createEmbedder({ baseURL, model: 'model-a' }, cacheDir).embed(['noeviction']);
    await createEmbedder({ baseURL, model: 'model-b' }, cacheDir).embed(['noeviction']);
    expect(server.requests.map((r) => r.model)).toEqual(['model-a', 'model-b']);
  });

  it('reports a model the endpoint does not serve as a configuration problem', async () => {
    server.unknownModels.add('no-such-model');
    const failure = createEmbedder({ baseURL, model: 'no-such-model' }, tempDir('embedding-cache')).embed(['x']);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/SRE_EMBEDDING_MODEL.*no-such-model.*HTTP 404/);
  });

  describe('hybrid search in the local store', () => {
    function setUp() {
      const dataDir = tempDir('hybrid-data');
      const folder = tempDir('hybrid-runbooks');
      writeFiles(folder, {
        'oom.md': runbook('oom', 'Writes rejected at maxmemory', 'memory', { Symptoms: 'OOM command not allowed when used memory > maxmemory.' }),
        'replica.md': runbook('replica', 'Replica link down', 'replication', { Symptoms: 'master_link_status:down on the replica.' }),
      });
      const config = knowledgeConfig(dataDir, { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: 'test-key', SRE_EMBEDDING_MODEL: 'embed-small' });
      return { dataDir, folder, kb: createKnowledgeBase(config, quietLog) };
    }

    it('stores a vector with every chunk and embeds each question once', async () => {
      const { dataDir, folder, kb } = setUp();
      await kb.ingest([folder]);
      const chunks = fs
        .readFileSync(path.join(dataDir, 'knowledge', 'index.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as IndexedChunk);
      expect(chunks.map((c) => c.docId).sort()).toEqual(['oom', 'replica']);
      expect(chunks.every((c) => c.vector?.length === FAKE_DIMENSIONS)).toBe(true);

      await kb.getDocument('oom'); // first use also indexes the built-in runbooks
      const before = server.requests.length;
      const hits = await kb.search('master_link_status down', { limit: 3 });
      expect(hits[0].docId).toBe('replica');
      expect(server.requests.slice(before)).toEqual([expect.objectContaining({ input: ['master_link_status down'] })]);
    });

    it('re-ingesting unchanged documents does not call the endpoint again', async () => {
      const { folder, kb } = setUp();
      await kb.ingest([folder]);
      const calls = server.requests.length;
      const summary = await kb.ingest([folder]);
      expect(summary.chunksAdded).toBe(0);
      expect(server.requests.length).toBe(calls);
    });

    it('still answers lexically when the endpoint is down at question time', async () => {
      const { folder, kb } = setUp();
      await kb.ingest([folder]);
      await kb.search('warm up', { limit: 1 });
      await server.stop();

      const hits = await kb.search('OOM command not allowed', { limit: 2 });

      expect(hits[0].docId).toBe('oom');
    });
  });
});
