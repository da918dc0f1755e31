import type { Services } from '../../service';
import { approvalIdSchema, approvalListSchema, decisionBodySchema } from '../../service/approvals';
import { principalOf } from '../auth';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';

/** Proposed remediation actions: list and read (viewer), approve and reject (approver). */
export function approvalRoutes(services: Services): RouteSpec[] {
  const tag = 'approvals';
  const id = { id: approvalIdSchema };
  const decide = (decision: 'approve' | 'reject'): RouteSpec => ({
    method: 'post',
    path: `${API_PREFIX}/approvals/:id/${decision}`,
    tag,
    role: 'approver',
    summary:
      decision === 'approve'
        ? 'Approve a pending action: it re-checks its precondition, runs, is verified; answers with the outcome (or the state so far after a minute)'
        : 'Reject a pending action: nothing changes',
    params: id,
    body: decisionBodySchema,
    responses: { 200: 'Approval', 403: 'the key is not approver or admin', 409: 'not pending (already decided, expired)' },
    handler: json(200, (req) => {
      const who = principalOf(req);
      return services.approvals.decide(req.params.id as string, decision, req.body, { name: who.name, role: who.role });
    }),
  });
  return [
    {
      method: 'get',
      path: `${API_PREFIX}/approvals`,
      tag,
      summary: 'Proposed actions, newest first (state=pending for those waiting)',
      query: approvalListSchema,
      responses: { 200: '{approvals: Approval[]}' },
      handler: json(200, async (req) => ({ approvals: await services.approvals.list(req.query) })),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/approvals/:id`,
      tag,
      summary: 'One proposed action: commands, precondition, rollback, decision, outcome and verification',
      params: id,
      responses: { 200: 'Approval' },
      handler: json(200, (req) => services.approvals.get(req.params.id as string)),
    },
    decide('approve'),
    decide('reject'),
  ];
}
