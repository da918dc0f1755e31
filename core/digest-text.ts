import type { BaselineDigest } from './types';

/** The baseline digest as compact text for a model prompt. */
export function digestText(digest: BaselineDigest): string {
  const lines = [
    `Instance facts: ${Object.entries(digest.facts)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  ];
  if (digest.vitals?.length) lines.push('Measured now:', ...digest.vitals.map((v) => `- ${v.text} (${v.source})`));
  if (digest.findings.length === 0) lines.push('Rule findings: none (all checks passed).');
  for (const f of digest.findings) {
    lines.push(`- [${f.severity}] ${f.title} (check ${f.checkId}${f.runbook ? `, runbook ${f.runbook}` : ''})`);
    lines.push(`  evidence: ${f.evidence.map((e) => `${e.source}.${e.signal}=${e.value}`).join('; ')}`);
    lines.push(`  suggested fix: ${f.recommendation}`);
  }
  lines.push(`Checks passed: ${digest.passed.join(', ') || 'none'}`);
  if (digest.toolErrors.length) lines.push(`Diagnostics that failed: ${digest.toolErrors.map((e) => `${e.tool}: ${e.error}`).join(' | ')}`);
  return lines.join('\n');
}
