import { bySeverity } from '../../../core/severity';
import { allNodes, CLUSTER_SLOTS, formatRanges, slotCount, slotGaps } from '../../../core/cluster/topology';
import type { ClusterNodeLoad, Finding, Severity } from '../../../core/types';
import type { ClusterTopologyReport } from '../../tools/redis/cluster-topology';
import { ev } from '../check';

/**
 * Cluster-level checks over the discovery and every node's baseline: what no single node's
 * checks can see (coverage, replicas per shard, imbalance between primaries, failovers). Each
 * finding names the node it is about. Pure: unit-tested on captured CLUSTER SHARDS/NODES replies.
 */

export interface ClusterNodeResult {
  address: string;
  /** The node's baseline load, absent when its baseline did not run or failed. */
  load?: ClusterNodeLoad;
  error?: string;
}

const TOPOLOGY = 'redis_cluster_topology';
const BASELINE = 'node baseline';

function clusterFinding(
  checkId: string,
  node: string,
  f: { title: string; severity: Severity; detail: string; evidence: Finding['evidence']; recommendation: string; commands: string[] },
): Finding {
  return { checkId: `cluster.${checkId}`, category: 'cluster', runbook: 'cluster-slots-migration', node, ...f };
}

function stateAndCoverage(t: ClusterTopologyReport): Finding[] {
  const out: Finding[] = [];
  const gaps = slotGaps(t.shards);
  if (t.info.cluster_state !== 'ok') {
    out.push(
      clusterFinding('state', t.seed, {
        title: `cluster_state is ${t.info.cluster_state}: the cluster refuses queries`,
        severity: 'critical',
        // With cluster-require-full-coverage yes (the default) a node stops serving when any slot is unserved (redis.conf).
        detail: `${t.seed} reports cluster_state:${t.info.cluster_state}; clients get CLUSTERDOWN. cluster_slots_assigned ${t.info.cluster_slots_assigned}, cluster_slots_fail ${t.info.cluster_slots_fail}.`,
        evidence: [ev(TOPOLOGY, 'cluster_state', String(t.info.cluster_state)), ev(TOPOLOGY, 'cluster_slots_assigned', Number(t.info.cluster_slots_assigned))],
        recommendation: 'Restore slot coverage (assign the unserved slots, or bring back or fail over the failed primary).',
        commands: [`redis-cli -h ${t.seed.split(':')[0]} -p ${t.seed.split(':').pop()} --cluster check ${t.seed}`],
      }),
    );
  }
  if (gaps.length) {
    out.push(
      clusterFinding('slot-coverage', t.seed, {
        title: `${slotCount(gaps)} of ${CLUSTER_SLOTS} hash slots are served by no shard (${formatRanges(gaps)})`,
        severity: 'critical',
        detail: `Keys hashing to slots ${formatRanges(gaps)} cannot be read or written: no primary owns them, as ${t.seed} sees the cluster (${t.source}).`,
        evidence: [ev(TOPOLOGY, 'uncovered slots', formatRanges(gaps)), ev(TOPOLOGY, 'cluster_slots_assigned', Number(t.info.cluster_slots_assigned))],
        recommendation: 'Assign the slots to a primary (redis-cli --cluster fix), then check that the cluster is ok again.',
        commands: [`redis-cli --cluster fix ${t.seed}`, `redis-cli --cluster check ${t.seed}`],
      }),
    );
  }
  return out;
}

