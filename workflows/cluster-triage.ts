import { ApplicationFailure, executeChild, isCancellation } from '@temporalio/workflow';
import { nodeInstanceId } from '../core/cluster/node-selector';
import type { ClusterTopologyReport } from '../activities/tools/redis/cluster-topology';
import { SA_AGENT, SA_INSTANCE } from '../core/search-attributes';
import { NO_USAGE, type AgentInput, type AgentOutcome, type ProgressEvent } from '../core/types';
import { nodeBaselineWorkflow } from './node-baseline';
import { bookkeeping } from './proxies';
import { StatusTracker } from './status';
import { callTool, failureMessage } from './tool-calls';

/**
 * Triage of a Redis Cluster: discover the nodes (CLUSTER SHARDS, CLUSTER NODES before 7.0), run
 * one baseline per reachable node as parallel child workflows, then the cluster-level checks over
 * all of them. The report leads with the cluster verdict and names the node of every finding.
 * A node whose baseline fails is reported as such; the triage still completes.
 */
export async function clusterTriageWorkflow(input: AgentInput): Promise<AgentOutcome> {
  const status = new StatusTracker();
  return status.run(() => triage(input, status));
}

async function triage(input: AgentInput, status: StatusTracker): Promise<AgentOutcome> {
  const { task, setup } = input;
  Object.assign(status.state, { agent: 'triage', mode: 'offline' });
  const instanceId = task.instanceId;
  if (!instanceId) throw ApplicationFailure.nonRetryable('a cluster triage needs a cluster instance, and this task has none', 'NoInstance');
  const target = setup.instanceLabel ?? 'this cluster';
  const announce = (event: ProgressEvent) =>
    bookkeeping.reportProgress({ threadId: task.threadId, event }).catch((err: unknown) => {
      if (isCancellation(err)) throw err;
    });
  const progress = (phase: typeof status.state.phase, detail: string) => {
    status.phase(phase, detail);
    return announce({ type: 'phase', taskId: task.taskId, phase, detail });
  };

  await progress('collecting-baseline', 'discovering the cluster');
  const tools = await bookkeeping.describeTools({ agent: 'triage', withInstance: true });
  const discovery = await callTool({ task, tools, status }, 'redis_cluster_topology', {});
  if (!discovery.ok) throw ApplicationFailure.nonRetryable(`cluster discovery failed: ${discovery.error}`, 'ClusterDiscoveryFailed');
  const topology = discovery.output.data as ClusterTopologyReport | { enabled: false; note: string };
  if (!topology.enabled)
    throw ApplicationFailure.nonRetryable(
      `the instance is registered as a cluster, but ${topology.note}: set its instance_type to standalone (or replica) to triage it as one node`,
      'NotACluster',
    );

  // A node the cluster already marks failed would only time out: the cluster checks report it.
  const nodes = topology.shards.flatMap((s) => s.nodes).filter((n) => n.health !== 'failed');
  await progress('collecting-baseline', `one baseline per node, ${nodes.length} nodes in parallel`);
  const baselines = await Promise.all(
    nodes.map(async (node) => {
      try {
        return await executeChild(nodeBaselineWorkflow, {
          args: [{ task: { ...task, instanceId: nodeInstanceId(instanceId, node.address) }, node: node.address, role: node.role }],
          workflowId: `${task.taskId}-node-${node.address.replace(/[^\w.-]/g, '_')}`,
          staticSummary: `node baseline: ${node.address} (${node.role})`,
          typedSearchAttributes: [
            { key: SA_AGENT, value: 'triage' },
            { key: SA_INSTANCE, value: instanceId },
          ],
        });
      } catch (err) {
        if (isCancellation(err)) throw err;
        return { address: node.address, error: failureMessage(err) };
      }
    }),
  );

  await progress('synthesizing', 'cluster-level checks');
  const report = await bookkeeping.clusterReport({ topology, nodes: baselines, target, question: task.message });
  status.phase('done');
  return { answer: report.markdown, report, usage: NO_USAGE, toolCalls: status.toolCallsRan() + nodes.length, mode: 'offline' };
}
