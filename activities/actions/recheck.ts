import type { Verification } from '../../core/actions/types';
import { FootprintRecorder } from '../../core/footprint-recorder';
import type { Severity, ToolOutput } from '../../core/types';
import type { BaselineInput } from '../rules/baseline';
import { ALL_CHECKS, bySeverity, runChecks } from '../rules/engine';
import type { ToolContext } from '../tools/define';
import type { ActionContext } from './define';

/** The tools a re-check reads: what the baseline's checks over INFO and CONFIG need. */
const RECHECK_CALLS: Array<{ tool: string; args: Record<string, unknown> }> = [
  { tool: 'redis_info', args: { section: 'all' } },
  { tool: 'redis_config_get', args: { parameters: ['*'] } },
];

/**
 * Re-runs the rule check whose finding proposed an action, on fresh INFO and CONFIG read through
 * the same tool code the baseline uses. It passes when the check passes, or when what it reports
 * now is less severe than the finding the action was proposed for (OOM under noeviction is
 * critical; at maxmemory under allkeys-lru Redis evicts instead, which the check calls a warning).
 */
export async function recheck(ctx: ActionContext, checkId: string, severity: Severity = 'info'): Promise<Verification> {
  const check = ALL_CHECKS.find((c) => c.id === checkId);
  if (!check) return { passed: false, detail: `check ${checkId} is not known to this worker` };
  const input: BaselineInput = {};
  for (const { tool, args } of RECHECK_CALLS) {
    const definition = ctx.deps.registry.get(tool);
    if (!definition) continue;
    const toolCtx: ToolContext = {
      call: { callId: `verify-${tool}`, taskId: ctx.taskId, threadId: ctx.threadId, instanceId: ctx.instanceId, args },
      deps: ctx.deps,
      heartbeat: () => ctx.heartbeat(),
      footprint: new FootprintRecorder(),
      instance: () => ctx.deps.instances.resolve(ctx.instanceId),
    };
    try {
      const data = await definition.handler(definition.schema.parse(args), toolCtx);
      input[tool] = { ok: true, output: { tool, data } satisfies ToolOutput };
    } catch (err) {
      input[tool] = { ok: false, error: (err as Error).message };
    }
  }
  const { digest } = runChecks(input, [check]);
  if (digest.passed.length) return { passed: true, detail: `${checkId} passes now` };
  const skipped = digest.skipped.find((s) => s.checkId === checkId);
  if (skipped) return { passed: false, detail: `${checkId} could not run: ${skipped.reason}` };
  // runChecks returns its findings worst first.
  const worst = digest.findings[0];
  if (worst && bySeverity(worst, { severity }) > 0)
    return { passed: true, detail: `${checkId} no longer reports a ${severity} finding; now ${worst.severity}: ${worst.title}` };
  return { passed: false, detail: `${checkId} still reports ${worst?.severity ?? severity}: ${worst?.title ?? 'a finding'}` };
}
