import type { NodeBaselineInput, NodeBaselineResult } from '../core/types';
import { collectBaseline } from './baseline';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';

/**
 * One data node's baseline, for an instance with several: every playbook tool as an activity
 * against that node, then the rules engine; its own workflow, so the history shows which node
 * said what. A cluster node's selector rides on the instance id (`role` is set); a sentinel
 * instance's replica is named on each tool call (the activities check the sentinels report it).
 * Credentials never enter this history.
 */
export async function nodeBaselineWorkflow(input: NodeBaselineInput): Promise<NodeBaselineResult> {
  const status = new StatusTracker();
  return status.run(async () => {
    Object.assign(status.state, { agent: 'triage', mode: 'offline' });
    status.phase('collecting-baseline', `node ${input.node}${input.role ? ` (${input.role})` : ''}`);
    const tools = await bookkeeping.describeTools({ agent: 'triage', withInstance: true });
    const onSelector = input.role !== undefined;
    const digest = await collectBaseline({ task: input.task, tools, status, ...(onSelector ? {} : { node: input.node }) });
    status.phase('done');
    return { address: input.node, digest };
  });
}
