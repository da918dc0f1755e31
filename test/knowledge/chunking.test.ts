import { ValidationError } from '../../core/errors';
import { chunkDocument } from '../../knowledge/documents/chunking';
import { parseDocument } from '../../knowledge/documents/source-document';

const RUNBOOK = `---
id: oom-demo
title: Writes rejected at maxmemory
category: memory
severity: critical
tags: [oom, maxmemory]
---
# Writes rejected at maxmemory

Redis refuses writes at the memory limit once used_memory reaches maxmemory and the eviction policy
cannot free anything. Reads keep working, which is why this incident often looks like the cache is up
but nothing new is stored.

## Symptoms

Clients receive OOM errors.

## Confirm

### redis-cli

\`\`\`
redis-cli INFO memory

redis-cli CONFIG GET maxmemory-policy
\`\`\`

### Prometheus

Watch redis_memory_used_bytes / redis_memory_max_bytes.

## Fixes

Raise maxmemory.
`;

describe('chunking runbooks', () => {
  const doc = parseDocument(RUNBOOK, 'oom-demo.md', 'test');

  it('splits at ## and ### headings and keeps the title and heading path on every chunk', () => {
    const chunks = chunkDocument(doc);

    expect(chunks.map((c) => c.headingPath)).toEqual([[], ['Symptoms'], ['Confirm', 'redis-cli'], ['Confirm', 'Prometheus'], ['Fixes']]);
    expect(chunks.every((c) => c.title === 'Writes rejected at maxmemory' && c.docId === 'oom-demo' && c.category === 'memory')).toBe(true);
    expect(chunks.map((c) => c.id)).toEqual([
      'oom-demo#overview:1',
      'oom-demo#symptoms:1',
      'oom-demo#confirm/redis-cli:1',
      'oom-demo#confirm/prometheus:1',
      'oom-demo#fixes:1',
    ]);
    expect(chunks[2].text).toContain('redis-cli INFO memory\n\nredis-cli CONFIG GET maxmemory-policy');
  });

  it('keeps the whole document on the first chunk only, so it can be read back from any store', () => {
    const chunks = chunkDocument(doc);
    expect(chunks[0].document).toEqual({
      id: 'oom-demo',
      title: 'Writes rejected at maxmemory',
      category: 'memory',
      severity: 'critical',
      tags: ['oom', 'maxmemory'],
      body: doc.body,
    });
    expect(chunks.slice(1).every((c) => c.document === undefined)).toBe(true);
  });

  it('splits a long section between paragraphs, repeating the end of the previous piece', () => {
    const paragraphs = Array.from(
      { length: 6 },
      (_, i) => `Paragraph ${i + 1}: ${'evictions rise when the working set outgrows maxmemory. '.repeat(4).trim()}`,
    );
    const long = parseDocument(`# Long\n\n## Causes\n\n${paragraphs.join('\n\n')}\n`, 'long.md', 'test');

    const chunks = chunkDocument(long, { maxChars: 600, overlapChars: 250 });

    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.headingPath[0] === 'Causes')).toBe(true);
    expect(chunks.every((c) => c.text.length <= 600 + 250)).toBe(true);
    for (let i = 1; i < chunks.length; i++) {
      const lastOfPrevious = chunks[i - 1].text.split('\n\n').at(-1)!;
      expect(chunks[i].text.startsWith(lastOfPrevious)).toBe(true);
    }
    const allText = chunks.map((c) => c.text).join('\n\n');
    for (const p of paragraphs) expect(allText).toContain(p);
  });

  it('keeps a short introduction with the subsection it introduces', () => {
    const withIntro = parseDocument('# Policies\n\n## Causes\n\nEach policy explained:\n\n### noeviction\n\nNothing is evicted.\n', 'p.md', 'test');
    const chunks = chunkDocument(withIntro);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].headingPath).toEqual(['Causes', 'noeviction']);
    expect(chunks[0].text).toBe('Each policy explained:\n\nNothing is evicted.');
  });

  it('derives the id from the path and the title from the first heading when there is no front matter', () => {
    const plain = parseDocument('# Redis On-call Notes\n\nRestart the exporter first.\n', 'ops/Redis Notes.md', 'notes');
    expect(plain).toEqual(expect.objectContaining({ id: 'ops/redis-notes', title: 'Redis On-call Notes', category: 'general', tags: [] }));
    const text = parseDocument('Failover checklist\n\n1. Check SENTINEL CKQUORUM.\n', 'checklist.txt', 'notes');
    expect(text).toEqual(expect.objectContaining({ id: 'checklist', title: 'Failover checklist' }));
    expect(chunkDocument(text)[0].text).toContain('SENTINEL CKQUORUM');
  });

  it('rejects bad front matter, naming the file and the field', () => {
    expect(() => parseDocument('---\nid: Bad Id\n---\n# x\n', 'bad.md', 'test')).toThrow(ValidationError);
    expect(() => parseDocument('---\nid: Bad Id\n---\n# x\n', 'bad.md', 'test')).toThrow(/bad\.md: invalid front matter: id:/);
    expect(() => parseDocument('---\ntags: [unclosed\n---\n# x\n', 'broken.md', 'test')).toThrow(/broken\.md: front matter is not valid YAML/);
  });
});
