/**
 * The shape of a Redis Cluster as the agent reads it: shards (slot ranges with their primary and
 * replicas) parsed from CLUSTER SHARDS (Redis 7.0+) or, on older servers, CLUSTER NODES. Pure code:
 * it crosses into the workflow bundle (the cluster triage starts one child per node from it).
 */

/** Redis Cluster has 16384 hash slots (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#key-distribution-model). */
export const CLUSTER_SLOTS = 16384;

export type SlotRange = [number, number];

export interface ClusterNodeInfo {
  id: string;
  /** host:port clients connect to. */
  address: string;
  role: 'primary' | 'replica';
  /** online, failed or loading (CLUSTER SHARDS' health; derived from flags for CLUSTER NODES). */
  health: 'online' | 'failed' | 'loading';
  /** The primary this replica follows (CLUSTER NODES only). */
  primaryId?: string;
  /** CLUSTER NODES link-state: connected or disconnected (absent from CLUSTER SHARDS). */
  linkState?: 'connected' | 'disconnected';
  /** CLUSTER NODES flags, e.g. master,fail? */
  flags?: string;
  replicationOffset?: number;
}

export interface ClusterShard {
  slots: SlotRange[];
  nodes: ClusterNodeInfo[];
}

export interface ClusterTopology {
  source: 'CLUSTER SHARDS' | 'CLUSTER NODES';
  /** The node that answered. */
  seed: string;
  shards: ClusterShard[];
}

function pairs(reply: unknown): Record<string, unknown> {
  const list = Array.isArray(reply) ? reply : [];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

function shardHealth(value: unknown): ClusterNodeInfo['health'] {
  return value === 'online' ? 'online' : value === 'loading' ? 'loading' : 'failed';
}

/** CLUSTER SHARDS reply (RESP2 nested arrays, as ioredis returns them). */
export function parseClusterShards(reply: unknown, seed: string): ClusterTopology {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SHARDS did not reply with an array');
  const shards = reply.map((raw): ClusterShard => {
    const shard = pairs(raw);
    const flat = (Array.isArray(shard.slots) ? shard.slots : []).map(Number);
    const slots: SlotRange[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) slots.push([flat[i], flat[i + 1]]);
    const nodes = (Array.isArray(shard.nodes) ? shard.nodes : []).map((n): ClusterNodeInfo => {
      const node = pairs(n);
      const host = String(node.endpoint && node.endpoint !== '?' ? node.endpoint : node.ip);
      const port = Number(node.port ?? node['tls-port']);
      return {
        id: String(node.id),
        address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
        role: node.role === 'master' ? 'primary' : 'replica',
        health: shardHealth(node.health),
        replicationOffset: Number(node['replication-offset'] ?? 0),
      };
    });
    return { slots, nodes };
  });
  return { source: 'CLUSTER SHARDS', seed, shards };
}

/** CLUSTER NODES text (https://redis.io/docs/latest/commands/cluster-nodes/): one line per node. */
export function parseClusterNodes(text: string, seed: string): ClusterTopology {
  const nodes = text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((line) => {
      const parts = line.trim().split(' ');
      const flags = parts[2] ?? '';
      const slots: SlotRange[] = parts
        .slice(8)
        .filter((s) => !s.startsWith('['))
        .map((s) => {
          const [a, b] = s.split('-').map(Number);
          return [a, b ?? a];
        });
      const info: ClusterNodeInfo = {
        id: parts[0],
        address: (parts[1] ?? '').split('@')[0].split(',')[0],
        role: /master/.test(flags) ? 'primary' : 'replica',
        // fail? (pfail) is one node's suspicion, fail the cluster's agreement: both mean unreachable now.
        health: /fail/.test(flags) ? 'failed' : 'online',
        ...(parts[3] && parts[3] !== '-' ? { primaryId: parts[3] } : {}),
        linkState: parts[7] === 'connected' ? 'connected' : 'disconnected',
        flags,
        replicationOffset: 0,
      };
      return { info, slots };
    })
    .filter((n) => !/noaddr|handshake/.test(n.info.flags ?? ''));
  const shards = nodes
    .filter((n) => n.info.role === 'primary')
    .map((p): ClusterShard => ({ slots: p.slots, nodes: [p.info, ...nodes.filter((r) => r.info.primaryId === p.info.id).map((r) => r.info)] }));
  const orphans = nodes.filter((n) => n.info.role === 'replica' && !shards.some((s) => s.nodes.includes(n.info)));
  return { source: 'CLUSTER NODES', seed, shards: [...shards, ...orphans.map((o) => ({ slots: [], nodes: [o.info] }))] };
}

export function allNodes(topology: ClusterTopology): ClusterNodeInfo[] {
  return topology.shards.flatMap((s) => s.nodes);
}

/** The slot ranges no shard serves: clients get CLUSTERDOWN for keys hashing there. */
export function slotGaps(shards: ReadonlyArray<{ slots: SlotRange[] }>): SlotRange[] {
  const covered = new Uint8Array(CLUSTER_SLOTS);
  for (const s of shards) for (const [a, b] of s.slots) covered.fill(1, Math.max(0, a), Math.min(CLUSTER_SLOTS - 1, b) + 1);
  const gaps: SlotRange[] = [];
  let start = -1;
  for (let slot = 0; slot <= CLUSTER_SLOTS; slot++) {
    const open = slot < CLUSTER_SLOTS && covered[slot] === 0;
    if (open && start < 0) start = slot;
    if (!open && start >= 0) {
      gaps.push([start, slot - 1]);
      start = -1;
    }
  }
  return gaps;
}

export function slotCount(ranges: ReadonlyArray<SlotRange>): number {
  return ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
}

export function formatRanges(ranges: ReadonlyArray<SlotRange>): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
}

/** CLUSTER INFO text: numbers as numbers. */
export function parseClusterInfo(text: string): Record<string, string | number> {
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((l) => l.includes(':'))
      .map((l) => {
        const value = l.slice(l.indexOf(':') + 1).trim();
        return [l.slice(0, l.indexOf(':')), /^-?\d+(\.\d+)?$/.test(value) && value.length < 16 ? Number(value) : value];
      }),
  );
}
