import type { FleetMember, FleetRow } from './fleet';
import { bySeverity } from './severity';
import type { Finding, TaskResult } from './types';

/** A fleet table's lines, computed in workflow code: this module imports types only (no Node APIs reach the bundle). */
/** One instance's line: its worst finding decides the verdict (info findings count as healthy). */
export function fleetRow(member: FleetMember, taskId: string, result: TaskResult): FleetRow {
  const findings: Finding[] = [...result.findings].sort(bySeverity);
  const worst = findings[0]?.severity;
  return {
    instanceId: member.instanceId,
    name: member.name,
    taskId,
    verdict: worst === 'critical' ? 'critical' : worst === 'warning' ? 'warning' : 'healthy',
    ...(findings[0] && worst !== 'info' ? { topFinding: findings[0].title } : {}),
    findings: findings.filter((f) => f.severity !== 'info').length,
  };
}

/** The line of an instance whose check failed: listed as such, the others go on. */
export function failedRow(member: FleetMember, taskId: string, error: string): FleetRow {
  return { instanceId: member.instanceId, name: member.name, taskId, verdict: 'failed', findings: 0, error };
}
