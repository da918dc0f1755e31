import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import { builtInRunbooksDir } from '../../knowledge/documents/discover';
import { median, percentile, round } from './stats';

/** Local knowledge search latency over a corpus of 1,000+ chunks. */

const QUERIES = [
  'writes fail with OOM command not allowed',
  'how to pick a maxmemory policy for a cache',
  'replica shows master_link_status down',
  'KEYS command blocks the server',
  'memory fragmentation ratio is high after deletes',
  'clients rejected max number of clients reached',
  'BGSAVE fails permission denied MISCONF',
  'AOF rewrite keeps failing',
  'BUSY script kill',
  'consumer group lag on a stream',
  'sentinel failover did not happen',
  'cluster slots not covered CLUSTERDOWN',
  'hot key on one shard',
  'big hash HGETALL slow',
  'pubsub subscriber output buffer',
  'expire storm latency spikes',
  'harden ACL default user nopass',
  'capacity planning for growth',
];

export async function benchKnowledgeSearch(minChunks = 1000) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-agent-bench-kb-'));
  const corpus = path.join(dataDir, 'corpus');
  try {
    // The runbooks, copied as several "team wikis" with their own ids, to pass 1,000 chunks.
    const runbooks = fs.readdirSync(builtInRunbooksDir()).filter((f) => f.endsWith('.md'));
    const kb = createKnowledgeBase(loadConfig({ SRE_DATA_DIR: dataDir, PATH: process.env.PATH }), createLogger('bench', 'error'));
    let chunks = 0;
    for (let copy = 1; chunks < minChunks && copy <= 40; copy++) {
      const dir = path.join(corpus, `team-${copy}`);
      fs.mkdirSync(dir, { recursive: true });
      for (const file of runbooks) {
        const text = fs.readFileSync(path.join(builtInRunbooksDir(), file), 'utf8').replace(/^id: (.+)$/m, `id: $1-team-${copy}`);
        fs.writeFileSync(path.join(dir, file), text);
      }
      const summary = await kb.ingest([corpus]);
      chunks = summary.chunksAdded + summary.unchanged;
    }
    for (const q of QUERIES) await kb.search(q, { limit: 5 }); // warm-up
    const samples: number[] = [];
    for (let round_ = 0; round_ < 10; round_++) {
      for (const q of QUERIES) {
        const t = process.hrtime.bigint();
        await kb.search(q, { limit: 5 });
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    return { chunks, queries: samples.length, p50Ms: round(median(samples), 2), p95Ms: round(percentile(samples, 95), 2) };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
