import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNodeSelector, nodeInstanceId, splitAddress } from '../../core/cluster/node-selector';
import { allNodes, formatRanges, parseClusterInfo, parseClusterNodes, parseClusterShards, slotGaps } from '../../core/cluster/topology';
import type { ClusterNodeLoad } from '../../core/types';
import { evaluateCluster, type ClusterNodeResult } from '../../activities/rules/cluster/checks';
import type { ClusterTopologyReport } from '../../activities/tools/redis/cluster-topology';

/**
 * The pure cluster checks on replies captured from a real Redis 7.0 cluster (6 nodes on ports
 * 7101-7106, made with redis-cli --cluster create --cluster-replicas 1): healthy, after primary
 * 7103 was killed and 7105 promoted, and after CLUSTER DELSLOTS 100-199 on every live node.
 */
interface Capture {
  shards: unknown;
  nodes: string;
  info: string;
}
const capture = (name: string): Capture =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cluster', `${name}-7.0.json`), 'utf8')) as Capture;

function report(name: string, via: 'shards' | 'nodes' = 'shards'): ClusterTopologyReport {
  const c = capture(name);
  const topology = via === 'shards' ? parseClusterShards(c.shards, '127.0.0.1:7101') : parseClusterNodes(c.nodes, '127.0.0.1:7101');
  return { enabled: true, ...topology, info: parseClusterInfo(c.info), uncovered: formatRanges(slotGaps(topology.shards)) };
}

const shape = (t: ClusterTopologyReport) =>
  t.shards
    .map((s) => ({ slots: formatRanges(s.slots), nodes: s.nodes.map((n) => `${n.address} ${n.role} ${n.health === 'failed' ? 'failed' : 'up'}`).sort() }))
    .sort((a, b) => a.nodes[0].localeCompare(b.nodes[0]));

const load = (over: Partial<ClusterNodeLoad>): ClusterNodeLoad => ({
  role: 'primary',
  keys: 0,
  usedMemory: 2_000_000,
  opsPerSec: 1,
  netInputKbps: 0.1,
  netOutputKbps: 0.1,
  errorsPerSecond: {},
  errorTotals: {},
  hotKeys: [],
  ...over,
});

