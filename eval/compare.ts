import * as fs from 'node:fs';
import { mean, summarize, type EvalReport, type ScenarioSummary } from './runner';

/** `sre-agent eval compare A.json B.json`: two eval runs side by side, per scenario and overall. */

export interface RunTotals {
  label: string;
  scenarios: number;
  runs: number;
  passAt1: number;
  passAll: number;
  meanTokens: number;
  meanSeconds: number;
  ungrounded: number;
}

export function loadReport(file: string): EvalReport {
  let parsed: EvalReport;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as EvalReport;
  } catch (err) {
    throw new Error(`${file}: not an eval results file (${(err as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(parsed.results)) throw new Error(`${file}: not an eval results file (no results array)`);
  // Results from before --repeat have no summary: derive it.
  return { ...parsed, label: parsed.label ?? parsed.model ?? parsed.mode, summary: parsed.summary ?? summarize(parsed.results) };
}

export function totals(report: EvalReport): RunTotals {
  const s = report.summary;
  return {
    label: report.label,
    scenarios: s.length,
    runs: report.results.length,
    passAt1: Math.round(mean(s.map((x) => x.passAt1)) * 100) / 100,
    passAll: s.filter((x) => x.passAll).length,
    meanTokens: Math.round(mean(s.map((x) => x.meanTokens))),
    meanSeconds: Math.round(mean(s.map((x) => x.meanSeconds)) * 10) / 10,
    ungrounded: s.reduce((n, x) => n + x.ungrounded, 0),
  };
}

const key = (s: ScenarioSummary) => `${s.id}${s.server ? ` [${s.server}]` : ''}`;
const cell = (s: ScenarioSummary | undefined) =>
  s ? `${s.passes}/${s.runs} · ${Math.round(s.meanTokens)} tok · ${s.meanSeconds}s${s.ungrounded ? ` · ${s.ungrounded} ungrounded` : ''}` : '—';

/** A Markdown table: one row per scenario, one column per run, totals last. */
export function compareTable(reports: EvalReport[]): string {
  const rows = new Map<string, Array<ScenarioSummary | undefined>>();
  reports.forEach((r, i) => {
    for (const s of r.summary) {
      const row = rows.get(key(s)) ?? reports.map(() => undefined);
      row[i] = s;
      rows.set(key(s), row);
    }
  });
  const header = `| scenario | ${reports.map((r) => r.label).join(' | ')} |`;
  const rule = `|---|${reports.map(() => '---').join('|')}|`;
  const body = [...rows.entries()].map(([k, cells]) => `| ${k} | ${cells.map(cell).join(' | ')} |`);
  const t = reports.map(totals);
  const footer = [
    `| **pass@1** | ${t.map((x) => `${Math.round(x.passAt1 * 100)}%`).join(' | ')} |`,
    `| **pass^N (all runs)** | ${t.map((x) => `${x.passAll}/${x.scenarios}`).join(' | ')} |`,
    `| **mean tokens / scenario** | ${t.map((x) => String(x.meanTokens)).join(' | ')} |`,
    `| **mean seconds / scenario** | ${t.map((x) => String(x.meanSeconds)).join(' | ')} |`,
    `| **ungrounded claims** | ${t.map((x) => String(x.ungrounded)).join(' | ')} |`,
  ];
  return [header, rule, ...body, ...footer].join('\n');
}
