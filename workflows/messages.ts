import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalRecord, ApprovalState } from '../core/actions/types';
import type { WorkflowStatus } from '../core/types';

/**
 * Every query, signal and update of our workflows, defined once. Sandbox-safe: the workflows set
 * the handlers, and the service layer sends the same definitions, so no name is spelled twice.
 */

/** The live status of every workflow: phase, topics, tool calls, token usage. */
export const statusQuery = defineQuery<WorkflowStatus>('status');

/** A person's decision on a proposed action (remediation workflow): approve or reject, with who and why. */
export const decideUpdate = defineUpdate<ApprovalRecord, [ApprovalDecision]>('decide');

/** The remediation workflow's view of its action: state, decision, outcome. */
export const approvalQuery = defineQuery<RemediationView>('approval');

export interface RemediationView {
  approvalId: string;
  state: ApprovalState;
  decidedBy?: string;
  detail?: string;
}
