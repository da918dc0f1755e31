import { noArgs } from '../define';
import { redisTool } from './tool';
import { probeTcp } from '../../../core/net';
import { numeric } from '../../../core/redis-replies';
import { onTarget, readConfigIfReadable, readInfoFields, withUnreadable } from './target';

export interface ReplicationReport {
  role: string;
  replicaServeStaleData?: string;
  minReplicasToWrite?: number;
  replBacklogSize?: number;
  master?: {
    host: string;
    port: number;
    linkStatus: string;
    linkDownSinceSeconds?: number;
    lastIoSecondsAgo?: number;
    syncInProgress: boolean;
    probe: { reachable: boolean; detail: string };
  };
  replicas: Array<{ address: string; state: string; offsetLag: number; lag: number }>;
  connectedReplicas: number;
  syncFull?: number;
  syncPartialOk?: number;
  syncPartialErr?: number;
  masterReplOffset?: number;
}

export const redisReplication = redisTool({
  name: 'redis_replication',
  categories: ['replication', 'availability', 'persistence'],
  description:
    'Replication state: role; for a replica the master address, master_link_status, how long the link has been down and a live reachability probe of the master; for a master its replicas with state and offset lag; full/partial resync counters and backlog size.',
  schema: noArgs,
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis): Promise<ReplicationReport> => {
      const unreadable: string[] = [];
      const [info, config] = await Promise.all([
        readInfoFields(redis, 'everything'),
        readConfigIfReadable(redis, unreadable, 'replica-serve-stale-data', 'min-replicas-to-write', 'repl-backlog-size'),
      ]);
      const role = info.role ?? 'unknown';
      const masterOffset = numeric(info.master_repl_offset) ?? 0;
      const replicas = Object.entries(info)
        .filter(([k]) => /^slave\d+$/.test(k))
        .map(([, v]) => {
          const f = Object.fromEntries(v.split(',').map((p) => p.split('=') as [string, string]));
          return { address: `${f.ip}:${f.port}`, state: f.state, offsetLag: masterOffset - Number(f.offset ?? 0), lag: Number(f.lag ?? 0) };
        });
      const report: ReplicationReport = {
        role,
        replicaServeStaleData: config['replica-serve-stale-data'],
        minReplicasToWrite: numeric(config['min-replicas-to-write']),
        replBacklogSize: numeric(config['repl-backlog-size']),
        replicas,
        connectedReplicas: numeric(info.connected_slaves) ?? 0,
        syncFull: numeric(info.sync_full),
        syncPartialOk: numeric(info.sync_partial_ok),
        syncPartialErr: numeric(info.sync_partial_err),
        masterReplOffset: masterOffset,
      };
      if (role === 'slave' && info.master_host) {
        const port = Number(info.master_port);
        report.master = {
          host: info.master_host,
          port,
          linkStatus: info.master_link_status ?? 'unknown',
          linkDownSinceSeconds: numeric(info.master_link_down_since_seconds),
          lastIoSecondsAgo: numeric(info.master_last_io_seconds_ago),
          syncInProgress: info.master_sync_in_progress === '1',
          probe: await probeTcp(info.master_host, port),
        };
      }
      return withUnreadable(report, unreadable);
    }),
  summarize: (data: ReplicationReport) =>
    data.master
      ? `replica of ${data.master.host}:${data.master.port}, link ${data.master.linkStatus}, master ${data.master.probe.reachable ? 'reachable' : 'unreachable'}`
      : `${data.role} with ${data.connectedReplicas} replica(s)`,
});
