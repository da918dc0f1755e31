import { nameMatches, type FleetFilter, type FleetMember, type FleetResult, type FleetRow } from '../core/fleet';
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
