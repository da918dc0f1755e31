import { executeChild, isCancellation } from '@temporalio/workflow';
import { SA_AGENT, SA_INSTANCE } from '../core/search-attributes';
import type { BaselineDigest, TaskInput } from '../core/types';
import { collectBaseline } from './baseline';
import { mergeNodeDigests } from './node-digests';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';
import { failureMessage } from './tool-calls';

/**
 * The baseline of one data node of an instance with several (a sentinel instance's replica): the
 * same playbook, every call pointed at that node. The node is a host:port selector next to the
 * instance id; the activities check it is a node the sentinels report, and connect with the
 * instance's credentials, which never enter this history.
 */
export async function nodeBaselineWorkflow(input: { task: TaskInput; node: string }): Promise<BaselineDigest> {
  const status = new StatusTracker();
  return status.run(async () => {
    status.phase('collecting-baseline', `node ${input.node}`);
    const tools = await bookkeeping.describeTools({ agent: 'triage', withInstance: true });
    const digest = await collectBaseline({ task: input.task, tools, status, node: input.node });
    status.phase('done');
    return digest;
  });
}

/**
 * A sentinel instance's triage: the baseline ran on the current master; each replica the
 * sentinels list gets a baseline of its own, in parallel child workflows. A replica whose
 * baseline fails is reported as such; the triage goes on.
 */
export async function withReplicaBaselines(
  task: TaskInput,
  digest: BaselineDigest & { topology: NonNullable<BaselineDigest['topology']> },
): Promise<BaselineDigest> {
  const replicas = await Promise.all(
    digest.topology.replicas.map(async (node) => {
      try {
        const nodeDigest = await executeChild(nodeBaselineWorkflow, {
          args: [{ task, node }],
          workflowId: `${task.taskId}-node-${node}`,
          staticSummary: `node baseline: replica ${node}`,
          typedSearchAttributes: [{ key: SA_AGENT, value: 'triage' }, ...(task.instanceId ? [{ key: SA_INSTANCE, value: task.instanceId }] : [])],
        });
        return { node, digest: nodeDigest };
      } catch (err) {
        if (isCancellation(err)) throw err;
        return { node, error: failureMessage(err) };
      }
    }),
  );
  return mergeNodeDigests(digest, replicas);
}
