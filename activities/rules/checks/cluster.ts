import { ev, fail, finding, pass, skip, type Check } from '../check';

interface ClusterReport {
  enabled: boolean;
  info?: Record<string, string | number>;
  nodes?: Array<{ id: string; address: string; flags: string; linkState: string; slots: number; migrating: number }>;
}

export const clusterState: Check = {
  id: 'cluster.state',
  name: 'cluster state',
  category: 'cluster',
  run(b) {
    const report = b.data<ClusterReport>('redis_cluster_info');
    if (!report) return skip('cluster info not available');
    if (!report.enabled) return pass();
    const info = report.info ?? {};
    const failing = (report.nodes ?? []).filter((n) => /fail/.test(n.flags) || n.linkState !== 'connected');
    const migrating = (report.nodes ?? []).filter((n) => n.migrating > 0);
    const assigned = Number(info.cluster_slots_assigned ?? 16384);
    if (info.cluster_state === 'ok' && failing.length === 0 && assigned === 16384 && migrating.length === 0 && Number(info.cluster_slots_fail ?? 0) === 0)
      return pass();
    return fail(
      finding(this, {
        title: `Cluster ${info.cluster_state === 'ok' ? 'degraded' : `state ${info.cluster_state}`}: ${failing.length} failing node(s), ${16384 - assigned} unassigned slots${migrating.length ? `, ${migrating.length} node(s) with slots migrating` : ''}`,
        severity: info.cluster_state === 'ok' ? 'warning' : 'critical',
        detail: `Clients get CLUSTERDOWN when slots are not covered, and MOVED/ASK storms during migrations. ${failing.map((n) => `${n.address} flags=${n.flags} link=${n.linkState}`).join('; ')}`,
        evidence: [
          ev('redis_cluster_info', 'cluster_state', String(info.cluster_state)),
          ev('redis_cluster_info', 'cluster_slots_assigned', assigned),
          ev('redis_cluster_info', 'cluster_slots_fail', Number(info.cluster_slots_fail ?? 0)),
          ...failing.map((n) => ev('redis_cluster_info', n.address, n.flags)),
        ],
        recommendation: 'Bring failed nodes back or fail over their replicas; fix open slots with redis-cli --cluster fix and finish or roll back migrations.',
        commands: ['CLUSTER INFO', 'CLUSTER NODES', 'redis-cli --cluster check <host:port>', 'redis-cli --cluster fix <host:port>'],
        runbook: 'cluster-slots-migration',
      }),
    );
  },
};

export const clusterChecks: Check[] = [clusterState];
