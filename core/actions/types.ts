import type { Severity } from '../types';

/**
 * Remediation actions: what the agent may change on a target, only after a person approves.
 * These types travel in workflow inputs and results and in the app Redis: no secrets, no Node APIs.
 */

export type ActionRisk = 'low' | 'medium' | 'high';

/** An action a finding (or a model) proposes, arguments filled in; validated against the catalogue before anyone sees it. */
export interface ActionProposal {
  action: string;
  arguments: Record<string, unknown>;
  /** Why: the finding it fixes, in a sentence. */
  reason: string;
  /** The rule check whose finding proposed it: re-run after execution to verify. */
  checkId?: string;
  /** The finding's severity when proposed: verification passes when the check no longer reports it at that severity. */
  severity?: Severity;
  /** The approval this one would undo (a rollback proposal). */
  rollbackOf?: string;
}

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired' | 'executed' | 'verified' | 'refused' | 'failed';

export const FINAL_APPROVAL_STATES: readonly ApprovalState[] = ['rejected', 'expired', 'verified', 'refused', 'failed', 'executed'];

/** A person's decision, sent as the remediation workflow's update. */
export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  /** Who decided: an API key's name, the CLI user. */
  by: string;
  /** The caller's role: only approver and admin may decide. */
  role: string;
  comment?: string;
}

export interface Verification {
  passed: boolean;
  detail: string;
}

/** What running an approved action did. */
export interface ActionExecution {
  state: 'verified' | 'executed' | 'refused' | 'failed';
  /** Why it refused or failed, or what it did. */
  detail: string;
  /** The exact commands sent (secrets never appear in them). */
  sent: string[];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  verification?: Verification;
  /** The proposal that undoes it, when the action has one. */
  rollback?: ActionProposal;
}

/** One proposed action as people see it (REST, CLI, MCP, UI) and as the app Redis keeps it. */
export interface ApprovalRecord {
  id: string;
  taskId: string;
  threadId: string;
  instanceId: string;
  action: string;
  title: string;
  arguments: Record<string, unknown>;
  risk: ActionRisk;
  reason: string;
  precondition: string;
  rollback: string | null;
  /** The commands it will send, as an SRE would type them. */
  commands: string[];
  checkId?: string;
  state: ApprovalState;
  proposedAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  executedAt?: string;
  result?: Pick<ActionExecution, 'detail' | 'sent' | 'before' | 'after' | 'verification'>;
  /** The approval proposed to undo this one, once it ran. */
  rollbackId?: string;
  rollbackOf?: string;
}

/** What a remediation workflow is started with: ids and the proposal, never a secret. */
export interface RemediationInput {
  approvalId: string;
  taskId: string;
  threadId: string;
  instanceId: string;
  proposal: ActionProposal;
  /** How long the proposal waits for a decision. */
  ttlMs: number;
}

export interface RemediationOutcome {
  approvalId: string;
  state: ApprovalState;
  detail: string;
}
