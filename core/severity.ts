import type { Finding, Severity } from './types';

/** Worst first: critical, warning, info. One order for the engine, reports, fleet tables and notifications. */
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Sort comparator, worst first; also usable as "is a worse than b" (negative). Types only: safe in workflow code. */
export function bySeverity(a: Pick<Finding, 'severity'>, b: Pick<Finding, 'severity'>): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
}
