import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActionExecution, ActionProposal, ApprovalDecision, ApprovalRecord, RemediationInput } from '../../core/actions/types';
import type { Finding, ProgressEvent, TaskInput } from '../../core/types';
import type { WorkerDeps } from '../deps';
import { actionNamed, ACTIONS } from './catalogue';
import { parseNodeSelector } from '../../core/cluster/node-selector';
import { commandText, notApplicable, type ActionContext, type ActionDefinition, type InstanceType } from './define';
import { proposalKey, proposalsFor } from './proposals';
import { recheck } from './recheck';

/**
 * The steps of a remediation: proposals from a report's findings, the approval record and thread
 * messages, and the one activity that writes to a target (after an approval, precondition first).
 */

export const newApprovalId = () => `act_${randomBytes(8).toString('hex')}`;

/** What a remediation workflow writes on the record as it goes. */
export type ApprovalNote =
  | { kind: 'decided'; approvalId: string; decision: ApprovalDecision; at: string }
  | { kind: 'expired'; approvalId: string; at: string }
  | { kind: 'executing'; approvalId: string; at: string }
  | { kind: 'finished'; approvalId: string; execution: ActionExecution; rollbackId?: string; at: string };

function validated(definition: ActionDefinition, proposal: ActionProposal): unknown {
  const parsed = definition.schema.safeParse(proposal.arguments);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw ApplicationFailure.nonRetryable(
      `${proposal.action}: invalid arguments: ${issue?.path.join('.') || 'arguments'}: ${issue?.message ?? 'invalid'}`,
      'InvalidActionArguments',
    );
  }
  return parsed.data;
}

/** An action proposed for a topology it does not apply to (a failover on a standalone instance) is refused with the reason. */
function applicable(definition: ActionDefinition, args: unknown, instanceType: InstanceType): void {
  const why = notApplicable(definition, args, instanceType);
  if (why) throw ApplicationFailure.nonRetryable(`${definition.name}: ${why}`, 'InvalidActionArguments');
}

function definitionOf(action: string): ActionDefinition {
  const definition = actionNamed(action);
  if (!definition)
    throw ApplicationFailure.nonRetryable(`'${action}' is not an action of the catalogue (${ACTIONS.map((a) => a.name).join(', ')})`, 'UnknownAction');
  return definition;
}

