import { parseUnreadable } from '../../core/command-unavailable';
import { shortCallId } from '../../core/call-id';
import type { AgentKind, BaselineDigest, Finding, Report, Severity, TopicCategory } from '../../core/types';
import { answerReport } from '../../core/answer-summary';
import { bytes } from './baseline';
import { rankForQuestion, relevance, symptomsOf, type Symptom } from '../../core/symptoms';
import { bySeverity } from './engine';

/** Markdown for offline answers and reports. The same finding format is used with a model. */

const ICON: Record<Severity, string> = { critical: '🔴 critical', warning: '🟠 warning', info: '🔵 info' };

const CATEGORY_TITLE: Record<TopicCategory, string> = {
  availability: 'Availability',
  memory: 'Memory',
  performance: 'Performance and latency',
  connections: 'Clients and connections',
  persistence: 'Persistence',
  replication: 'Replication',
  keyspace: 'Keyspace',
  security: 'Security',
  cluster: 'Cluster',
  configuration: 'Configuration',
};

/** Byte counts read better with a human size beside them. */
function evidenceValue(signal: string, value: string | number): string {
  if (typeof value === 'number' && value >= 1024 && /memory|bytes|rss|omem|buffer|_size|backlog/i.test(signal)) return `${value} (${bytes(value)})`;
  return String(value);
}

/** Each evidence line names the tool call it came from (the thread's tool calls and the workflow history list the same id). */
export function formatFinding(f: Finding, heading = '###', calls: BaselineDigest['calls'] = {}): string {
  const lines = [`${heading} ${ICON[f.severity]}: ${f.title}`, '', f.detail, '', '**Evidence**'];
  for (const e of f.evidence) {
    // A finding about one node of several cites that node's call (mergeNodeDigests keys them tool@node).
    const call = calls[f.node ? `${e.source}@${f.node}` : e.source];
    lines.push(`- \`${e.source}\` ${e.signal}: ${evidenceValue(e.signal, e.value)}${call ? ` · call \`${shortCallId(call)}\`` : ''}`);
  }
  lines.push('', `**Recommendation:** ${f.recommendation}`);
  if (f.commands.length) lines.push('', '```', ...f.commands, '```');
  if (f.runbook) lines.push('', `Runbook: \`${f.runbook}\``);
  return lines.join('\n');
}

/** One sentence on overall health, worded from the worst severity present. */
export function verdict(findings: Finding[]): string {
  const critical = findings.filter((f) => f.severity === 'critical');
  const warnings = findings.filter((f) => f.severity === 'warning');
  if (critical.length) return `${critical.length} critical issue(s) need action now: ${critical.map((f) => f.title).join('; ')}.`;
  if (warnings.length) return `No critical issues found; ${warnings.length} warning(s) need attention: ${warnings.map((f) => f.title).join('; ')}.`;
  return 'Healthy: no significant issues found.';
}

const OFFLINE_LABEL = '_Offline analysis: produced by the rules engine from live diagnostics (no model configured)._';

function nodeLine(n: NonNullable<BaselineDigest['nodes']>[number]): string {
  return `${n.role} ${n.node} (${n.error ? `baseline failed: ${n.error.slice(0, 160)}` : `${n.findings} finding(s)`})`;
}

function factsLine(digest: BaselineDigest): string {
  return Object.entries(digest.facts)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
}

/** Two hundred check names read as a count per area; the names stay in the digest. */
function passedLine(passed: string[]): string {
  if (passed.length <= 40) return passed.join(', ') || 'none';
  return `${passed.length} checks, among them: ${passed.slice(0, 25).join(', ')}, …`;
}

/** Skips of the configuration audit that only say "not on this server or version" are one line. */
function skippedLines(skipped: BaselineDigest['skipped']): string[] {
  const config = skipped.filter((s) => s.checkId.startsWith('config.'));
  const rest = skipped.filter((s) => !s.checkId.startsWith('config.'));
  return [
    ...rest.map((s) => `- ${s.checkId}: ${s.reason}`),
    ...(config.length
      ? [
          `- ${config.length} configuration rule(s) that do not apply here or lack a value (${[...new Set(config.map((s) => s.reason))].slice(0, 3).join('; ')}${config.length > 3 ? '; …' : ''})`,
        ]
      : []),
  ];
}

export function renderTriageReport(digest: BaselineDigest, target: string): Report {
  const findings = [...digest.findings].sort(bySeverity);
  const lines = [`# Redis health report: ${target}`, '', OFFLINE_LABEL, '', `**Summary:** ${verdict(findings)}`];
  if (Object.keys(digest.facts).length) lines.push('', `Instance: ${factsLine(digest)}`);
  if (digest.nodes?.length) lines.push('', `Nodes diagnosed: ${digest.nodes.map(nodeLine).join(' · ')}`);
  const categories = [...new Set(findings.map((f) => f.category))];
  if (findings.length) lines.push('', '## Findings by topic');
  for (const category of categories) {
    lines.push('', `## ${CATEGORY_TITLE[category]}`);
    for (const f of findings.filter((x) => x.category === category)) lines.push('', formatFinding(f, '###', digest.calls));
  }
  const actions = findings.filter((f) => f.severity !== 'info');
  if (actions.length) {
    lines.push('', '## Recommended actions, in order');
    actions.forEach((f, i) => lines.push(`${i + 1}. ${f.title}: ${f.recommendation}`));
  }
  lines.push(
    '',
    '## Risks',
    actions.length
      ? '- Apply configuration changes with CONFIG SET first and persist with CONFIG REWRITE only once verified; changes to maxmemory, eviction policy or persistence affect data retention.'
      : '- None identified beyond the informational notes above.',
  );
  const footprint = footprintLine(digest);
  if (footprint) lines.push('', '## Investigation footprint', footprint);
  lines.push('', `## Checks passed (${digest.passed.length})`, passedLine(digest.passed));
  if (digest.skipped.length) lines.push('', `## Not checked (${digest.skipped.length})`, ...skippedLines(digest.skipped));
  lines.push(...toolErrorLines([...(digest.unreadable ?? []), ...digest.toolErrors]));
  return answerReport(`Redis health report: ${target}`, 'offline', lines.join('\n'), findings);
}

