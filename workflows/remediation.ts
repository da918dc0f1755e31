import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ActionActivities } from '../activities/actions/activities';
import type { ApprovalDecision, ApprovalRecord, RemediationInput, RemediationOutcome } from '../core/actions/types';
import { SA_STATUS } from '../core/search-attributes';
import { BOOKKEEPING_OPTIONS } from './activity-options';
import { approvalQuery, decideUpdate, type RemediationView } from './messages';

const records = proxyLocalActivities<Pick<ActionActivities, 'recordProposal' | 'noteApproval'>>(BOOKKEEPING_OPTIONS);

/**
 * The one step that writes to a target. Retried when the worker or the target goes away; the
 * activity itself makes sure the commands are sent once (marker set before sending).
 */
const executor = proxyActivities<Pick<ActionActivities, 'executeAction'>>({
  startToCloseTimeout: '3m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['InvalidActionArguments', 'UnknownAction'],
  },
});

const DECIDERS = ['approver', 'admin'];

/**
 * One proposed action, from proposal to outcome: it waits (durably: hours, across worker
 * restarts and deploys) for a person's decision, sent as the `decide` update, or for its expiry.
 * Approved, it re-checks its precondition, runs, verifies, and proposes its rollback. Rejected or
 * expired, it changes nothing. The history is the audit trail: who decided, when, what ran.
 */
export async function remediationWorkflow(input: RemediationInput): Promise<RemediationOutcome> {
  const view: RemediationView = { approvalId: input.approvalId, state: 'pending' };
  let decision: ApprovalDecision | undefined;
  let finished: ApprovalRecord | undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  setHandler(approvalQuery, () => view);
  setHandler(
    decideUpdate,
    async (d) => {
      decision = d;
      view.state = d.decision === 'approve' ? 'approved' : 'rejected';
      view.decidedBy = d.by;
      // The caller learns the outcome: for an approval, after the action ran and was verified.
      await condition(() => finished !== undefined);
      return finished!;
    },
    {
      validator: (d) => {
        if (!DECIDERS.includes(d.role)) throw new Error(`the role ${d.role} may not decide on actions: only approver and admin`);
        if (decision) throw new Error(`action ${input.approvalId} was already ${decision.decision === 'approve' ? 'approved' : 'rejected'} by ${decision.by}`);
        if (Date.now() >= expiresAt) throw new Error(`action ${input.approvalId} expired`);
        if (d.decision !== 'approve' && d.decision !== 'reject') throw new Error("decision must be 'approve' or 'reject'");
        if (!d.by) throw new Error('who decides (by) is required');
      },
    },
  );

  let record: ApprovalRecord;
  try {
    record = await records.recordProposal(input);
  } catch (err) {
    upsertSearchAttributes([{ key: SA_STATUS, value: 'failed' }]);
    throw ApplicationFailure.nonRetryable(`the proposal could not be recorded: ${err instanceof Error ? err.message : String(err)}`, 'ProposalInvalid');
  }
  expiresAt = Date.parse(record.expiresAt);
  upsertSearchAttributes([{ key: SA_STATUS, value: 'awaiting_approval' }]);

  const decided = await condition(() => decision !== undefined, Math.max(0, expiresAt - Date.now()));
  if (!decided) {
    view.state = 'expired';
    finished = await records.noteApproval({ kind: 'expired', approvalId: input.approvalId, at: new Date().toISOString() });
    upsertSearchAttributes([{ key: SA_STATUS, value: 'expired' }]);
    await condition(allHandlersFinished);
    return { approvalId: input.approvalId, state: 'expired', detail: 'no decision before it expired; nothing changed' };
  }
  const decidedRecord = await records.noteApproval({ kind: 'decided', approvalId: input.approvalId, decision: decision!, at: new Date().toISOString() });
  if (decision!.decision === 'reject') {
    finished = decidedRecord;
    upsertSearchAttributes([{ key: SA_STATUS, value: 'rejected' }]);
    await condition(allHandlersFinished);
    return { approvalId: input.approvalId, state: 'rejected', detail: `rejected by ${decision!.by}; nothing changed` };
  }

  upsertSearchAttributes([{ key: SA_STATUS, value: 'running' }]);
  await records.noteApproval({ kind: 'executing', approvalId: input.approvalId, at: new Date().toISOString() });
  const execution = await executor.executeAction(input);
  let rollbackId: string | undefined;
  if (execution.rollback && execution.state !== 'refused' && execution.state !== 'failed') {
    rollbackId = `${input.approvalId}-rollback`;
    // The rollback is a proposal like any other: it waits for its own approval.
    await startChild(remediationWorkflow, {
      workflowId: rollbackId,
      args: [{ ...input, approvalId: rollbackId, proposal: execution.rollback }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `rollback of ${input.approvalId}: ${execution.rollback.reason.slice(0, 100)}`,
    });
  }
  finished = await records.noteApproval({
    kind: 'finished',
    approvalId: input.approvalId,
    execution,
    ...(rollbackId ? { rollbackId } : {}),
    at: new Date().toISOString(),
  });
  view.state = execution.state;
  view.detail = execution.detail;
  upsertSearchAttributes([{ key: SA_STATUS, value: execution.state }]);
  await condition(allHandlersFinished);
  return { approvalId: input.approvalId, state: execution.state, detail: execution.detail };
}
