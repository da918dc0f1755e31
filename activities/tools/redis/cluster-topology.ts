import { nodeInstanceId, parseNodeSelector } from '../../../core/cluster/node-selector';
import {
  allNodes,
  formatRanges,
  parseClusterInfo,
  parseClusterNodes,
  parseClusterShards,
  slotGaps,
  type ClusterTopology,
} from '../../../core/cluster/topology';
import { CommandUnavailableError, TargetCommandError, TargetUnavailableError, type RedisCommands } from '../../../core/target-redis';
import { noArgs, type ToolContext } from '../define';
import { readInfo } from './target';
import { redisTool } from './tool';

/**
 * Discovery of a cluster: its shards (slot ranges, primary, replicas, health) from CLUSTER SHARDS,
 * or CLUSTER NODES where SHARDS is missing (before 7.0) or refused, plus CLUSTER INFO. Three
 * commands with O(nodes) replies: bounded for any cluster size Redis supports.
 */

export interface ClusterTopologyReport extends ClusterTopology {
  enabled: true;
  info: Record<string, string | number>;
  /** Slot ranges no shard serves, e.g. "100-199". */
  uncovered: string;
}

async function readTopology(redis: RedisCommands, seed: string): Promise<ClusterTopologyReport | { enabled: false; note: string }> {
  const cluster = (await readInfo(redis, 'cluster')).cluster ?? {};
  if (cluster.cluster_enabled !== '1') return { enabled: false, note: 'cluster mode is disabled on this node (cluster_enabled:0)' };
  const info = parseClusterInfo(String(await redis.call('CLUSTER', 'INFO')));
  let topology: ClusterTopology;
  try {
    topology = parseClusterShards(await redis.call('CLUSTER', 'SHARDS'), seed);
  } catch (err) {
    // Redis before 7.0 answers "unknown subcommand"; a renamed or denied SHARDS is unavailable.
    if (!(err instanceof TargetCommandError)) throw err;
    topology = parseClusterNodes(String(await redis.call('CLUSTER', 'NODES')), seed);
  }
  return { enabled: true, ...topology, info, uncovered: formatRanges(slotGaps(topology.shards)) };
}

/** The instance's own node first, then each seed in order: a cluster is found while one seed answers. */
async function discover(ctx: ToolContext) {
  const own = await ctx.instance();
  const selectors = [own.id, ...(own.clusterSeeds ?? []).map((s) => nodeInstanceId(parseNodeSelector(own.id).instanceId, s))];
  const failures: string[] = [];
  for (const selector of selectors) {
    const connection = selector === own.id ? own : await ctx.deps.instances.resolve(selector);
    try {
      const seed = parseNodeSelector(selector).node ?? new URL(connection.url).host;
      const report = await ctx.deps.targets.use(connection, (redis) => readTopology(ctx.footprint.wrap(redis), seed));
      return failures.length ? { ...report, unreachableSeeds: failures } : report;
    } catch (err) {
      if (!(err instanceof TargetUnavailableError) || err instanceof CommandUnavailableError) throw err;
      failures.push((err as Error).message);
    }
  }
  throw new TargetUnavailableError(`no node of the cluster answered: ${failures.join('; ')}`);
}

export const redisClusterTopology = redisTool({
  name: 'redis_cluster_topology',
  categories: ['cluster', 'availability', 'replication'],
  description:
    'Cluster discovery: every shard with its slot ranges, primary and replicas (address, role, health) from CLUSTER SHARDS (CLUSTER NODES before Redis 7.0), CLUSTER INFO, and the slot ranges no shard serves. Tries the configured seed nodes when the instance URL does not answer.',
  schema: noArgs,
  handler: async (_args, ctx) => discover(ctx),
  summarize: (data: ClusterTopologyReport | { enabled: false }) =>
    data.enabled
      ? `${allNodes(data).length} nodes in ${data.shards.length} shards via ${data.source}, cluster_state ${data.info.cluster_state}`
      : 'cluster disabled',
});
