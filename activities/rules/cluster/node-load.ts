import type { ClusterNodeLoad } from '../../../core/types';
import type { Baseline } from '../baseline';

/**
 * What one node of a cluster carries, from its baseline: the numbers the cluster-level checks
 * compare across primaries (keys, memory, ops/s, network, redirection errors, hottest keys).
 * Rates come from the baseline's own sample window; without it, INFO's instantaneous figures.
 */

/** The redirections and cross-slot refusals a cluster client meets (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#redirection-and-resharding). */
const CLUSTER_ERRORS = ['MOVED', 'ASK', 'CROSSSLOT', 'CLUSTERDOWN', 'TRYAGAIN'] as const;

export function clusterNodeLoad(b: Baseline): ClusterNodeLoad | undefined {
  const cluster = b.data<{ enabled: boolean }>('redis_cluster_info');
  if (!cluster?.enabled) return undefined;
  const rates = b.rates();
  const kbps = (bytesPerSec: number | undefined, instantaneous: string) =>
    bytesPerSec !== undefined ? Math.round((bytesPerSec / 1024) * 100) / 100 : (b.num(instantaneous) ?? 0);
  const hot = b.data<{ lfu: boolean; hot: Array<{ key: string; freq: number }> }>('redis_hot_keys');
  const errors: Record<string, number> = {};
  for (const prefix of CLUSTER_ERRORS) {
    const perSecond = rates?.errorsPerSecond[prefix];
    const total = b.errorCount(prefix);
    if (perSecond || total) errors[prefix] = perSecond ?? 0;
  }
  const primary = b.str('role') === 'master';
  return {
    role: primary ? 'primary' : 'replica',
    ...(primary ? {} : { masterLinkUp: b.str('master_link_status') === 'up' }),
    keys: b.data<{ totalKeys: number }>('redis_keyspace')?.totalKeys ?? 0,
    usedMemory: b.num('used_memory') ?? 0,
    opsPerSec: b.rate('total_commands_processed') ?? b.num('instantaneous_ops_per_sec') ?? 0,
    netInputKbps: kbps(b.rate('total_net_input_bytes'), 'instantaneous_input_kbps'),
    netOutputKbps: kbps(b.rate('total_net_output_bytes'), 'instantaneous_output_kbps'),
    errorsPerSecond: errors,
    errorTotals: Object.fromEntries(CLUSTER_ERRORS.filter((p) => b.errorCount(p) > 0).map((p) => [p, b.errorCount(p)])),
    hotKeys: hot?.lfu ? hot.hot.slice(0, 3) : [],
  };
}
