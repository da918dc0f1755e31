import { WorkflowUpdateFailedError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { ApprovalDecision, ApprovalRecord, ApprovalState } from '../core/actions/types';
import type { AppStores } from '../core/app-context';
import type { Config } from '../core/config';
import { ConflictError, UnavailableError } from '../core/errors';
import { parseOrThrow } from '../core/validation';
import { decideUpdate } from '../workflows/messages';

/** Proposed remediation actions for people: list, read, approve, reject (REST, CLI, MCP, UI). */

const STATES = ['pending', 'approved', 'rejected', 'expired', 'executed', 'verified', 'refused', 'failed'] as const satisfies readonly ApprovalState[];

export const approvalIdSchema = z
  .string()
  .regex(/^act_[0-9a-f]{16}(-rollback)*$/, 'must be an approval id like act_0123456789abcdef')
  .describe('The approval id (act_…)');

export const approvalListSchema = z
  .object({
    state: z.enum(STATES).optional().describe('Only approvals in this state, e.g. pending'),
    instance_id: z.string().max(64).optional().describe('Only approvals for this instance'),
    task_id: z.string().max(140).optional().describe('Only approvals proposed by this task'),
    thread_id: z.string().max(140).optional().describe('Only approvals proposed on this thread'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many, newest first'),
  })
  .strict();

export const decisionBodySchema = z
  .object({ comment: z.string().max(1000, 'at most 1000 characters').optional().describe('Why: recorded with the decision') })
  .strict();

export interface ApprovalView {
  id: string;
  task_id: string;
  thread_id: string;
  instance_id: string;
  action: string;
  title: string;
  arguments: Record<string, unknown>;
  risk: string;
  reason: string;
  precondition: string;
  rollback: string | null;
  commands: string[];
  check_id?: string;
  state: ApprovalState;
  proposed_at: string;
  expires_at: string;
  decided_by?: string;
  decided_at?: string;
  comment?: string;
  executed_at?: string;
  result?: ApprovalRecord['result'];
  rollback_id?: string;
  rollback_of?: string;
  workflow_url: string;
}

/** An approval record as the API shows it (snake_case, with its Temporal UI link). */
export function approvalView(config: Config, r: ApprovalRecord): ApprovalView {
  return {
    id: r.id,
    task_id: r.taskId,
    thread_id: r.threadId,
    instance_id: r.instanceId,
    action: r.action,
    title: r.title,
    arguments: r.arguments,
    risk: r.risk,
    reason: r.reason,
    precondition: r.precondition,
    rollback: r.rollback,
    commands: r.commands,
    ...(r.checkId ? { check_id: r.checkId } : {}),
    state: r.state,
    proposed_at: r.proposedAt,
    expires_at: r.expiresAt,
    ...(r.decidedBy ? { decided_by: r.decidedBy, decided_at: r.decidedAt } : {}),
    ...(r.comment ? { comment: r.comment } : {}),
    ...(r.executedAt ? { executed_at: r.executedAt } : {}),
    ...(r.result ? { result: r.result } : {}),
    ...(r.rollbackId ? { rollback_id: r.rollbackId } : {}),
    ...(r.rollbackOf ? { rollback_of: r.rollbackOf } : {}),
    workflow_url: `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(r.id)}`,
  };
}

/** How long an approve call waits for the action to run and be verified before answering with the state so far. */
const DECISION_WAIT_MS = 60_000;

export class ApprovalService {
  constructor(
    private readonly config: Config,
    private readonly temporal: Client,
    private readonly stores: AppStores,
  ) {}

  view(r: ApprovalRecord): ApprovalView {
    return approvalView(this.config, r);
  }

  async list(query: unknown = {}): Promise<ApprovalView[]> {
    const q = parseOrThrow(approvalListSchema, query);
    const records = await this.stores.approvals.list({ state: q.state, instanceId: q.instance_id, taskId: q.task_id, threadId: q.thread_id, limit: q.limit });
    return records.map((r) => this.view(r));
  }

  async get(id: string): Promise<ApprovalView> {
    return this.view(await this.stores.approvals.get(parseOrThrow(approvalIdSchema, id, 'id')));
  }

  async forTask(taskId: string): Promise<ApprovalView[]> {
    return (await this.stores.approvals.list({ taskId })).map((r) => this.view(r));
  }

  /**
   * Sends the decision to the action's workflow as an update. The workflow's validator has the
   * last word (role, still pending, not expired); a second approval is refused there, so an
   * action runs at most once however often it is approved. Waits for the outcome up to a minute.
   */
  async decide(id: string, decision: ApprovalDecision['decision'], body: unknown, who: { name: string; role: string }): Promise<ApprovalView> {
    const { comment } = parseOrThrow(decisionBodySchema, body ?? {});
    const record = await this.stores.approvals.get(parseOrThrow(approvalIdSchema, id, 'id'));
    if (record.state !== 'pending')
      throw new ConflictError(
        `action ${id} is ${record.state}${record.decidedBy ? ` (decided by ${record.decidedBy})` : ''}: only a pending action can be decided`,
      );
    const handle = this.temporal.workflow.getHandle(id);
    let update;
    try {
      update = await handle.startUpdate(decideUpdate, {
        args: [{ decision, by: who.name, role: who.role, ...(comment ? { comment } : {}) }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new ConflictError(`action ${id}: ${err.cause?.message ?? err.message}`);
      if ((err as Error).name === 'WorkflowNotFoundError') throw new ConflictError(`action ${id} is no longer waiting for a decision (its workflow is closed)`);
      throw new UnavailableError(`the decision on ${id} could not be delivered: ${(err as Error).message}`);
    }
    // The validator's refusal (role, already decided, expired) arrives as the update's failure.
    const outcome = await Promise.race([
      update.result().then(
        () => undefined,
        (err: unknown) => err,
      ),
      new Promise((r) => setTimeout(r, DECISION_WAIT_MS).unref()),
    ]);
    if (outcome instanceof WorkflowUpdateFailedError) throw new ConflictError(`action ${id}: ${outcome.cause?.message ?? outcome.message}`);
    if (outcome instanceof Error) throw new UnavailableError(`the decision on ${id} was sent, its outcome is unknown: ${outcome.message}`);
    return this.get(id);
  }
}
