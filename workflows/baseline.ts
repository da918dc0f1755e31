import { patched } from '@temporalio/workflow';
import type { BaselineDigest } from '../core/types';
import { bookkeeping } from './proxies';
import { BASELINE_CALLS } from './playbook';
import { callTool, type ToolCallContext, type ToolCallOutcome } from './tool-calls';

/**
 * Collects the baseline: every playbook tool in parallel, the rules engine over the results, then
 * one round of follow-up evidence the checks asked for (e.g. the keys blocked clients wait on).
 */
/**
 * Tools added to the playbook after workflows were already running: a patch marker keeps
 * histories recorded before the change replaying exactly as they ran.
 */
const PATCHED_IN: Record<string, string> = {
  redis_streams: 'baseline-redis-streams',
  redis_info_rates: 'baseline-redis-info-rates',
  redis_keyspace_profile: 'baseline-redis-keyspace-profile',
  redis_sentinel: 'baseline-redis-sentinel',
};

const INSTANCE_LEVEL = new Set(['redis_sentinel']);

export async function collectBaseline(ctx: ToolCallContext): Promise<BaselineDigest> {
  const outputs: Record<string, ToolCallOutcome> = {};
  const offered = BASELINE_CALLS.filter((c) => ctx.tools.some((t) => t.name === c.tool))
    // A node's own baseline leaves out what is about the whole instance (its sentinels): the instance's baseline has it.
    .filter((c) => !(ctx.node && INSTANCE_LEVEL.has(c.tool)))
    .filter((c) => !PATCHED_IN[c.tool] || patched(PATCHED_IN[c.tool]));
  await Promise.all(offered.map(async (c) => (outputs[c.tool] = await callTool(ctx, c.tool, c.args))));
  const first = await bookkeeping.evaluateBaseline({ outputs });
  if (first.followUps.length === 0) return withCalls(first.digest, outputs);
  await Promise.all(first.followUps.map(async (f) => (outputs[f.tool] = await callTool(ctx, f.tool, f.args))));
  return withCalls((await bookkeeping.evaluateBaseline({ outputs })).digest, outputs);
}

/** Which call each tool's output came from, so every evidence line can name it. */
function withCalls(digest: BaselineDigest, outputs: Record<string, ToolCallOutcome>): BaselineDigest {
  const calls = Object.fromEntries(Object.entries(outputs).flatMap(([tool, o]) => (o.callId ? [[tool, o.callId]] : [])));
  return Object.keys(calls).length ? { ...digest, calls } : digest;
}
