import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';
import { KNOWLEDGE_CATEGORIES } from '../../knowledge/categories';
import { builtInRunbooksDir, discoverDocuments } from '../../knowledge/documents/discover';

/** The runbooks are product content: the rules engine and the agent cite them by id. */

const REQUIRED_IDS = [
  'oom-maxmemory',
  'evictions-hit-ratio',
  'memory-fragmentation',
  'latency-slowlog',
  'big-keys',
  'hot-keys',
  'connection-limits',
  'client-timeouts',
  'blocked-clients',
  'pubsub-output-buffers',
  'replication-link-down',
  'full-resync-backlog',
  'rdb-persistence-failures',
  'aof-persistence-failures',
  'lua-busy-scripts',
  'expiry-storms',
  'security-acl-hardening',
  'cluster-slots-migration',
  'sentinel-failover',
  'streams-consumer-lag',
  'capacity-planning',
  'maxmemory-policies',
];

/** Every runbook id named in the rules engine's checks (e.g. `runbook: 'oom-maxmemory'`). */
function idsLinkedByRules(): string[] {
  const dir = path.join(projectRoot(), 'activities', 'rules');
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts'));
  const ids = new Set<string>();
  for (const file of files) {
    const source = fs.readFileSync(path.join(file.parentPath, file.name), 'utf8');
    for (const [, expression] of source.matchAll(/runbook:\s*([^,\n}]+)/g)) {
      for (const [, id] of expression.matchAll(/'([a-z0-9-]+)'/g)) ids.add(id);
    }
  }
  return [...ids];
}

describe('built-in runbooks', () => {
  const { documents } = discoverDocuments([builtInRunbooksDir()]);
  const ids = documents.map((d) => d.id);

  it('cover every runbook the rules engine links to, and the required set', () => {
    const linked = idsLinkedByRules();
    expect(linked.length).toBeGreaterThan(10);
    expect(ids).toEqual(expect.arrayContaining([...linked, ...REQUIRED_IDS]));
    expect(documents.length).toBeGreaterThanOrEqual(22);
  });

  it.each(documents.map((d) => [d.id, d] as const))('%s has front matter, the five sections, commands and a practical length', (_id, doc) => {
    expect(doc.relativePath).toBe(`${doc.id}.md`);
    expect(KNOWLEDGE_CATEGORIES).toContain(doc.category);
    expect(['critical', 'warning', 'info']).toContain(doc.severity);
    expect(doc.tags.length).toBeGreaterThanOrEqual(3);
    for (const section of ['Symptoms', 'Confirm', 'Causes', 'Fixes', 'Prevention']) expect(doc.body).toMatch(new RegExp(`^## ${section}`, 'm'));
    expect(doc.body).toMatch(/redis-cli /);
    const words = doc.body.split(/\s+/).filter(Boolean).length;
    expect(words).toBeGreaterThanOrEqual(400);
    expect(words).toBeLessThanOrEqual(1200);
  });

  it('use every category at least once', () => {
    expect(new Set(documents.map((d) => d.category))).toEqual(new Set(KNOWLEDGE_CATEGORIES));
  });
});
