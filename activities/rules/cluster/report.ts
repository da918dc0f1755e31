import { allNodes, formatRanges } from '../../../core/cluster/topology';
import type { BaselineDigest, Finding, Report } from '../../../core/types';
import type { ClusterTopologyReport } from '../../tools/redis/cluster-topology';
import { evaluateCluster, type ClusterNodeResult } from './checks';

/**
 * The cluster triage's report: the cluster verdict first, then the cluster-level findings, then
 * each node's own findings, every one naming its node. Written from rule findings only.
 */

export interface NodeBaseline {
  address: string;
  digest?: BaselineDigest;
  error?: string;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function findingLines(f: Finding, i: number): string[] {
  return [
    `${i + 1}. **[${f.severity}] ${f.title}** — node \`${f.node}\``,
    `   ${f.detail}`,
    ...(f.evidence.length ? [`   Evidence: ${f.evidence.map((e) => `${e.signal} = ${e.value} (${e.source})`).join('; ')}`] : []),
    `   Recommendation: ${f.recommendation}${f.commands.length ? ` (\`${f.commands.join('`, `')}\`)` : ''}`,
  ];
}

export function renderClusterReport(input: { topology: ClusterTopologyReport; nodes: NodeBaseline[]; target: string; question: string }): Report {
  const { topology, nodes, target } = input;
  const results: ClusterNodeResult[] = nodes.map((n) => ({ address: n.address, load: n.digest?.clusterNode, error: n.error }));
  const cluster = evaluateCluster(topology, results);
  const nodeFindings = nodes.flatMap((n) => (n.digest?.findings ?? []).map((f) => ({ ...f, node: n.address })));
  const findings = [...cluster.findings, ...nodeFindings];
  const lead = cluster.findings.filter((f) => f.severity !== 'info')[0] ?? cluster.findings[0];
  const count = (severity: string) => nodeFindings.filter((f) => f.severity === severity).length;
  const summary = `Cluster verdict: ${cluster.verdict}${lead ? ` — ${lead.title} (node ${lead.node})` : ''}. ${cluster.nodes} nodes in ${topology.shards.length} shards, cluster_state ${topology.info.cluster_state}; the nodes' own checks: ${count('critical')} critical, ${count('warning')} warning(s).`;
  const shardOf = new Map(topology.shards.flatMap((s) => s.nodes.map((n) => [n.address, s] as const)));
  const md = [
    `# Cluster triage of ${target}: ${cluster.verdict}`,
    '',
    `**${summary}**`,
    '',
    `Discovered through ${topology.source} on ${topology.seed}; one baseline per reachable node. Rule findings only (no model).`,
    '',
    '## Cluster findings',
    '',
    ...(cluster.findings.length
      ? cluster.findings.flatMap(findingLines)
      : ['No cluster-level problem found: every slot is served, every primary has a working replica, load is even.']),
    '',
    '## Nodes',
    '',
    '| node | role | health | slots | keys | memory | ops/s | findings |',
    '|---|---|---|---|---|---|---|---|',
    ...allNodes(topology).map((n) => {
      const r = nodes.find((x) => x.address === n.address);
      const load = r?.digest?.clusterNode;
      const slots = n.role === 'primary' ? formatRanges(shardOf.get(n.address)?.slots ?? []) || '-' : '-';
      const count = r?.digest ? String(r.digest.findings.length) : r?.error ? 'baseline failed' : 'not diagnosed';
      return `| ${n.address} | ${n.role} | ${n.health} | ${slots} | ${load?.keys ?? '-'} | ${load ? mb(load.usedMemory) : '-'} | ${load ? Math.round(load.opsPerSec) : '-'} | ${count} |`;
    }),
    '',
    '## Findings per node',
    '',
    ...nodes.flatMap((n) => {
      const own = n.digest?.findings ?? [];
      if (n.error) return [`### ${n.address}`, '', `Baseline failed: ${n.error}`, ''];
      return [`### ${n.address}`, '', ...(own.length ? own.map((f) => `- **[${f.severity}] ${f.title}** — ${f.detail}`) : ['No findings.']), ''];
    }),
  ];
  return { title: `Cluster triage of ${target}: ${cluster.verdict}`, mode: 'offline', summary, findings, markdown: md.join('\n') };
}
