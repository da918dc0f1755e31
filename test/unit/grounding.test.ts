import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkGrounding } from '../../activities/grounding/check';
import { extractClaims } from '../../activities/grounding/claims';
import { BUILTIN_TOOLS } from '../../activities/tools/registry';
import type { BaselineInput } from '../../activities/rules/baseline';
import type { EvidenceEntry } from '../../core/evidence';

/**
 * The grounding check over tool outputs captured from a real server whose writes fail with OOM
 * under noeviction (maxmemory 10 MB, used 8.29M, 14 OOM errors). A grounded answer passes; the
 * invented parts of the answer a real 1.5B model gave (issue 13) are marked.
 */
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'baselines', 'oom-noeviction.json'), 'utf8')) as { baseline: BaselineInput };
const evidence: EvidenceEntry[] = Object.entries(fixture.baseline).flatMap(([tool, e], i) => (e.ok ? [{ callId: `c${i}`, tool, data: e.output.data }] : []));
const tools = BUILTIN_TOOLS.map((t) => t.name);
const check = (answer: string) => checkGrounding(answer, evidence, tools);

describe('grounding check', () => {
  it('passes an answer whose values all come from the tool outputs', () => {
    const result = check(
      [
        'Writes fail with OOM: `maxmemory-policy` is `noeviction` and used_memory is 8.29M of maxmemory 10 MB.',
        'INFO errorstats shows 14 OOM errors (redis_info). Raise maxmemory to 64 MB or switch the policy:',
        '```',
        'CONFIG SET maxmemory-policy allkeys-lru',
        '```',
      ].join('\n'),
    );
    expect(result.unsupported).toEqual([]);
    expect(result.checked).toBeGreaterThanOrEqual(4);
    expect(result.annotated).toMatch(/all \d+ concrete claims were found/);
  });

  it("marks what the real small model invented: a field no tool returned, a tool that does not exist, a CONFIG SET to today's value", () => {
    const result = check(
      [
        'The INFO excerpt shows "write_latency_ms": 20, which means writes are slow.',
        'According to redis_acl_users, all users can write.',
        'Fix it with `CONFIG SET maxmemory 10mb`.',
        'Latency peaked at 512 ms.',
      ].join('\n'),
    );
    const reasons = result.unsupported.map((f) => `${f.claim} => ${f.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/write_latency_ms.*no tool output has a field write_latency_ms/),
        'redis_acl_users => there is no tool named redis_acl_users',
        expect.stringMatching(/CONFIG SET maxmemory 10mb => maxmemory is already 10485760: this CONFIG SET changes nothing/),
        '512 ms => no tool output shows 512 ms',
      ]),
    );
    expect(result.annotated).toMatch(/"write_latency_ms": 20 ⚠️ _\(not found in the evidence: /);
    expect(result.annotated).toMatch(/\*\*Grounding check:\*\* \d+ of \d+ concrete claims were found in this task's tool outputs; 4 were not/);
  });

  it('knows a tool that exists but was not called in this task', () => {
    const result = checkGrounding('The prometheus_query_range output shows a rising curve.', evidence, tools);
    expect(result.unsupported).toEqual([{ claim: 'prometheus_query_range', reason: 'prometheus_query_range was not called in this task' }]);
  });

  it('does not count proposals or commands in code blocks as claims about what was seen', () => {
    const claims = extractClaims('Raise maxmemory to 2 GB and set timeout to 300 s.').map((c) => c.text);
    expect(claims).toEqual(expect.arrayContaining(['2 GB', '300 s']));
    expect(check('Raise maxmemory to 2 GB and set timeout to 300 s.').unsupported).toEqual([]);
    expect(check('```\nredis-cli --bigkeys -i 0.1\nCONFIG SET maxmemory 2gb\n```').unsupported).toEqual([]);
  });

  it('finds key names only when a tool saw them', () => {
    expect(check('The biggest key is `nonexistent:key:42`.').unsupported.map((f) => f.reason)).toEqual(['no tool output mentions the key nonexistent:key:42']);
  });
});