describe('cluster discovery parsing', () => {
  it('reads three shards of a primary and a replica from CLUSTER SHARDS', () => {
    const t = report('healthy');
    expect(t.source).toBe('CLUSTER SHARDS');
    expect(shape(t)).toEqual([
      { slots: '0-5460', nodes: ['127.0.0.1:7101 primary up', '127.0.0.1:7106 replica up'] },
      { slots: '5461-10922', nodes: ['127.0.0.1:7102 primary up', '127.0.0.1:7104 replica up'] },
      { slots: '10923-16383', nodes: ['127.0.0.1:7103 primary up', '127.0.0.1:7105 replica up'] },
    ]);
  });

  it('reads the same cluster from CLUSTER NODES (the fallback before Redis 7.0)', () => {
    for (const name of ['healthy', 'failed-primary', 'uncovered']) {
      const nodes = report(name, 'nodes');
      expect(nodes.source).toBe('CLUSTER NODES');
      expect(shape(nodes)).toEqual(shape(report(name)));
    }
  });

  it('marks the killed primary failed, with no slots, and its promoted replica as a primary', () => {
    const nodes = allNodes(report('failed-primary', 'nodes'));
    expect(nodes.find((n) => n.address === '127.0.0.1:7103')).toMatchObject({
      role: 'primary',
      health: 'failed',
      flags: 'master,fail',
      linkState: 'disconnected',
    });
    expect(nodes.find((n) => n.address === '127.0.0.1:7105')).toMatchObject({ role: 'primary', health: 'online' });
  });

  it('computes slot gaps: none when covered, 100-199 after DELSLOTS', () => {
    expect(slotGaps(report('healthy').shards)).toEqual([]);
    expect(slotGaps(report('uncovered').shards)).toEqual([[100, 199]]);
    expect(slotGaps([{ slots: [[1, 16383]] }])).toEqual([[0, 0]]);
    expect(slotGaps([{ slots: [[0, 16382]] }])).toEqual([[16383, 16383]]);
    expect(slotGaps([])).toEqual([[0, 16383]]);
  });

  it('carries a cluster node on the instance id and reads it back', () => {
    const id = nodeInstanceId('inst_abc', '10.0.0.5:6380');
    expect(id).toBe('inst_abc#node=10.0.0.5:6380');
    expect(parseNodeSelector(id)).toEqual({ instanceId: 'inst_abc', node: '10.0.0.5:6380' });
    expect(nodeInstanceId(id, '[::1]:7000')).toBe('inst_abc#node=[::1]:7000');
    expect(parseNodeSelector('inst_abc')).toEqual({ instanceId: 'inst_abc' });
    expect(splitAddress('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    for (const bad of ['10.0.0.5', '10.0.0.5:0', '10.0.0.5:70000', 'a b:1', 'redis://x:1']) expect(splitAddress(bad)).toBeUndefined();
  });
});

describe('cluster-level checks', () => {
  it('finds nothing wrong in a healthy, evenly loaded cluster', () => {
    const t = report('healthy');
    const results: ClusterNodeResult[] = allNodes(t).map((n) => ({
      address: n.address,
      load: load({ role: n.role, keys: 3000, masterLinkUp: n.role === 'replica' || undefined }),
    }));
    expect(evaluateCluster(t, results)).toEqual({ verdict: 'healthy', findings: [], nodes: 6 });
  });

  it('after a failover: names the failed primary, the promoted replica without a replica, and the election', () => {
    const result = evaluateCluster(report('failed-primary'), []);
    expect(result.verdict).toBe('degraded');
    expect(result.findings.map((f) => [f.checkId, f.node])).toEqual([
      ['cluster.primary-without-replica', '127.0.0.1:7105'],
      ['cluster.node-failed', '127.0.0.1:7103'],
      ['cluster.failover', '127.0.0.1:7101'],
    ]);
    expect(result.findings[2].title).toBe('A failover happened since 127.0.0.1:7101 started (current epoch 7)');
  });

  it('uncovered slots: cluster_state fail and the gap, both critical', () => {
    const result = evaluateCluster(report('uncovered'), []);
    expect(result.verdict).toBe('failing');
    const titles = result.findings.filter((f) => f.severity === 'critical').map((f) => f.title);
    expect(titles).toEqual(['cluster_state is fail: the cluster refuses queries', '100 of 16384 hash slots are served by no shard (100-199)']);
  });

  it('names the hot shard when one primary carries more than twice the others, and not below the floor', () => {
    const t = report('healthy');
    const hot = (keys: number, ops: number) => [
      { address: '127.0.0.1:7101', load: load({ keys, opsPerSec: ops, hotKeys: [{ key: '{orders}:item:1', freq: 200 }] }) },
      { address: '127.0.0.1:7102', load: load({ keys: 100, opsPerSec: 5 }) },
      { address: '127.0.0.1:7103', load: load({ keys: 120, opsPerSec: 5 }) },
    ];
    const found = evaluateCluster(t, hot(5000, 8000)).findings.filter((f) => f.checkId === 'cluster.hot-shard');
    expect(found).toHaveLength(1);
    expect(found[0].node).toBe('127.0.0.1:7101');
    expect(found[0].title).toBe('Hot shard: primary 127.0.0.1:7101 carries 5000 keys, 8000 ops/s (the other primaries 110, 5 on average)');
    expect(found[0].detail).toContain('Hottest keys there: {orders}:item:1 (LFU 200)');
    // Twice the others but under the floors (1000 keys, 100 ops/s): noise, not a hot shard.
    expect(evaluateCluster(t, hot(900, 90)).findings.filter((f) => f.checkId === 'cluster.hot-shard')).toEqual([]);
    // Busy but even: not a hot shard.
    const even = ['127.0.0.1:7101', '127.0.0.1:7102', '127.0.0.1:7103'].map((address) => ({ address, load: load({ keys: 50_000, opsPerSec: 9000 }) }));
    expect(evaluateCluster(t, even).findings).toEqual([]);
  });

  it('reports sustained CROSSSLOT and MOVED replies at the node with the most, and a replica whose link is down', () => {
    const t = report('healthy');
    const result = evaluateCluster(t, [
      { address: '127.0.0.1:7101', load: load({ errorsPerSecond: { CROSSSLOT: 4.5, MOVED: 0.2 } }) },
      { address: '127.0.0.1:7102', load: load({ errorsPerSecond: { CROSSSLOT: 12, MOVED: 30 } }) },
      { address: '127.0.0.1:7104', load: load({ role: 'replica', masterLinkUp: false }) },
    ]);
    expect(result.findings.map((f) => [f.checkId, f.node, f.severity])).toEqual([
      ['cluster.replica-link-down', '127.0.0.1:7104', 'warning'],
      ['cluster.errors-crossslot', '127.0.0.1:7102', 'warning'],
      ['cluster.errors-moved', '127.0.0.1:7102', 'info'],
    ]);
    expect(result.findings[1].title).toBe('CROSSSLOT errors at 12/s on 127.0.0.1:7102 (and 1 other node(s))');
  });
});
