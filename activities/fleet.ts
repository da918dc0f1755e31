import { nameMatches, type FleetFilter, type FleetMember, type FleetResult, type FleetRow } from '../core/fleet';
import { bySeverity } from '../core/severity';
import type { Finding } from '../core/types';
import type { WorkerDeps } from './deps';

/** A fleet check's bookkeeping: who is in the fleet, and the summary thread. */
export function createFleetActivities(deps: Pick<WorkerDeps, 'instances' | 'threads' | 'config'>) {
  return {
    /** The instances the filter matches, by name: ids and labels only, never a secret. */
    async resolveFleet(input: { fleetId: string; threadId: string; filter: FleetFilter; message: string }): Promise<FleetMember[]> {
      const all = await deps.instances.list({ environment: input.filter.environment, usage: input.filter.usage });
      const members = all
        .filter((i) => !input.filter.instance_type || i.instance_type === input.filter.instance_type)
        .filter((i) => !input.filter.name || nameMatches(input.filter.name, i.name))
        .map((i) => ({ instanceId: i.id, name: i.name, environment: i.environment, usage: i.usage }));
      if (!(await deps.threads.exists(input.threadId)))
        await deps.threads.create({ id: input.threadId, title: `Fleet check: ${describeFilter(input.filter)}` });
      await deps.threads.appendMessage(input.threadId, {
        role: 'user',
        content: `Fleet check (${describeFilter(input.filter)}): ${input.message}. ${members.length} instance(s): ${members.map((m) => m.name).join(', ') || 'none'}.`,
        taskId: input.fleetId,
        at: new Date().toISOString(),
      });
      return members;
    },

    /** One line per instance, worst first, with each check's link: kept as the fleet thread's answer. */
    async writeFleetSummary(input: { fleetId: string; threadId: string; rows: FleetRow[] }): Promise<FleetResult> {
      const summary = fleetSummary(
        input.rows,
        (taskId) => `${deps.config.temporal.uiUrl}/namespaces/${deps.config.temporal.namespace}/workflows/${encodeURIComponent(taskId)}`,
      );
      await deps.threads.appendMessage(input.threadId, { role: 'assistant', content: summary, taskId: input.fleetId, at: new Date().toISOString() });
      return { fleetId: input.fleetId, threadId: input.threadId, rows: input.rows, summary };
    },

    /** The answer to a question about several instances: the fleet table, then what differs between them. */
    async compareTargets(input: { question: string; reason: string; rows: FleetRow[]; findings: Record<string, Finding[]>; leftOut: number }): Promise<string> {
      const link = (taskId: string) => `${deps.config.temporal.uiUrl}/namespaces/${deps.config.temporal.namespace}/workflows/${encodeURIComponent(taskId)}`;
      return comparisonSummary(input, link);
    },
  };
}

export type FleetActivities = ReturnType<typeof createFleetActivities>;

export function describeFilter(f: FleetFilter): string {
  const parts = [
    f.environment && `environment ${f.environment}`,
    f.usage && `usage ${f.usage}`,
    f.instance_type && `type ${f.instance_type}`,
    f.name && `name ${f.name}`,
  ];
  return parts.filter(Boolean).join(', ') || 'all instances';
}

const ORDER = { failed: 0, critical: 1, warning: 2, healthy: 3 } as const;

export function fleetSummary(rows: FleetRow[], link: (taskId: string) => string): string {
  if (rows.length === 0) return '# Fleet check\n\nNo instance matches the filter: nothing was checked.';
  const sorted = [...rows].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict] || a.name.localeCompare(b.name));
  const count = (v: FleetRow['verdict']) => rows.filter((r) => r.verdict === v).length;
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '# Fleet check',
    '',
    `${rows.length} instance(s): ${count('critical')} critical, ${count('warning')} warning, ${count('healthy')} healthy${count('failed') ? `, ${count('failed')} could not be checked` : ''}.`,
    '',
    '| instance | verdict | top finding | findings | task |',
    '|---|---|---|---|---|',
    ...sorted.map(
      (r) => `| ${cell(r.name)} | ${r.verdict.toUpperCase()} | ${cell(r.error ?? r.topFinding ?? '—')} | ${r.findings} | [${r.taskId}](${link(r.taskId)}) |`,
    ),
  ].join('\n');
}

/**
 * Several instances side by side: the fleet table (each row links its own task), then the
 * warning-or-worse findings that only some of them have, and those all of them share. Every line
 * is a finding of one of the instances' own checks.
 */
export function comparisonSummary(
  input: { question: string; reason: string; rows: FleetRow[]; findings: Record<string, Finding[]>; leftOut: number },
  link: (taskId: string) => string,
): string {
  const table = fleetSummary(input.rows, link).replace(/^# Fleet check\n\n/, '');
  const checked = input.rows.filter((r) => r.verdict !== 'failed');
  const byCheck = new Map<string, { finding: Finding; on: string[] }>();
  for (const row of checked) {
    for (const f of input.findings[row.instanceId] ?? []) {
      if (f.severity === 'info') continue;
      const entry = byCheck.get(f.checkId) ?? { finding: f, on: [] };
      if (!entry.on.includes(row.name)) entry.on.push(row.name);
      if (f.severity === 'critical') entry.finding = f;
      byCheck.set(f.checkId, entry);
    }
  }
  const entries = [...byCheck.values()].sort((a, b) => bySeverity(a.finding, b.finding) || a.finding.checkId.localeCompare(b.finding.checkId));
  const line = (e: { finding: Finding; on: string[] }) => `- ${e.finding.severity}: ${e.finding.title} (check \`${e.finding.checkId}\`) — ${e.on.join(', ')}`;
  const only = entries.filter((e) => e.on.length < checked.length);
  const shared = checked.length > 1 ? entries.filter((e) => e.on.length === checked.length) : [];
  return [
    `# ${input.rows.length} instances`,
    '',
    `_Asked: "${input.question.slice(0, 200)}". Resolved from the registry: ${input.reason}. Each instance was checked as its own task, in parallel._`,
    ...(input.leftOut ? ['', `_${input.leftOut} more matching instance(s) were left out; use a fleet check (sre-agent fleet check) for all of them._`] : []),
    '',
    table,
    ...(checked.length > 1 ? ['', '## What differs', '', ...(only.length ? only.map(line) : ['- No warning-or-worse finding differs between them.'])] : []),
    ...(shared.length ? ['', '## On every instance', '', ...shared.map(line)] : []),
  ].join('\n');
}
