import type { BaselineDigest } from '../core/types';
import { bookkeeping } from './proxies';
import { BASELINE_CALLS } from './playbook';
import { callTool, type ToolCallContext, type ToolCallOutcome } from './tool-calls';

/**
 * Collects the baseline: every playbook tool in parallel, the rules engine over the results, then
 * one round of follow-up evidence the checks asked for (e.g. the keys blocked clients wait on).
 */
export async function collectBaseline(ctx: ToolCallContext): Promise<BaselineDigest> {
  const outputs: Record<string, ToolCallOutcome> = {};
  const offered = BASELINE_CALLS.filter((c) => ctx.tools.some((t) => t.name === c.tool));
  await Promise.all(offered.map(async (c) => (outputs[c.tool] = await callTool(ctx, c.tool, c.args))));
  let { digest, followUps } = await bookkeeping.evaluateBaseline({ outputs });
  if (followUps.length) {
    await Promise.all(followUps.map(async (f) => (outputs[f.tool] = await callTool(ctx, f.tool, f.args))));
    ({ digest } = await bookkeeping.evaluateBaseline({ outputs }));
  }
  return digest;
}
