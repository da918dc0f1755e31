import type { NodeBaselineInput, NodeBaselineResult } from '../core/types';
import { collectBaseline } from './baseline';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';

/**
 * One cluster node's baseline: every playbook tool as an activity against that node (the node
 * selector rides on the instance id), then the rules engine. Its own workflow so the history
 * shows which node said what.
 */
export async function nodeBaselineWorkflow(input: NodeBaselineInput): Promise<NodeBaselineResult> {
  const status = new StatusTracker();
  return status.run(async () => {
    Object.assign(status.state, { agent: 'triage', mode: 'offline' });
    status.phase('collecting-baseline', `node ${input.node} (${input.role})`);
    const tools = await bookkeeping.describeTools({ agent: 'triage', withInstance: true });
    const digest = await collectBaseline({ task: input.task, tools, status });
    status.phase('done');
    return { address: input.node, digest };
  });
}