export function createActionActivities(deps: WorkerDeps) {
  const { approvals, threads } = deps;
  const say = (threadId: string, key: string, content: string) =>
    threads.appendMessage(threadId, { role: 'assistant', content, taskId: key, at: new Date().toISOString() });
  const publish = (threadId: string, event: ProgressEvent) => threads.publish(threadId, event);

  return {
    /**
     * The catalogue actions that fix the report's findings, each with a new approval id; a
     * proposal the instance already has pending (a schedule that runs hourly) is not made twice.
     */
    async proposeActions(input: {
      task: TaskInput;
      findings: Finding[];
    }): Promise<{ proposals: Array<{ approvalId: string; proposal: ActionProposal }>; ttlMs: number }> {
      const ttlMs = deps.config.approvalTtlMs;
      if (!input.task.instanceId) return { proposals: [], ttlMs };
      const instance = await deps.instances.get(parseNodeSelector(input.task.instanceId).instanceId);
      const pending = new Set((await approvals.list({ state: 'pending', instanceId: instance.id })).map((r) => proposalKey(r)));
      // The rules engine's proposals, then the model's (propose_action), all validated by the catalogue's schemas.
      const proposals = [...proposalsFor(input.findings, { usage: instance.usage }), ...(await approvals.modelProposals(input.task.taskId))]
        .filter((p, i, all) => all.findIndex((q) => proposalKey(q) === proposalKey(p)) === i)
        .filter((p) => {
          const definition = actionNamed(p.action);
          const parsed = definition?.schema.safeParse(p.arguments);
          // Each action says which topologies it applies to: most run on one endpoint, not on a cluster or behind Sentinel.
          return parsed?.success && !notApplicable(definition!, parsed.data, instance.instance_type);
        })
        .filter((p) => !pending.has(proposalKey(p)));
      return { proposals: proposals.map((proposal) => ({ approvalId: newApprovalId(), proposal })), ttlMs };
    },

    /** The approval record (pending), the proposal in the thread, and action_proposed on the stream. Idempotent. */
    async recordProposal(input: RemediationInput): Promise<ApprovalRecord> {
      const existing = await approvals.find(input.approvalId);
      if (existing) return existing;
      const definition = definitionOf(input.proposal.action);
      const args = validated(definition, input.proposal);
      applicable(definition, args, (await deps.instances.get(parseNodeSelector(input.instanceId).instanceId)).instance_type);
      const now = new Date();
      const record: ApprovalRecord = {
        id: input.approvalId,
        taskId: input.taskId,
        threadId: input.threadId,
        instanceId: input.instanceId,
        action: definition.name,
        title: definition.title(args),
        arguments: input.proposal.arguments,
        risk: definition.risk(args),
        reason: input.proposal.reason,
        precondition: definition.precondition.describe(args),
        rollback: definition.rollback?.describe(args) ?? null,
        commands: definition.plannedCommands?.(args) ?? definition.commands(args, {}).map(commandText),
        ...(input.proposal.checkId ? { checkId: input.proposal.checkId } : {}),
        ...(input.proposal.rollbackOf ? { rollbackOf: input.proposal.rollbackOf } : {}),
        state: 'pending',
        proposedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + input.ttlMs).toISOString(),
      };
      await approvals.save(record);
      await say(
        input.threadId,
        `${record.id}/proposed`,
        `**Proposed action ${record.id}** (${record.risk} risk): ${record.title}\n\n${record.reason}\n\nCommands: ${record.commands.map((c) => `\`${c}\``).join(', ')}\nPrecondition: ${record.precondition}\nRollback: ${record.rollback ?? 'none'}\nWaiting for approval until ${record.expiresAt} (sre-agent approvals approve ${record.id}).`,
      );
      await publish(input.threadId, {
        type: 'action_proposed',
        taskId: input.taskId,
        approvalId: record.id,
        action: record.action,
        title: record.title,
        risk: record.risk,
        state: 'pending',
      });
      return record;
    },

    /** Mirrors the workflow's progress on the record, the thread and the stream. */
    async noteApproval(note: ApprovalNote): Promise<ApprovalRecord> {
      const record = await approvals.get(note.approvalId);
      const base = { taskId: record.taskId, approvalId: record.id };
      if (note.kind === 'decided') {
        const approved = note.decision.decision === 'approve';
        const next = await approvals.update(record.id, {
          state: approved ? 'approved' : 'rejected',
          decidedBy: note.decision.by,
          decidedAt: note.at,
          ...(note.decision.comment ? { comment: note.decision.comment } : {}),
        });
        await say(
          record.threadId,
          `${record.id}/decided`,
          `**Action ${record.id} ${approved ? 'approved' : 'rejected'}** by ${note.decision.by}${note.decision.comment ? `: "${note.decision.comment}"` : ''}${approved ? '' : '. Nothing was changed.'}`,
        );
        await publish(record.threadId, {
          type: approved ? 'action_approved' : 'action_rejected',
          ...base,
          state: next.state,
          by: note.decision.by,
          comment: note.decision.comment,
        });
        return next;
      }
      if (note.kind === 'expired') {
        const next = await approvals.update(record.id, { state: 'expired' });
        await say(record.threadId, `${record.id}/decided`, `**Action ${record.id} expired** at ${record.expiresAt} without a decision. Nothing was changed.`);
        await publish(record.threadId, { type: 'action_expired', ...base, state: 'expired' });
        return next;
      }
      if (note.kind === 'executing') return approvals.update(record.id, { executedAt: note.at });
      const { execution } = note;
      const next = await approvals.update(record.id, {
        state: execution.state,
        result: { detail: execution.detail, sent: execution.sent, before: execution.before, after: execution.after, verification: execution.verification },
        ...(note.rollbackId ? { rollbackId: note.rollbackId } : {}),
      });
      const v = execution.verification;
      await say(
        record.threadId,
        `${record.id}/done`,
        [
          `**Action ${record.id} ${execution.state}**: ${execution.detail}`,
          execution.sent.length ? `Sent: ${execution.sent.map((c) => `\`${c}\``).join(', ')}` : '',
          execution.before ? `Before: ${JSON.stringify(execution.before).slice(0, 500)}` : '',
          execution.after ? `After: ${JSON.stringify(execution.after).slice(0, 500)}` : '',
          v ? `Verification: ${v.passed ? 'passed' : 'FAILED'}: ${v.detail}` : '',
          note.rollbackId ? `Rollback proposed as ${note.rollbackId}.` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      await publish(record.threadId, { type: 'action_executed', ...base, state: execution.state, detail: execution.detail });
      if (v) await publish(record.threadId, { type: 'action_verified', ...base, state: execution.state, passed: v.passed, detail: v.detail });
      return next;
    },

    /**
     * Runs one approved action: precondition re-checked (the state may have changed while it
     * waited), the commands sent once (a marker in the app Redis, set before sending, makes a
     * retried attempt skip to verification), then verified. The write connection permits exactly
     * the commands the action declared for this state.
     */
    async executeAction(input: RemediationInput): Promise<ActionExecution> {
      const definition = definitionOf(input.proposal.action);
      const args = validated(definition, input.proposal);
      const instance = await deps.instances.resolve(input.instanceId);
      const why = notApplicable(definition, args, instance.instanceType ?? 'unknown');
      if (why) return { state: 'refused', detail: `not run: ${why}`, sent: [] };
      // Where the commands go when that is not the instance's endpoint (a cluster node, a sentinel): the precondition and verification read there too.
      const target = definition.target ? await definition.target(args, instance, deps) : instance;
      if ('refused' in target) return { state: 'refused', detail: `not run: ${target.refused}`, sent: [] };
      const connection = target;
      const heartbeat = () => Context.current().heartbeat();
      return deps.targets.use(connection, async (read) => {
        const ctx: ActionContext = { read, deps, instanceId: input.instanceId, threadId: input.threadId, taskId: input.taskId, heartbeat };
        // An earlier attempt sent the commands (then the worker died, or the reply was lost): verify, never send again.
        const earlier = await approvals.executionClaim(input.approvalId);
        if (earlier) {
          const checked = await definition.verify(args, ctx, earlier);
          return {
            state: checked.verification.passed ? 'verified' : 'executed',
            detail: `${definition.title(args)} (sent by an earlier attempt)`,
            sent: [],
            before: earlier,
            ...checked,
          };
        }
        const pre = await definition.precondition.check(args, ctx);
        if (!pre.holds) return { state: 'refused', detail: `precondition no longer holds: ${pre.reason}`, sent: [] };
        if (!(await approvals.claimExecution(input.approvalId, pre.before))) throw new Error('another attempt is executing this action; retrying to verify it');
        const argvs = definition.commands(args, pre.before);
        const sent: string[] = [];
        let ran: Record<string, unknown> | undefined;
        try {
          if (definition.run) ran = await definition.run(args, ctx);
          if (argvs.length) {
            const writer = await deps.targets.writer(connection, argvs);
            try {
              for (const argv of argvs) {
                await writer.call(argv[0], ...argv.slice(1));
                sent.push(commandText(argv));
              }
            } finally {
              await writer.close();
            }
          }
        } catch (err) {
          return {
            state: 'failed',
            detail: `${sent.length ? `sent ${sent.length} of ${argvs.length} commands, then ` : ''}failed: ${(err as Error).message}`,
            sent,
            before: pre.before,
          };
        }
        const checked = await definition.verify(args, ctx, pre.before);
        let verification = checked.verification;
        if (verification.passed && input.proposal.checkId) {
          const again = await recheck(ctx, input.proposal.checkId, input.proposal.severity);
          verification = { passed: again.passed, detail: `${verification.detail}; ${again.detail}` };
        }
        const rollback = definition.rollback?.proposal(args, pre.before);
        return {
          state: verification.passed ? 'verified' : 'executed',
          detail: definition.title(args),
          sent,
          before: pre.before,
          after: { ...checked.after, ...(ran ? { result: ran } : {}) },
          verification,
          ...(rollback ? { rollback: { ...rollback, rollbackOf: input.approvalId } } : {}),
        };
      });
    },
  };
}

export type ActionActivities = ReturnType<typeof createActionActivities>;
