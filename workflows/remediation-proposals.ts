import { log, ParentClosePolicy, patched, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { ActionActivities } from '../activities/actions/activities';
import { SA_INSTANCE } from '../core/search-attributes';
import type { Finding, TaskInput, TaskResult } from '../core/types';
import { BOOKKEEPING_OPTIONS } from './activity-options';
import { remediationWorkflow } from './remediation';

const proposer = proxyLocalActivities<Pick<ActionActivities, 'proposeActions'>>(BOOKKEEPING_OPTIONS);

/** Long enough for a person to see it: SRE_APPROVAL_TTL comes with each proposal (the worker's setting). */
type Proposed = NonNullable<TaskResult['actions']>;

/**
 * After a task's report: one remediation workflow per catalogue action its findings call for,
 * each with its own id, waiting for a person's approval. The task does not wait for them
 * (ABANDON): its answer is ready now, the actions may wait for a day. Histories recorded before
 * approvals existed replay without these commands (patch `remediation-proposals`). Model proposals
 * are looked for even when no rule found anything.
 */
export async function proposeRemediations(task: TaskInput, findings: Finding[]): Promise<Proposed> {
  if (!task.instanceId) return [];
  // A model may propose an action (propose_action) where no rule found anything; histories from
  // before that replay as they ran (no findings: no proposals).
  if (findings.length === 0 && !patched('proposals-without-findings')) return [];
  if (!patched('remediation-proposals')) return [];
  try {
    const { proposals, ttlMs } = await proposer.proposeActions({ task, findings });
    for (const { approvalId, proposal } of proposals) {
      await startChild(remediationWorkflow, {
        workflowId: approvalId,
        args: [{ approvalId, taskId: task.taskId, threadId: task.threadId, instanceId: task.instanceId, proposal, ttlMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `proposed: ${proposal.action} ${JSON.stringify(proposal.arguments).slice(0, 100)}`,
        typedSearchAttributes: [{ key: SA_INSTANCE, value: task.instanceId }],
      });
    }
    return proposals.map(({ approvalId, proposal }) => ({ approvalId, action: proposal.action, arguments: proposal.arguments }));
  } catch (err) {
    // The answer stands without its proposals: say so in the worker log rather than fail the task.
    log.warn('remediation proposals not started', { taskId: task.taskId, error: err instanceof Error ? err.message : String(err) });
    return [];
  }
}

/** The answer's closing section: what was proposed and how to decide, so nobody has to look elsewhere. */
export function proposedActionsText(actions: Proposed): string {
  const lines = actions.map((a) => {
    const args = Object.entries(a.arguments)
      .filter(([k]) => k !== 'expected_current')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `- \`${a.approvalId}\`: ${a.action}${args ? ` ${args}` : ''}`;
  });
  return `\n\n## Proposed actions (waiting for approval)\n\n${lines.join('\n')}\n\nNothing changes until an approver decides: \`sre-agent approvals show <id>\`, then \`sre-agent approvals approve <id> --comment "…"\` (or reject).`;
}
