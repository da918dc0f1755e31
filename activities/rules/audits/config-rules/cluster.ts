import { bytes, type Baseline } from '../../baseline';
import { whenValue, type ConfigRule } from '../config-rule';
import { cfgEv, conf, confNum, infoEv, role } from '../config-values';

/**
 * Cluster: failure detection, failover and the bus, judged only on cluster nodes. Not judgeable
 * from one node: announced addresses the peers cannot reach, whether every replica of a shard has
 * failover disabled (each node reports only its own setting), the intended topology.
 */

const clustered = (b: Baseline) => conf(b, 'cluster-enabled') === 'yes';

/** A cache tolerates partial availability: a memory limit with an allkeys-* policy. */
const cacheLike = (b: Baseline) => (confNum(b, 'maxmemory') ?? 0) > 0 && /^allkeys-/.test(conf(b, 'maxmemory-policy') ?? '');

/** A cluster rule on one directive: holds only on cluster nodes. */
function clusterValue(name: string, holds: (value: string, b: Baseline) => boolean, title: (value: string) => string): ConfigRule['when'] {
  return whenValue(
    name,
    (v, b) => clustered(b) && holds(v, b),
    (v) => ({ title: title(v), detail: `${name} is ${v} on this cluster node.` }),
  );
}

export const clusterRules: ConfigRule[] = [
  {
    id: 'config.cluster-node-timeout-low',
    directives: ['cluster-node-timeout'],
    category: 'cluster',
    severity: 'warning',
    rationale: 'Short pauses (a fork, a slow command, a network hiccup) then mark nodes as failed and trigger needless failovers.',
    when: whenValue(
      'cluster-node-timeout',
      (v, b) => clustered(b) && Number(v) < 5000,
      (v, b) => ({
        title: `cluster-node-timeout ${v} ms: short pauses look like node failures`,
        detail: `cluster-node-timeout is ${v} ms; the last fork took ${((b.num('latest_fork_usec') ?? 0) / 1000).toFixed(0)} ms.`,
        evidence: [infoEv('latest_fork_usec', b.num('latest_fork_usec') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Use the default 15 s.', commands: ['CONFIG SET cluster-node-timeout 15000'] },
    source: 'redis/redis@7.0.15 redis.conf L1586 ("Cluster node timeout is the amount of milliseconds a node must be unreachable")',
    runbook: 'cluster-slots-migration',
  },
  {
    id: 'config.cluster-node-timeout-high',
    directives: ['cluster-node-timeout'],
    category: 'cluster',
    severity: 'info',
    rationale: 'Failure detection and failover then take minutes: most internal cluster limits are multiples of the node timeout.',
    when: clusterValue(
      'cluster-node-timeout',
      (v) => Number(v) > 60_000,
      (v) => `cluster-node-timeout ${v} ms: failover takes minutes`,
    ),
    fix: { recommendation: 'Use the default 15 s.', commands: ['CONFIG SET cluster-node-timeout 15000'] },
    source: 'redis/redis@7.0.15 redis.conf L1588 ("Most other internal time limits are a multiple of the node timeout.")',
    runbook: 'cluster-slots-migration',
  },
  {
    id: 'config.cluster-full-coverage',
    directives: ['cluster-require-full-coverage'],
    category: 'cluster',
    severity: 'info',
    rationale: 'Losing any slot makes the whole cluster refuse queries (CLUSTERDOWN), which a cache could avoid by serving the slots it still has.',
    when: clusterValue(
      'cluster-require-full-coverage',
      (v, b) => v === 'yes' && cacheLike(b),
      () => 'A cache cluster stops entirely when any slot is uncovered',
    ),
    fix: { recommendation: 'For caches, keep serving the covered slots.', commands: ['CONFIG SET cluster-require-full-coverage no'] },
    source: 'redis/redis@7.0.15 redis.conf L1672 ("This way if the cluster is partially down (for example a range of hash slots")',
    runbook: 'cluster-slots-migration',
  },
  {
    id: 'config.cluster-reads-when-down',
    directives: ['cluster-allow-reads-when-down'],
    category: 'cluster',
    severity: 'info',
    rationale: 'Nodes then serve reads while the cluster is down, possibly stale or inconsistent during partitions.',
    when: clusterValue(
      'cluster-allow-reads-when-down',
      (v) => v === 'yes',
      () => 'cluster-allow-reads-when-down yes: reads served while the cluster is down',
    ),
    fix: { recommendation: 'Keep it only if stale reads are acceptable.', commands: ['CONFIG SET cluster-allow-reads-when-down no'] },
    source: 'redis/redis@7.0.15 redis.conf L1697 ("doesn\'t require consistency of data during node failures or network partitions.")',
  },
  {
    id: 'config.cluster-validity-factor',
    directives: ['cluster-replica-validity-factor', 'cluster-slave-validity-factor'],
    category: 'cluster',
    severity: 'info',
    rationale: '0 (or a very large factor) lets a replica with arbitrarily old data fail over: availability over consistency.',
    when: clusterValue(
      'cluster-replica-validity-factor',
      (v) => Number(v) === 0 || Number(v) > 100,
      (v) => `cluster-replica-validity-factor ${v}: stale replicas may fail over`,
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET cluster-replica-validity-factor 10'] },
    source: 'redis/redis@7.0.15 redis.conf L1627 ("A large cluster-replica-validity-factor may allow replicas with too old data to failover")',
  },
  {
    id: 'config.cluster-migration-barrier-zero',
    directives: ['cluster-migration-barrier'],
    category: 'cluster',
    severity: 'warning',
    rationale: 'Replicas may then migrate away and leave their master with none; documented as useful only for debugging.',
    when: clusterValue(
      'cluster-migration-barrier',
      (v) => Number(v) === 0,
      () => 'cluster-migration-barrier 0: masters can be left without replicas',
    ),
    fix: { recommendation: 'Keep at least one replica per master.', commands: ['CONFIG SET cluster-migration-barrier 1'] },
    source: 'redis/redis@7.0.15 redis.conf L1657 ("A value of 0 can be set but is useful only for debugging and dangerous")',
  },
  {
    id: 'config.cluster-replica-no-failover',
    directives: ['cluster-replica-no-failover', 'cluster-slave-no-failover'],
    category: 'cluster',
    severity: 'warning',
    appliesTo: { role: 'replica' },
    rationale: 'This replica never fails over its master on its own; if every replica of the shard is set so, the shard has no automatic failover.',
    when: clusterValue(
      'cluster-replica-no-failover',
      (v, b) => v === 'yes' && role(b) === 'replica',
      () => 'cluster-replica-no-failover yes: this replica never takes over',
    ),
    fix: { recommendation: 'Allow automatic failover on at least one replica per shard.', commands: ['CONFIG SET cluster-replica-no-failover no'] },
    source: 'redis/redis@7.0.15 redis.conf L1683 ("This option, when set to yes, prevents replicas from trying to failover its")',
  },
  {
    id: 'config.cluster-replica-migration-off',
    directives: ['cluster-allow-replica-migration'],
    category: 'cluster',
    severity: 'info',
    rationale: 'Masters left without replicas then never receive one automatically.',
    when: clusterValue(
      'cluster-allow-replica-migration',
      (v) => v === 'no',
      () => 'cluster-allow-replica-migration no: orphaned masters stay without replicas',
    ),
    fix: { recommendation: 'Allow replica migration.', commands: ['CONFIG SET cluster-allow-replica-migration yes'] },
    source: 'redis/redis@7.0.15 redis.conf L1663 ("It both disables migration to orphaned masters and migration from masters")',
  },
  {
    id: 'config.cluster-link-sendbuf-unbounded',
    directives: ['cluster-link-sendbuf-limit'],
    category: 'cluster',
    severity: 'warning',
    rationale: 'Send buffers towards slow peers (e.g. Pub/Sub fan-out over the bus) then grow without bound.',
    when(b) {
      const links = b.num('mem_cluster_links') ?? 0;
      // 10 MiB: the MEMORY DOCTOR threshold for buffers worth reporting (object.c getMemoryDoctorReport).
      if (!clustered(b) || confNum(b, 'cluster-link-sendbuf-limit') !== 0 || links <= 10 * 1048576) return undefined;
      return {
        title: `Cluster bus buffers hold ${bytes(links)} with no send-buffer limit`,
        detail: `mem_cluster_links is ${bytes(links)} and cluster-link-sendbuf-limit is 0.`,
        evidence: [cfgEv('cluster-link-sendbuf-limit', 0), infoEv('mem_cluster_links', links)],
      };
    },
    fix: {
      recommendation: 'Cap per-link send buffers (at least client-query-buffer-limit).',
      commands: ['CLUSTER LINKS', 'CONFIG SET cluster-link-sendbuf-limit 1gb'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1722 ("This limit is disabled by default. Enable this limit when \'mem_cluster_links\' INFO field")',
    runbook: 'cluster-slots-migration',
  },
  {
    id: 'config.cluster-hostname-endpoint-unset',
    directives: ['cluster-preferred-endpoint-type', 'cluster-announce-hostname'],
    category: 'cluster',
    severity: 'critical',
    rationale: 'MOVED/ASK redirections and CLUSTER SLOTS then give "?" as the endpoint, and clients cannot follow them.',
    when(b) {
      if (!clustered(b) || conf(b, 'cluster-preferred-endpoint-type') !== 'hostname' || (conf(b, 'cluster-announce-hostname') ?? '') !== '') return undefined;
      return {
        title: 'Endpoint type hostname without an announced hostname: redirections point to "?"',
        detail: 'cluster-preferred-endpoint-type is hostname and cluster-announce-hostname is empty.',
        evidence: [cfgEv('cluster-preferred-endpoint-type', 'hostname'), cfgEv('cluster-announce-hostname', '')],
      };
    },
    fix: {
      recommendation: 'Announce a hostname on every node, or go back to IP endpoints.',
      commands: ['CONFIG SET cluster-announce-hostname <fqdn of this node>', 'CONFIG SET cluster-preferred-endpoint-type ip  # or go back to IP endpoints'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1743 ("If the preferred endpoint type is set to hostname, but no announced hostname is set, a \'?\'")',
    runbook: 'cluster-slots-migration',
  },
  {
    id: 'config.cluster-blacklist-ttl-short',
    directives: ['cluster-blacklist-ttl'],
    category: 'cluster',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.0' },
    rationale: 'A forgotten node can be re-added by gossip before CLUSTER FORGET has reached every node.',
    when: clusterValue(
      'cluster-blacklist-ttl',
      (v) => Number(v) < 60,
      (v) => `cluster-blacklist-ttl ${v}s: forgotten nodes can come back`,
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET cluster-blacklist-ttl 60'] },
    source: 'valkey-io/valkey@8.0.1 valkey.conf L1817 ("The blacklist TTL is 60 seconds by default")',
  },
  {
    id: 'config.cluster-pubsubshard-when-down',
    directives: ['cluster-allow-pubsubshard-when-down'],
    category: 'cluster',
    severity: 'info',
    rationale: 'Sharded Pub/Sub then stops while the cluster is down.',
    when: clusterValue(
      'cluster-allow-pubsubshard-when-down',
      (v) => v === 'no',
      () => 'cluster-allow-pubsubshard-when-down no: sharded Pub/Sub stops when the cluster is down',
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET cluster-allow-pubsubshard-when-down yes'] },
    source: 'redis/redis@7.0.15 redis.conf L1709 ("This option, when set to yes, allows nodes to serve pubsub shard traffic while")',
  },
  {
    id: 'config.cluster-databases-many',
    directives: ['cluster-databases'],
    category: 'cluster',
    severity: 'info',
    appliesTo: { redis: false, valkey: '9.0' },
    rationale: 'Numbered databases in cluster mode need clients that SELECT per connection in cluster mode; older clients assume database 0.',
    when: clusterValue(
      'cluster-databases',
      (v) => Number(v) > 1,
      (v) => `cluster-databases ${v}: clients must handle SELECT in cluster mode`,
    ),
    fix: { recommendation: 'Keep 1 unless every client supports it (needs a restart).', commands: ['# in {conf}, then restart: cluster-databases 1'] },
    source: 'Valkey 9.0.0 release notes ("Add multi-database support to cluster mode (#1671)")',
  },
  {
    id: 'config.cluster-slot-stats',
    directives: ['cluster-slot-stats-enabled'],
    category: 'cluster',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.0' },
    rationale: 'Per-slot CPU and network accounting is collected on every command: a small overhead, worth it only while diagnosing hot slots.',
    when: clusterValue(
      'cluster-slot-stats-enabled',
      (v) => v === 'yes',
      () => 'cluster-slot-stats-enabled yes: per-slot accounting on every command',
    ),
    fix: { recommendation: 'Turn it off after the diagnosis.', commands: ['CONFIG SET cluster-slot-stats-enabled no'] },
    source:
      'valkey-io/valkey@8.0.1 valkey.conf L1827 ("By enabling the \'cluster-slot-stats-enabled\' config, the cluster will begin to capture advanced statistics.")',
  },
];
