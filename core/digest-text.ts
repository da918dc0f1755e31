import { rankForQuestion, symptomsOf } from './symptoms';
import type { BaselineDigest, Vital } from './types';

/** Vital signs about the question first, in their own order otherwise (stable). */
function rankVitals(vitals: Vital[], symptoms: string[]): Vital[] {
  if (!symptoms.length) return vitals;
  const about = (v: Vital) => v.symptoms.some((s) => symptoms.includes(s));
  return [...vitals.filter(about), ...vitals.filter((v) => !about(v))];
}

export interface DigestTextOptions {
  /** Findings are ranked for it (what explains the symptom first). */
  question?: string;
  /** At most this many findings, the rest counted (a small model's context holds about six). */
  maxFindings?: number;
  /** At most this many evidence values per finding. */
  maxEvidence?: number;
  /** At most this many vital signs, those about the question first. */
  maxVitals?: number;
  /** Suggested fixes for info findings too (a small context keeps them for warnings and worse). */
  infoFixes?: boolean;
}

/**
 * The baseline digest as compact text for a model prompt: facts, the vital signs the question
 * asks about, then the findings, ranked. Passed checks are counted, not named: 200 check ids cost
 * a small model a third of its context and tell it nothing it should act on.
 */
export function digestText(digest: BaselineDigest, options: DigestTextOptions = {}): string {
  const lines = [
    `Instance facts: ${Object.entries(digest.facts)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  ];
  const symptoms = options.question ? symptomsOf(options.question) : [];
  const vitals = rankVitals(digest.vitals ?? [], symptoms).slice(0, options.maxVitals ?? Number.POSITIVE_INFINITY);
  if (vitals.length) lines.push('Measured now:', ...vitals.map((v) => `- ${v.text} (${v.source})`));
  const ranked = options.question ? rankForQuestion(digest.findings, symptoms) : digest.findings;
  const shown = ranked.slice(0, options.maxFindings ?? ranked.length);
  if (digest.findings.length === 0) lines.push('Rule findings: none (all checks passed).');
  else lines.push('Rule findings (most relevant first):');
  for (const f of shown) {
    const evidence = f.evidence.slice(0, options.maxEvidence ?? f.evidence.length);
    lines.push(`- [${f.severity}] ${f.title} (check ${f.checkId}${f.runbook ? `, runbook ${f.runbook}` : ''})`);
    lines.push(`  evidence: ${evidence.map((e) => `${e.source}.${e.signal}=${e.value}`).join('; ')}`);
    if (f.severity !== 'info' || options.infoFixes !== false) lines.push(`  suggested fix: ${f.recommendation}`);
  }
  if (shown.length < ranked.length)
    lines.push(
      `(${ranked.length - shown.length} less relevant findings not shown: ${ranked
        .slice(shown.length)
        .map((f) => f.checkId)
        .join(', ')})`,
    );
  lines.push(`Checks passed: ${digest.passed.length}${digest.skipped.length ? `; could not run: ${digest.skipped.length}` : ''}.`);
  if (digest.toolErrors.length) lines.push(`Diagnostics that failed: ${digest.toolErrors.map((e) => `${e.tool}: ${e.error}`).join(' | ')}`);
  // Refused or renamed commands (managed services, least-privilege users): not a fault, a gap to name.
  if (digest.unreadable?.length) lines.push(`Could not be read on this target: ${digest.unreadable.map((e) => `${e.tool}: ${e.error}`).join(' | ')}`);
  return lines.join('\n');
}