function nodeHealth(t: ClusterTopologyReport, results: ClusterNodeResult[]): Finding[] {
  const out: Finding[] = [];
  for (const shard of t.shards) {
    const primary = shard.nodes.find((n) => n.role === 'primary');
    for (const node of shard.nodes.filter((n) => n.health === 'failed')) {
      out.push(
        clusterFinding('node-failed', node.address, {
          title: `${node.role === 'primary' ? 'Primary' : 'Replica'} ${node.address} is failed`,
          severity: node.role === 'primary' && shard.slots.length ? 'critical' : 'warning',
          detail: `The cluster marks ${node.address} as failed (health ${node.health}${node.flags ? `, flags ${node.flags}` : ''}); ${shard.slots.length ? `its slots ${formatRanges(shard.slots)} are unserved until a replica takes over` : 'it serves no slots now (its slots moved to another node, e.g. a replica promoted in a failover)'}.`,
          evidence: [ev(TOPOLOGY, `${node.address} health`, node.health)],
          recommendation:
            'Find out why the node died (its log, the host), restart it: it rejoins as a replica of the promoted node. Remove it (CLUSTER FORGET on every node) if it is gone for good.',
          commands: [`redis-cli --cluster check ${t.seed}`, 'CLUSTER NODES'],
        }),
      );
    }
    if (primary && primary.health === 'online' && shard.slots.length && !shard.nodes.some((n) => n.role === 'replica' && n.health === 'online')) {
      out.push(
        clusterFinding('primary-without-replica', primary.address, {
          title: `Primary ${primary.address} (slots ${formatRanges(shard.slots)}) has no working replica`,
          severity: 'warning',
          detail: `If ${primary.address} fails, nothing can take over its ${slotCount(shard.slots)} slots and the cluster goes down (cluster-require-full-coverage).`,
          evidence: [ev(TOPOLOGY, `${primary.address} online replicas`, 0)],
          recommendation:
            'Add a replica to this shard (redis-cli --cluster add-node <new> <seed> --cluster-slave --cluster-master-id <id>), or restart the failed one.',
          commands: [`redis-cli --cluster check ${t.seed}`],
        }),
      );
    }
  }
  for (const r of results.filter((x) => x.load?.role === 'replica' && x.load.masterLinkUp === false)) {
    out.push(
      clusterFinding('replica-link-down', r.address, {
        title: `Replica ${r.address}: the link to its primary is down`,
        severity: 'warning',
        detail: `${r.address} reports master_link_status:down: it is not receiving writes and its data ages; it cannot take over cleanly.`,
        evidence: [ev(BASELINE, `${r.address} master_link_status`, 'down')],
        recommendation: 'Check network reachability and auth between the replica and its primary; see the node section below.',
        commands: ['INFO replication'],
      }),
    );
  }
  for (const r of results.filter((x) => x.error)) {
    out.push(
      clusterFinding('node-unreadable', r.address, {
        title: `Node ${r.address} could not be diagnosed`,
        severity: 'warning',
        detail: `Its baseline failed: ${r.error}`,
        evidence: [ev(BASELINE, r.address, 'failed')],
        recommendation: 'Check that the node is reachable from the agent and the instance credentials work on it.',
        commands: [],
      }),
    );
  }
  return out;
}

/**
 * Primaries own near-equal slot counts after redis-cli --cluster create / rebalance (its
 * rebalance threshold is 2% of slots, src/redis-cli.c CLUSTER_MANAGER_REBALANCE_THRESHOLD), so
 * equal slots should mean comparable load. This project's threshold: one primary carrying more
 * than twice the mean of the others, and more than a floor below which the difference is noise.
 */
const IMBALANCE_RATIO = 2;
const IMBALANCE: Array<{ metric: keyof ClusterNodeLoad; label: string; floor: number; show: (n: number) => string }> = [
  { metric: 'keys', label: 'keys', floor: 1_000, show: (n) => `${n}` },
  { metric: 'usedMemory', label: 'used memory', floor: 32 * 1024 * 1024, show: (n) => `${(n / 1024 / 1024).toFixed(1)} MB` },
  { metric: 'opsPerSec', label: 'ops/s', floor: 100, show: (n) => `${Math.round(n)}` },
  { metric: 'netOutputKbps', label: 'network out (KB/s)', floor: 256, show: (n) => `${Math.round(n)}` },
];

function imbalance(results: ClusterNodeResult[]): Finding[] {
  const primaries = results.filter((r): r is ClusterNodeResult & { load: ClusterNodeLoad } => r.load?.role === 'primary');
  if (primaries.length < 2) return [];
  const byNode = new Map<string, Array<{ label: string; value: string; others: string }>>();
  for (const m of IMBALANCE) {
    const value = (r: { load: ClusterNodeLoad }) => Number(r.load[m.metric]);
    const top = primaries.reduce((a, b) => (value(b) > value(a) ? b : a));
    const others = primaries.filter((p) => p !== top);
    const mean = others.reduce((n, p) => n + value(p), 0) / others.length;
    if (value(top) >= m.floor && value(top) > IMBALANCE_RATIO * mean) {
      byNode.set(top.address, [...(byNode.get(top.address) ?? []), { label: m.label, value: m.show(value(top)), others: m.show(mean) }]);
    }
  }
  return [...byNode].map(([address, metrics]) => {
    const hot = primaries.find((p) => p.address === address)!.load.hotKeys;
    return clusterFinding('hot-shard', address, {
      title: `Hot shard: primary ${address} carries ${metrics.map((m) => `${m.value} ${m.label}`).join(', ')} (the other primaries ${metrics.map((m) => m.others).join(', ')} on average)`,
      severity: 'warning',
      detail: `Load is not spread by slots: one shard does most of the work, so it saturates (CPU, memory, network) while the others idle.${hot.length ? ` Hottest keys there: ${hot.map((h) => `${h.key} (LFU ${h.freq})`).join(', ')}.` : ''} Keys sharing a {hash tag} all land in one slot.`,
      evidence: [...metrics.map((m) => ev(BASELINE, `${address} ${m.label}`, m.value)), ...hot.map((h) => ev('redis_hot_keys', h.key, `freq ${h.freq}`))],
      recommendation:
        'Spread the hot keys (shorter or no hash tags, split big keys), or move slots off this shard (redis-cli --cluster rebalance --cluster-weight).',
      commands: [`redis-cli -c -h ${address.split(':')[0]} -p ${address.split(':').pop()} --hotkeys`, `redis-cli --cluster rebalance ${address}`],
    });
  });
}

