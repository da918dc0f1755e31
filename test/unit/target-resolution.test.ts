import { resolveByWords, resolveFromModel, type RegisteredTarget } from '../../core/target-resolution';
import { comparisonSummary } from '../../activities/fleet';
import type { Finding } from '../../core/types';

const t = (
  name: string,
  environment: RegisteredTarget['environment'],
  usage: RegisteredTarget['usage'],
  instance_type: RegisteredTarget['instance_type'] = 'standalone',
): RegisteredTarget => ({
  id: `inst_${name}`,
  name,
  environment,
  usage,
  instance_type,
});

const REGISTRY = [
  t('cache-prod', 'production', 'cache'),
  t('cache-prod-eu', 'production', 'cache'),
  t('cache-staging', 'staging', 'cache'),
  t('sessions-prod', 'production', 'session'),
  t('orders-cluster', 'production', 'primary', 'cluster'),
  t('db', 'test', 'other'),
];

const names = (question: string) => {
  const r = resolveByWords(question, REGISTRY);
  return r.kind === 'none' ? [] : r.kind === 'one' ? [r.target.name] : r.targets.map((m) => m.name);
};

describe('resolving the instances a question names', () => {
  it('finds registered names said whole, in the order said', () => {
    expect(names('compare cache-staging and cache-prod')).toEqual(['cache-staging', 'cache-prod']);
    expect(names('Compare CACHE-PROD with cache-prod-eu, please.')).toEqual(['cache-prod', 'cache-prod-eu']);
    // cache-prod is not found inside cache-prod-eu, nor in cache-production.
    expect(names('why is cache-prod-eu slow?')).toEqual(['cache-prod-eu']);
    expect(names('why is cache-production slow?')).toEqual([]);
    // Too short to tell from a word.
    expect(names('is the db ok?')).toEqual([]);
  });

  it('one name attaches that instance; several are answered side by side', () => {
    expect(resolveByWords('why is cache-prod slow?', REGISTRY)).toMatchObject({ kind: 'one', via: 'names', target: { instanceId: 'inst_cache-prod' } });
    expect(resolveByWords('compare cache-prod and cache-staging', REGISTRY)).toMatchObject({ kind: 'several', via: 'names', leftOut: 0 });
  });

  it('a set said by its attributes resolves to the registered instances that have them', () => {
    expect(names('check all production caches')).toEqual(['cache-prod', 'cache-prod-eu']);
    expect(names('Are all the staging and production caches healthy?')).toEqual(['cache-prod', 'cache-prod-eu', 'cache-staging']);
    expect(names('any problems on the production session stores?')).toEqual(['sessions-prod']);
    expect(names('check every instance')).toEqual(REGISTRY.map((r) => r.name).sort());
    expect(names('review all production clusters')).toEqual(['orders-cluster']);
  });

  it('a general question that happens to say "all caches" or "production" names no instance', () => {
    expect(names('What is the best eviction policy for all caches?')).toEqual([]);
    expect(names('what does maxmemory-policy do in production?')).toEqual([]);
    expect(names('Explain how a cache should expire keys')).toEqual([]);
    expect(resolveByWords('check all production caches', [])).toEqual({ kind: 'none' });
  });

  it("accepts a model's reply only when every name it gives is registered", () => {
    expect(resolveFromModel(['cache-staging'], REGISTRY)).toMatchObject({ kind: 'one', via: 'model', target: { name: 'cache-staging' } });
    expect(resolveFromModel(['Cache-Prod', 'cache-staging', 'cache-prod'], REGISTRY)).toMatchObject({
      kind: 'several',
      targets: [{ name: 'cache-prod' }, { name: 'cache-staging' }],
    });
    expect(resolveFromModel([], REGISTRY)).toEqual({ kind: 'none' });
    expect(resolveFromModel(['cache-prod', 'cache-invented'], REGISTRY)).toBeUndefined();
  });
});

describe('several instances side by side', () => {
  const finding = (checkId: string, severity: Finding['severity'], title: string) => ({ checkId, severity, title }) as Finding;
  it('lists each instance with its verdict and task, then what only some of them have', () => {
    const text = comparisonSummary(
      {
        question: 'compare cache-prod and cache-staging',
        reason: 'the question names cache-prod, cache-staging',
        rows: [
          { instanceId: 'a', name: 'cache-prod', taskId: 'task_1-on-a', verdict: 'critical', topFinding: 'Writes rejected with OOM errors', findings: 2 },
          { instanceId: 'b', name: 'cache-staging', taskId: 'task_1-on-b', verdict: 'warning', topFinding: 'No password required', findings: 1 },
        ],
        findings: {
          a: [
            finding('memory.maxmemory-write-errors', 'critical', 'Writes rejected with OOM errors'),
            finding('security.authentication', 'warning', 'No password required'),
          ],
          b: [finding('security.authentication', 'warning', 'No password required'), finding('memory.fragmentation', 'info', 'High fragmentation')],
        },
        leftOut: 0,
      },
      (id) => `http://ui/${id}`,
    );
    expect(text).toContain('| cache-prod | CRITICAL | Writes rejected with OOM errors | 2 | [task_1-on-a](http://ui/task_1-on-a) |');
    expect(text).toMatch(/## What differs\n\n- critical: Writes rejected with OOM errors \(check `memory.maxmemory-write-errors`\) — cache-prod\n/);
    expect(text).toMatch(/## On every instance\n\n- warning: No password required \(check `security.authentication`\) — cache-prod, cache-staging/);
    // Info findings are not differences.
    expect(text).not.toContain('fragmentation');
  });
});
