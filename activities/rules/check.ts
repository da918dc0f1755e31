import type { Evidence, Finding, Severity, TopicCategory } from '../../core/types';
import type { Baseline } from './baseline';

/** A health check: reads the baseline, returns findings, a pass, or why it could not run. */

export type CheckOutcome = { status: 'pass' } | { status: 'skip'; reason: string } | { status: 'fail'; findings: Finding[] };

export interface FollowUp {
  tool: string;
  args: Record<string, unknown>;
  reason: string;
}

export interface Check {
  id: string;
  /** Neutral name for the "checks passed" list. */
  name: string;
  category: TopicCategory;
  run(b: Baseline): CheckOutcome;
  /** Extra evidence this check wants before it can conclude (run once, then checks run again). */
  followUps?(b: Baseline): FollowUp[];
}

export const pass = (): CheckOutcome => ({ status: 'pass' });
export const skip = (reason: string): CheckOutcome => ({ status: 'skip', reason });
export const fail = (...findings: Finding[]): CheckOutcome => ({ status: 'fail', findings });

export function finding(
  check: Pick<Check, 'id' | 'category'>,
  f: {
    title: string;
    severity: Severity;
    detail: string;
    evidence: Evidence[];
    recommendation: string;
    commands?: string[];
    runbook?: string;
  },
): Finding {
  return { checkId: check.id, category: check.category, commands: [], ...f };
}

export const ev = (source: string, signal: string, value: string | number): Evidence => ({ source, signal, value });
