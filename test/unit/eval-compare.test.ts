import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareTable, loadReport, totals } from '../../eval/compare';
import { summarize, type EvalReport, type ScenarioResult } from '../../eval/runner';
import { rubricFor } from '../../eval/judge';

const result = (id: string, status: ScenarioResult['status'], tokens: number, seconds: number, run = 1): ScenarioResult => ({
  id,
  title: id,
  file: `${id}.yaml`,
  server: 'redis',
  status,
  failed: [],
  toolCalls: 3,
  tokens,
  modelCalls: 1,
  seconds,
  run,
});

function report(label: string, results: ScenarioResult[]): EvalReport {
  return { startedAt: '', finishedAt: '', mode: 'model', label, repeat: 2, servers: ['redis'], results, summary: summarize(results), passed: 0, failed: 0 };
}

describe('eval summaries and comparison', () => {
  const a = report('offline', [result('oom', 'pass', 0, 4), result('oom', 'pass', 0, 6, 2), result('slow', 'fail', 0, 5), result('slow', 'pass', 0, 5, 2)]);
  const b = report('local', [
    result('oom', 'pass', 2000, 90),
    result('oom', 'fail', 2400, 110, 2),
    result('slow', 'fail', 1800, 80),
    result('slow', 'fail', 1900, 70, 2),
  ]);

  it('pass@1 is the mean pass rate over runs; pass^N counts scenarios that passed every run', () => {
    expect(a.summary).toEqual([
      expect.objectContaining({ id: 'oom', runs: 2, passes: 2, passAt1: 1, passAll: true, meanSeconds: 5 }),
      expect.objectContaining({ id: 'slow', runs: 2, passes: 1, passAt1: 0.5, passAll: false }),
    ]);
    expect(totals(a)).toMatchObject({ passAt1: 0.75, passAll: 1, scenarios: 2, runs: 4 });
    expect(totals(b)).toMatchObject({ passAt1: 0.25, passAll: 0, meanTokens: 2025, meanSeconds: 87.5 });
  });

  it('prints one row per scenario and one column per run, totals last', () => {
    const table = compareTable([a, b]).split('\n');
    expect(table[0]).toBe('| scenario | offline | local |');
    expect(table).toContain('| oom [redis] | 2/2 · 0 tok · 5s | 1/2 · 2200 tok · 100s |');
    expect(table).toContain('| **pass@1** | 75% | 25% |');
    expect(table).toContain('| **pass^N (all runs)** | 1/2 | 0/2 |');
  });

  it('reads results files from before --repeat, and names a file that is not one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-compare-'));
    const old = { mode: 'offline', results: [result('oom', 'pass', 0, 4)] };
    fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify(old));
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"hello": 1}');
    expect(loadReport(path.join(dir, 'old.json'))).toMatchObject({ label: 'offline', summary: [expect.objectContaining({ id: 'oom', passAll: true })] });
    expect(() => loadReport(path.join(dir, 'bad.json'))).toThrow(/bad\.json: not an eval results file/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the judge's rubric is the scenario's own expectations, every element listed", () => {
    const rubric = rubricFor({ title: 'OOM', query: 'why?', must_mention: [['noeviction'], ['OOM', 'out of memory']], must_not_mention: [['fragmentation']] });
    expect(rubric).toContain('1. noeviction');
    expect(rubric).toContain('2. OOM OR out of memory');
    expect(rubric).toMatch(/must not contain:\n1\. fragmentation/);
  });
});