/**
 * Reads the target refused for good (denied to the agent's user, renamed or disabled) are listed
 * apart from failures: they say what this report could not check and how to let the agent read it.
 */
function toolErrorLines(errors: BaselineDigest['toolErrors']): string[] {
  const unreadable = errors.map((e) => ({ ...e, refused: parseUnreadable(e.error) }));
  const refused = unreadable.filter((e) => e.refused);
  const failed = unreadable.filter((e) => !e.refused);
  return [
    ...(refused.length
      ? ['', `## Could not be read on this target (${refused.length})`, ...refused.map((e) => `- ${e.tool}: ${e.refused!.command}: ${e.refused!.reason}`)]
      : []),
    ...(failed.length ? ['', '## Diagnostics that failed', ...failed.map((e) => `- ${e.tool}: ${e.error}`)] : []),
  ];
}

/** One line on what this investigation cost the target, and what of its own it left out. */
export function footprintLine(digest: BaselineDigest): string | undefined {
  const f = digest.footprint;
  if (!f) return undefined;
  const own = digest.ownActivity;
  const leftOut =
    own && (own.slowlogEntries || own.connections)
      ? `; left out as the agent's own: ${own.slowlogEntries} slow-log entr${own.slowlogEntries === 1 ? 'y' : 'ies'}, ${own.connections} connection(s)`
      : '';
  return `Investigation footprint on the target: ${f.commands} commands sent, at most ${f.busyMs.toFixed(1)} ms of server time (measured from the agent's side, network included), longest round trip ${f.longestMs.toFixed(1)} ms${f.longestCommand ? ` (${f.longestCommand})` : ''}${leftOut}.`;
}

/** The vital signs for the question's symptoms, stated before the findings. */
function askedLines(digest: BaselineDigest, symptoms: Symptom[]): string[] {
  const wanted = (digest.vitals ?? []).filter((v) => v.symptoms.some((s) => symptoms.includes(s as Symptom)));
  return wanted.slice(0, 4).map((v) => `- ${v.text} (\`${v.source}\`)`);
}

/** Chat: the findings that answer the question, what explains its symptom first. */
export function renderChatAnswer(digest: BaselineDigest, question: string, target: string): Report {
  const symptoms = symptomsOf(question);
  const relevant = (f: Finding) => relevance(f, symptoms) > 0;
  const actionable = (f: Finding) => f.severity === 'critical' || (f.severity === 'warning' && (relevant(f) || symptoms.length === 0));
  // When nothing actionable matches the question's words, the warnings we have may still be the answer.
  const include = digest.findings.some(actionable) ? actionable : (f: Finding) => f.severity === 'warning';
  const chosen = rankForQuestion(
    digest.findings.filter((f) => include(f) || (f.severity === 'info' && relevance(f, symptoms) >= 2)),
    symptoms,
  ).slice(0, 5);
  const others = digest.findings.filter((f) => !chosen.includes(f) && f.severity !== 'info');
  const summary = chosen.length ? verdict(chosen) : `No problems found on ${target} for this question: ${verdict(digest.findings).replace(/^Healthy: /, '')}`;
  const lines = [OFFLINE_LABEL, '', `**${target}:** ${summary}`];
  const asked = askedLines(digest, symptoms);
  if (asked.length) lines.push('', '**What you asked about, as measured now:**', ...asked);
  for (const f of chosen) lines.push('', formatFinding(f, '###', digest.calls));
  if (others.length) lines.push('', `Also noticed: ${others.map((f) => `${f.title} (${f.severity})`).join('; ')}.`);
  if (Object.keys(digest.facts).length) lines.push('', `Instance: ${factsLine(digest)}`);
  if (digest.toolErrors.length && !chosen.some((f) => f.category === 'availability')) {
    lines.push('', `Some diagnostics failed: ${digest.toolErrors.map((e) => `${e.tool} (${e.error.slice(0, 100)})`).join('; ')}`);
  }
  const footprint = footprintLine(digest);
  if (footprint) lines.push('', `_${footprint}_`);
  return answerReport(`Answer: ${question.slice(0, 80)}`, 'offline', lines.join('\n'), chosen);
}

export function renderOffline(agent: AgentKind, digest: BaselineDigest, question: string, target: string): Report {
  if (Object.keys(digest.facts).length === 0 && digest.toolErrors.length === 0 && digest.findings.length === 0) {
    // Nothing was collected (no instance attached): say so rather than call it healthy.
    const summary =
      'No live diagnostics ran: this task has no Redis instance attached. Register one (sre-agent instance create) and ask again with it, or ask the knowledge agent a general question.';
    return answerReport(`Answer: ${question.slice(0, 80)}`, 'offline', `${OFFLINE_LABEL}\n\n${summary}`);
  }
  return agent === 'triage' ? renderTriageReport(digest, target) : renderChatAnswer(digest, question, target);
}
