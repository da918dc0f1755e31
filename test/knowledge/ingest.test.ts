import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../../core/errors';
import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import { ingest } from '../../knowledge/ingest/ingest';
import { LocalStore } from '../../knowledge/stores/local-store';
import type { IndexedChunk } from '../../knowledge/stores/store';
import { knowledgeConfig, quietLog, removeTempDirs, runbook, tempDir, writeFiles } from './support';

function runbooks(): Record<string, string> {
  return {
    'oom.md': runbook('oom', 'Writes rejected at maxmemory', 'memory', {
      Symptoms: 'Clients receive OOM command not allowed when used memory > maxmemory.',
      Fixes: 'Raise maxmemory or switch maxmemory-policy to allkeys-lru.',
    }),
    'slowlog.md': runbook('slowlog', 'Slow commands', 'performance', {
      Symptoms: 'SLOWLOG GET shows KEYS and HGETALL on big hashes.',
      Fixes: 'Replace KEYS with SCAN and delete big keys with UNLINK.',
    }),
    'replica.md': runbook('replica', 'Replica link down', 'replication', {
      Symptoms: 'master_link_status:down on the replica.',
      Fixes: 'Fix masterauth and REPLICAOF the current primary.',
    }),
  };
}

function indexedChunks(store: LocalStore): IndexedChunk[] {
  return fs
    .readFileSync(store.file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as IndexedChunk);
}

describe('knowledge ingest into the local store', () => {
  let dataDir: string;
  let folder: string;
  let store: LocalStore;

  beforeEach(() => {
    dataDir = tempDir('ingest-data');
    folder = tempDir('ingest-runbooks');
    writeFiles(folder, runbooks());
    store = new LocalStore(path.join(dataDir, 'knowledge'));
  });

  afterEach(removeTempDirs);

  it('indexes every chunk of every document and reports the counts', async () => {
    const summary = await ingest([folder], { store });
    expect(summary).toEqual({ documents: 3, chunksAdded: 6, chunksRemoved: 0, unchanged: 0 });
    expect(new Set(indexedChunks(store).map((c) => c.docId))).toEqual(new Set(['oom', 'slowlog', 'replica']));
  });

  it('writes nothing when the files did not change', async () => {
    await ingest([folder], { store });
    const before = fs.statSync(store.file).mtimeMs;
    const write = jest.spyOn(store, 'write');

    const summary = await ingest([folder], { store });

    expect(summary).toEqual({ documents: 3, chunksAdded: 0, chunksRemoved: 0, unchanged: 6 });
    expect(write).not.toHaveBeenCalled();
    expect(fs.statSync(store.file).mtimeMs).toBe(before);
  });

  it('re-indexes only the chunks of the edited runbook', async () => {
    await ingest([folder], { store });
    const before = new Map(indexedChunks(store).map((c) => [c.id, c.hash]));

    fs.writeFileSync(
      path.join(folder, 'slowlog.md'),
      runbook('slowlog', 'Slow commands', 'performance', {
        Symptoms: 'SLOWLOG GET shows KEYS and HGETALL on big hashes.',
        Fixes: 'Replace KEYS with SCAN, delete big keys with UNLINK and enable lazyfree-lazy-user-del.',
      }),
    );
    const summary = await ingest([folder], { store });

    const rewritten = indexedChunks(store).filter((c) => before.get(c.id) !== c.hash);
    expect(rewritten.length).toBe(summary.chunksAdded);
    expect(rewritten.length).toBeGreaterThan(0);
    expect(rewritten.every((c) => c.docId === 'slowlog')).toBe(true);
    expect(summary.unchanged).toBe(6 - summary.chunksAdded);
    const [fixes] = await createKnowledgeBase(knowledgeConfig(dataDir), quietLog).search('lazyfree-lazy-user-del', { limit: 1 });
    expect(fixes.docId).toBe('slowlog');
  });

  it('removes the chunks of a deleted runbook, leaving documents from other folders alone', async () => {
    const otherFolder = tempDir('ingest-other');
    writeFiles(otherFolder, { 'team-notes.md': '# Team notes\n\nCall the storage team before resizing volumes.\n' });
    await ingest([folder], { store });
    await ingest([otherFolder], { store });

    fs.rmSync(path.join(folder, 'replica.md'));
    const summary = await ingest([folder], { store });

    expect(summary).toEqual({ documents: 2, chunksAdded: 0, chunksRemoved: 2, unchanged: 4 });
    const docs = new Set(indexedChunks(store).map((c) => c.docId));
    expect(docs.has('replica')).toBe(false);
    expect(docs.has('team-notes')).toBe(true);
    expect(await store.getDocument('replica')).toBeUndefined();
  });

  it('refuses two documents with the same id, naming both files', async () => {
    writeFiles(folder, { 'copy-of-oom.md': runbook('oom', 'Copy', 'memory', { Fixes: 'x' }) });
    const failure = ingest([folder], { store });
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toThrow(/two documents have the id 'oom'/);
  });

  it('reports a missing path instead of silently indexing nothing', async () => {
    await expect(ingest([path.join(folder, 'nope')], { store })).rejects.toThrow(/knowledge path not found/);
  });

  it('fills an empty local index with the built-in runbooks on first use', async () => {
    const kb = createKnowledgeBase(knowledgeConfig(dataDir), quietLog);
    expect(fs.existsSync(store.file)).toBe(false);

    const doc = await kb.getDocument('oom-maxmemory');

    expect(doc?.title).toMatch(/OOM/);
    expect(new Set(indexedChunks(store).map((c) => c.docId)).size).toBeGreaterThanOrEqual(22);
  });
});