/** Sustained redirections: a client without a slot map (MOVED), a migration (ASK), multi-key commands across slots (CROSSSLOT). A cluster-aware client redirects once per slot change, so more than one a second over the window is a pattern, not noise (this project's threshold). */
const ERRORS_PER_SECOND = 1;

function errorRates(results: ClusterNodeResult[]): Finding[] {
  const out: Finding[] = [];
  for (const prefix of ['MOVED', 'ASK', 'CROSSSLOT'] as const) {
    const nodes = results.filter((r) => (r.load?.errorsPerSecond[prefix] ?? 0) > ERRORS_PER_SECOND);
    if (!nodes.length) continue;
    const worst = nodes.reduce((a, b) => (b.load!.errorsPerSecond[prefix] > a.load!.errorsPerSecond[prefix] ? b : a));
    out.push(
      clusterFinding(`errors-${prefix.toLowerCase()}`, worst.address, {
        title: `${prefix} errors at ${worst.load!.errorsPerSecond[prefix]}/s on ${worst.address}${nodes.length > 1 ? ` (and ${nodes.length - 1} other node(s))` : ''}`,
        severity: prefix === 'CROSSSLOT' ? 'warning' : 'info',
        detail:
          prefix === 'CROSSSLOT'
            ? 'Multi-key commands name keys in different slots: they fail every time. Put keys used together under one {hash tag}.'
            : prefix === 'MOVED'
              ? 'Clients keep sending commands to the wrong node: a client that is not cluster-aware, or one that does not refresh its slot map.'
              : 'Slots are being migrated: clients are redirected while keys move.',
        evidence: nodes.map((n) => ev('redis_info_rates', `${n.address} errorstat_${prefix}/s`, n.load!.errorsPerSecond[prefix])),
        recommendation:
          prefix === 'ASK'
            ? 'Finish or roll back the migration (redis-cli --cluster fix).'
            : 'Use a cluster-aware client; group multi-key operations by hash tag.',
        commands: ['INFO errorstats'],
      }),
    );
  }
  return out;
}

/** A failover election leaves its trace in the gossip counters (cluster_stats_messages_auth-req/-ack) and bumps the epoch. */
function failovers(t: ClusterTopologyReport): Finding[] {
  const info = t.info;
  const votes = [
    'cluster_stats_messages_auth-req_received',
    'cluster_stats_messages_auth-ack_sent',
    'cluster_stats_messages_auth-req_sent',
    'cluster_stats_messages_auth-ack_received',
  ]
    .map((k) => [k, Number(info[k] ?? 0)] as const)
    .filter(([, n]) => n > 0);
  if (!votes.length) return [];
  return [
    clusterFinding('failover', t.seed, {
      title: `A failover happened since ${t.seed} started (current epoch ${info.cluster_current_epoch})`,
      severity: 'info',
      detail: `Failover elections were held: ${votes.map(([k, n]) => `${k} ${n}`).join(', ')}. A replica was promoted; the old primary, if it comes back, rejoins as a replica.`,
      evidence: [...votes.map(([k, n]) => ev(TOPOLOGY, k, n)), ev(TOPOLOGY, 'cluster_current_epoch', Number(info.cluster_current_epoch))],
      recommendation: 'Check why the old primary failed; make sure every shard has a working replica again.',
      commands: ['CLUSTER INFO', 'CLUSTER NODES'],
    }),
  ];
}

export type ClusterVerdict = 'healthy' | 'degraded' | 'failing';

export function evaluateCluster(t: ClusterTopologyReport, results: ClusterNodeResult[]): { verdict: ClusterVerdict; findings: Finding[]; nodes: number } {
  const findings = [...stateAndCoverage(t), ...nodeHealth(t, results), ...imbalance(results), ...errorRates(results), ...failovers(t)].sort(bySeverity);
  const verdict: ClusterVerdict = findings.some((f) => f.severity === 'critical')
    ? 'failing'
    : findings.some((f) => f.severity === 'warning')
      ? 'degraded'
      : 'healthy';
  return { verdict, findings, nodes: allNodes(t).length };
}
