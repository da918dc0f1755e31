import { z } from 'zod';
import { feedbackSchema, taskIdSchema } from '../../service/schemas';
import { approvalIdSchema, approvalListSchema, decisionBodySchema, type ApprovalView } from '../../service/approvals';
import { defineAgentTool } from './agent-tool';

/** Proposed remediation actions over MCP: list and read (viewer), decide (approver), and feedback on answers. */

const brief = (a: ApprovalView) =>
  `${a.id} [${a.state}, ${a.risk} risk] ${a.title}\n  commands: ${a.commands.join('; ')}\n  precondition: ${a.precondition}\n  rollback: ${a.rollback ?? 'none'}${a.result ? `\n  result: ${a.result.detail}${a.result.verification ? ` (verification ${a.result.verification.passed ? 'passed' : 'failed'}: ${a.result.verification.detail})` : ''}` : ''}`;

export const listApprovalsTool = defineAgentTool({
  name: 'redis_sre_list_approvals',
  role: 'viewer',
  description: 'Remediation actions proposed by tasks (state=pending for those waiting for a decision): commands, precondition, rollback, risk, outcome.',
  // MCP arguments are JSON: a number is a number (the REST query string's coercion does not apply).
  schema: approvalListSchema.extend({ limit: z.number().int().min(1).max(500).default(100).describe('At most this many, newest first') }),
  annotations: { title: 'Proposed actions', readOnlyHint: true, openWorldHint: false },
  handler: async (args, ctx) => {
    const approvals = await ctx.services.approvals.list(args);
    return { data: { approvals }, text: approvals.length ? approvals.map(brief).join('\n') : 'No actions match.' };
  },
});

const decision = (kind: 'approve' | 'reject') =>
  defineAgentTool({
    name: `redis_sre_${kind}_action`,
    role: 'approver',
    description:
      kind === 'approve'
        ? 'Approve a pending remediation action: it re-checks its precondition, runs its commands once and verifies the result; returns the outcome. Only approver and admin keys.'
        : 'Reject a pending remediation action: nothing changes on the target. Only approver and admin keys.',
    schema: z.object({ approval_id: approvalIdSchema, comment: decisionBodySchema.shape.comment }).strict(),
    annotations: {
      title: kind === 'approve' ? 'Approve an action' : 'Reject an action',
      readOnlyHint: false,
      destructiveHint: kind === 'approve',
      openWorldHint: true,
    },
    handler: async ({ approval_id, comment }, ctx) => {
      // The MCP server let only approver and admin keys call this tool.
      const a = await ctx.services.approvals.decide(approval_id, kind, comment ? { comment } : {}, { name: ctx.actor, role: 'approver' });
      return { data: a, text: brief(a) };
    },
  });

export const approveActionTool = decision('approve');
export const rejectActionTool = decision('reject');

export const feedbackTool = defineAgentTool({
  name: 'redis_sre_answer_feedback',
  role: 'viewer',
  description: "Rate a task's answer up (helped) or down (wrong or useless), with an optional comment; disliked answers become candidate eval scenarios.",
  schema: z.object({ task_id: taskIdSchema.describe('The task whose answer is rated'), ...feedbackSchema.shape }).strict(),
  annotations: { title: 'Rate an answer', readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  handler: async ({ task_id, rating, comment }, ctx) => {
    const view = await ctx.services.tasks.feedback(task_id, { rating, ...(comment ? { comment } : {}) }, ctx.actor);
    return { data: { task_id, feedback: view.feedback }, text: `Feedback ${rating} recorded on ${task_id}.` };
  },
});
