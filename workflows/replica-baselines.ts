import { executeChild, isCancellation } from '@temporalio/workflow';
import { SA_AGENT, SA_INSTANCE } from '../core/search-attributes';
import type { BaselineDigest, TaskInput } from '../core/types';
import { mergeNodeDigests } from './node-digests';
import { nodeBaselineWorkflow } from './node-baseline';
import { failureMessage } from './tool-calls';

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
        const result = await executeChild(nodeBaselineWorkflow, {
          args: [{ task, node }],
          workflowId: `${task.taskId}-node-${node}`,
          staticSummary: `node baseline: replica ${node}`,
          typedSearchAttributes: [{ key: SA_AGENT, value: 'triage' }, ...(task.instanceId ? [{ key: SA_INSTANCE, value: task.instanceId }] : [])],
        });
        return { node, digest: result.digest };
      } catch (err) {
        if (isCancellation(err)) throw err;
        return { node, error: failureMessage(err) };
      }
    }),
  );
  return mergeNodeDigests(digest, replicas);
}
