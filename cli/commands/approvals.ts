import type { Command } from 'commander';
import type { ApprovalView } from '../../service/approvals';
import { cliActor } from '../actor';
import { action, printJson, printTable } from '../output';
import { withDefaultServices } from '../services';

/**
 * `sre-agent approvals …`: proposed remediation actions. The CLI works with the worker's own
 * configuration (app Redis, Temporal), so its user decides as admin; the decision is recorded
 * under the local user's name.
 */

function printApproval(a: ApprovalView): void {
  const lines = [
    `${a.id} · ${a.state} · ${a.risk} risk`,
    `${a.title}`,
    `why: ${a.reason}`,
    `commands: ${a.commands.join('; ')}`,
    `precondition: ${a.precondition}`,
    `rollback: ${a.rollback ?? 'none'}`,
    `proposed ${a.proposed_at} by task ${a.task_id} · expires ${a.expires_at}`,
    ...(a.decided_by ? [`decided by ${a.decided_by} at ${a.decided_at}${a.comment ? `: "${a.comment}"` : ''}`] : []),
    ...(a.result ? [`result: ${a.result.detail}`] : []),
    ...(a.result?.sent?.length ? [`sent: ${a.result.sent.join('; ')}`] : []),
    ...(a.result?.before ? [`before: ${JSON.stringify(a.result.before)}`] : []),
    ...(a.result?.after ? [`after: ${JSON.stringify(a.result.after)}`] : []),
    ...(a.result?.verification ? [`verification: ${a.result.verification.passed ? 'passed' : 'FAILED'}: ${a.result.verification.detail}`] : []),
    ...(a.rollback_id ? [`rollback proposed as ${a.rollback_id}`] : []),
    `Temporal UI: ${a.workflow_url}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerApprovals(program: Command): void {
  const approvals = program.command('approvals').description('remediation actions proposed by tasks: list, show, approve, reject');
  approvals
    .command('list')
    .option('--state <state>', 'pending, approved, rejected, expired, executed, verified, refused, failed')
    .option('--instance <id>', 'only for this instance')
    .option('--task <id>', 'only proposed by this task')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { state?: string; instance?: string; task?: string; json?: boolean }) => {
        const list = await withDefaultServices((s) =>
          s.approvals.list({
            ...(opts.state ? { state: opts.state } : {}),
            ...(opts.instance ? { instance_id: opts.instance } : {}),
            ...(opts.task ? { task_id: opts.task } : {}),
          }),
        );
        if (opts.json) return printJson(list);
        printTable(list as never[], ['id', 'state', 'risk', 'title', 'instance_id', 'expires_at']);
      }),
    );
  approvals
    .command('show')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const a = await withDefaultServices((s) => s.approvals.get(id));
        if (opts.json) printJson(a);
        else printApproval(a);
      }),
    );
  for (const decision of ['approve', 'reject'] as const) {
    approvals
      .command(decision)
      .argument('<id>')
      .option('--comment <text>', 'why: recorded with the decision')
      .option('--json', 'JSON output')
      .description(
        decision === 'approve' ? 'approve: the action re-checks its precondition, runs and is verified; prints the outcome' : 'reject: nothing changes',
      )
      .action(
        action(async (id: string, opts: { comment?: string; json?: boolean }) => {
          const a = await withDefaultServices((s) =>
            s.approvals.decide(id, decision, opts.comment ? { comment: opts.comment } : {}, { name: cliActor(), role: 'admin' }),
          );
          if (opts.json) printJson(a);
          else printApproval(a);
        }),
      );
  }
}
