import { ApplicationFailure } from '@temporalio/common';
import { knowledgeGetDocument, knowledgeSearch } from '../../activities/tools/knowledge';
import { runTool } from '../../activities/tools/activities';
import type { ToolDeps } from '../../activities/tools/deps';
import { BUILTIN_TOOLS, ToolRegistry } from '../../activities/tools/registry';
import { createKnowledgeBase } from '../../knowledge/create-knowledge-base';
import type { KnowledgeBase } from '../../knowledge/knowledge-base';
import { knowledgeConfig, quietLog, removeTempDirs, tempDir } from './support';

/** The two knowledge tools, run the way the worker runs every tool activity. */

describe('knowledge tools', () => {
  const config = knowledgeConfig(tempDir('tools'));
  const recorded: unknown[] = [];
  const deps = (knowledge?: KnowledgeBase): ToolDeps =>
    ({
      config,
      knowledge,
      log: quietLog,
      threads: { publish: async (_t: string, e: unknown) => void recorded.push(e), recordToolCall: async () => undefined },
    }) as unknown as ToolDeps;
  const kb = createKnowledgeBase(config, quietLog);
  const call = (args: unknown) => ({ callId: 'c1', taskId: 't1', threadId: 'th1', args });

  afterAll(removeTempDirs);

  it('knowledge_search returns hits in the exact shape the offline knowledge workflow reads', async () => {
    const output = await runTool(knowledgeSearch, deps(kb), call({ query: 'replica keeps doing a full resync' }));
    const { hits } = output.data as { hits: Array<Record<string, unknown>> };

    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(5);
    for (const hit of hits) expect(Object.keys(hit).sort()).toEqual(['category', 'docId', 'heading', 'score', 'snippet', 'title']);
    expect(hits[0].docId).toBe('full-resync-backlog');
    expect(output.truncated).toBeUndefined();
  });

  it('knowledge_search honours limit and category', async () => {
    const output = await runTool(knowledgeSearch, deps(kb), call({ query: 'memory', limit: 10, category: 'persistence' }));
    const { hits } = output.data as { hits: Array<{ category: string; snippet: string }> };
    expect(hits.length).toBeGreaterThan(2);
    expect(hits.every((h) => h.category === 'persistence')).toBe(true);
    expect(output.truncated).toBeUndefined();
  });

  it('rejects bad arguments without retrying', async () => {
    for (const args of [{ query: 'x'.repeat(501) }, { query: 'oom', limit: 11 }, { query: 'oom', category: 'dragons' }, {}]) {
      const failure = await runTool(knowledgeSearch, deps(kb), call(args)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    }
  });

  it('knowledge_get_document returns a whole runbook, bounded to about 6000 characters', async () => {
    const output = await runTool(knowledgeGetDocument, deps(kb), call({ id: 'sentinel-failover' }));
    const doc = output.data as { id: string; title: string; body: string; tags: string[] };
    expect(doc.id).toBe('sentinel-failover');
    expect(doc.body).toContain('SENTINEL CKQUORUM');
    expect(doc.body.length).toBeLessThanOrEqual(6001);
    expect(output.truncated).toBeUndefined();
  });

  it('an unknown runbook id fails without retrying and says what was not found', async () => {
    const failure = (await runTool(knowledgeGetDocument, deps(kb), call({ id: 'no-such-runbook' })).catch((e: unknown) => e)) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/runbook 'no-such-runbook' not found/);
  });

  it('without a knowledge base the tool fails with a validation error instead of crashing', async () => {
    const failure = (await runTool(knowledgeSearch, deps(undefined), call({ query: 'oom' })).catch((e: unknown) => e)) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/knowledge base is not available/);
  });

  it('both tools are offered to the knowledge agent without an instance, read-only', () => {
    const offered = new ToolRegistry(BUILTIN_TOOLS).offered(config, { withInstance: false, capabilities: ['knowledge'] });
    expect(offered.map((t) => t.name).sort()).toEqual(['knowledge_get_document', 'knowledge_search']);
    expect(offered.every((t) => t.access === 'read' && !t.needsInstance && t.capability === 'knowledge')).toBe(true);
  });
});
