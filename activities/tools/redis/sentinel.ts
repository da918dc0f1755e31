import { noArgs } from '../define';
import type { ToolContext } from '../define';
import type { InstanceConnection, SentinelSettings } from '../../../core/instances/model';
import { numeric, pairsToObject, parseInfo } from '../../../core/redis-replies';
import { TargetCommandError, type RedisCommands } from '../../../core/target-redis';
import { redisTool } from './tool';
import { joinAddress, masterAddress, sentinelConnection } from './sentinel-nodes';

/**
 * What every sentinel of a sentinel instance says about its master: read-only SENTINEL
 * subcommands and INFO sentinel, asked of each sentinel (not just the first that answers), since
 * sentinels that disagree are themselves a finding.
 */

export interface SentinelMasterView {
  address: string;
  flags: string;
  configEpoch?: number;
  quorum?: number;
  numOtherSentinels?: number;
  numReplicas?: number;
  /** Milliseconds since this sentinel saw the master report its role (reset when the role changes, and when the sentinel starts). */
  roleReportedMsAgo?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  failoverState?: string;
}

export interface SentinelReplicaView {
  address: string;
  flags: string;
  masterLinkStatus?: string;
  masterLinkDownSinceSeconds?: number;
  replicaPriority?: number;
}

export interface SentinelView {
  address: string;
  reachable: boolean;
  error?: string;
  /** SENTINEL GET-MASTER-ADDR-BY-NAME; absent when the sentinel does not monitor the name. */
  masterAddress?: string;
  master?: SentinelMasterView;
  ckquorum?: { ok: boolean; reply: string };
  /** The other sentinels this one knows, with their flags. */
  peers?: Array<{ address: string; flags: string }>;
  replicas?: SentinelReplicaView[];
  tilt?: boolean;
}

export interface SentinelReport {
  sentinel: boolean;
  masterName?: string;
  /** How many sentinels the instance registers (what "fewer sentinels than configured" compares with). */
  configured?: number;
  sentinels?: SentinelView[];
  note?: string;
}

function masterView(raw: Record<string, string>): SentinelMasterView {
  return {
    address: joinAddress(raw.ip, raw.port),
    flags: raw.flags ?? '',
    configEpoch: numeric(raw['config-epoch']),
    quorum: numeric(raw.quorum),
    numOtherSentinels: numeric(raw['num-other-sentinels']),
    numReplicas: numeric(raw['num-slaves']),
    roleReportedMsAgo: numeric(raw['role-reported-time']),
    downAfterMs: numeric(raw['down-after-milliseconds']),
    failoverTimeoutMs: numeric(raw['failover-timeout']),
    ...(raw['failover-state'] ? { failoverState: raw['failover-state'] } : {}),
  };
}

function replicaView(raw: Record<string, string>): SentinelReplicaView {
  return {
    address: joinAddress(raw.ip, raw.port),
    flags: raw.flags ?? '',
    masterLinkStatus: raw['master-link-status'],
    masterLinkDownSinceSeconds: numeric(raw['master-link-down-time']) !== undefined ? Math.round(numeric(raw['master-link-down-time'])! / 1000) : undefined,
    replicaPriority: numeric(raw['slave-priority'] ?? raw['replica-priority']),
  };
}

const records = (reply: unknown) => (Array.isArray(reply) ? reply : []).map((r) => pairsToObject(r) as Record<string, string>);

/** CKQUORUM answers with an error reply when the quorum or the majority is not reachable: that reply is the finding. */
async function ckquorum(redis: RedisCommands, name: string): Promise<{ ok: boolean; reply: string }> {
  try {
    return { ok: true, reply: String(await redis.call('SENTINEL', 'CKQUORUM', name)) };
  } catch (err) {
    if (err instanceof TargetCommandError) return { ok: false, reply: err.reply };
    throw err;
  }
}

export async function readSentinel(redis: RedisCommands, address: string, name: string): Promise<SentinelView> {
  const current = await masterAddress(redis, name);
  const tilt = parseInfo(String(await redis.call('INFO', 'sentinel'))).sentinel?.sentinel_tilt === '1';
  if (!current) return { address, reachable: true, tilt };
  const [master, replicas, peers, quorum] = await Promise.all([
    redis.call('SENTINEL', 'MASTER', name),
    redis.call('SENTINEL', 'REPLICAS', name),
    redis.call('SENTINEL', 'SENTINELS', name),
    ckquorum(redis, name),
  ]);
  return {
    address,
    reachable: true,
    masterAddress: current,
    master: masterView(pairsToObject(master) as Record<string, string>),
    ckquorum: quorum,
    peers: records(peers).map((p) => ({ address: joinAddress(p.ip, p.port), flags: p.flags ?? '' })),
    replicas: records(replicas).map(replicaView),
    tilt,
  };
}

async function askEvery(ctx: ToolContext, instance: InstanceConnection & { sentinel: SentinelSettings }): Promise<SentinelView[]> {
  return Promise.all(
    instance.sentinel.addresses.map(async (address): Promise<SentinelView> => {
      try {
        return await ctx.deps.targets.use(sentinelConnection(instance, address), (redis) =>
          readSentinel(ctx.footprint.wrap(redis), address, instance.sentinel.masterName),
        );
      } catch (err) {
        return { address, reachable: false, error: (err as Error).message };
      }
    }),
  );
}

export const redisSentinel = redisTool({
  name: 'redis_sentinel',
  categories: ['replication', 'availability'],
  description:
    "For a sentinel instance, what each of its sentinels reports: the current master address (GET-MASTER-ADDR-BY-NAME), the master's flags (s_down, o_down), config epoch, quorum and how many other sentinels it sees, CKQUORUM, the replicas with their flags and link status, the peer sentinels, and TILT mode. Other instances: sentinel=false.",
  schema: noArgs,
  handler: async (_args, ctx): Promise<SentinelReport> => {
    // The registered settings, not ctx.instance(): with every sentinel down this tool must still answer, saying so.
    const instance = await ctx.deps.instances.resolve(ctx.call.instanceId!);
    if (!instance.sentinel) return { sentinel: false, note: 'not a sentinel instance (instance_type is not sentinel)' };
    return {
      sentinel: true,
      masterName: instance.sentinel.masterName,
      configured: instance.sentinel.addresses.length,
      sentinels: await askEvery(ctx, instance as InstanceConnection & { sentinel: SentinelSettings }),
    };
  },
  summarize: (r: SentinelReport) =>
    r.sentinel
      ? `${r.sentinels?.filter((s) => s.reachable).length}/${r.configured} sentinels answered; master ${[...new Set(r.sentinels?.flatMap((s) => (s.masterAddress ? [s.masterAddress] : [])))].join(' vs ') || 'unknown'}`
      : 'not a sentinel instance',
});
