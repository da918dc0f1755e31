import type { BaselineDigest, GroundingSummary } from '../core/types';
import type { GroundingResult } from '../activities/grounding/check';

/**
 * What the workflows do with a grounding check (activities/grounding): judge whether an answer
 * used the evidence at all, and keep the counts the task view shows.
 */

/** How many flagged claims a task record keeps (the annotated answer has them all). */
const KEPT_FLAGS = 20;

/**
 * An answer about an instance uses the evidence when at least one of its concrete claims is found
 * in the tool outputs, or it names a finding (by check id or title), or, on a healthy instance,
 * says so. An answer that does none of these ignored what was collected.
 */
export function usedEvidence(result: GroundingResult, answer: string, digest: BaselineDigest): boolean {
  if (result.supported > 0) return true;
  const text = answer.toLowerCase();
  if (digest.findings.some((f) => text.includes(f.checkId.toLowerCase()) || text.includes(f.title.toLowerCase()))) return true;
  return digest.findings.every((f) => f.severity === 'info') && /no (significant )?(issues?|problems?)/.test(text);
}

export function groundingSummary(result: GroundingResult, outcome: GroundingSummary['outcome']): GroundingSummary {
  return {
    checked: result.checked,
    supported: result.supported,
    unsupported: result.unsupported.length,
    flags: result.unsupported.slice(0, KEPT_FLAGS),
    outcome,
  };
}
