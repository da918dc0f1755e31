import { z } from 'zod';
import type { ActionProposal } from '../../core/actions/types';
import { nodeInstanceId, parseNodeSelector, splitAddress } from '../../core/cluster/node-selector';
import { allNodes, parseClusterInfo, parseClusterNodes } from '../../core/cluster/topology';
import type { InstanceConnection, SentinelSettings } from '../../core/instances/model';
import { TargetUnavailableError, type RedisCommands } from '../../core/target-redis';
import type { ToolDeps } from '../tools/deps';
import { readSentinel } from '../tools/redis/sentinel';
import { findNodes, joinAddress, masterAddress, sentinelConnection } from '../tools/redis/sentinel-nodes';
import { readInfoFields } from '../tools/redis/target';
import { defineAction, type ActionContext } from './define';

/**
 * Promotes a replica, the coordinated way, on the two topologies that have one to promote: a
 * cluster (CLUSTER FAILOVER on the replica, without FORCE or TAKEOVER, so the primary stops
 * writes and the replica catches up first: https://redis.io/docs/latest/commands/cluster-failover/)
 * and a Sentinel-managed master (SENTINEL FAILOVER on one sentinel, which picks the replica:
 * https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinel-commands).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A coordinated manual failover gives up after CLUSTER_MF_TIMEOUT, 5 s (src/cluster_legacy.h), and
 * the election after it is bounded by the node timeout: twice the manual-failover timeout covers a
 * loaded machine without waiting on a failover that was abandoned.
 */
const CLUSTER_WAIT_S = 10;
/**
 * SENTINEL FAILOVER promotes, then reconfigures the other replicas; GET-MASTER-ADDR-BY-NAME names the
 * promoted replica once it reports role master (Sentinel polls INFO every second during a failover).
 * A bounded wait well under the default failover-timeout of 180 s, which is how long Sentinel itself
 * would wait before declaring it failed.
 */
const SENTINEL_WAIT_S = 30;

/** Polls until done() holds or `seconds` pass, heartbeating: the activity's heartbeat timeout is 30 s. */
async function poll<T>(ctx: ActionContext, seconds: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < seconds * 2 && !done(value); i++) {
    ctx.heartbeat();
    await sleep(500);
    value = await read();
  }
  return value;
}

/** INFO replication's role (master or slave): INFO, unlike ROLE, is in the least-privilege user's grants. */
const role = async (redis: RedisCommands) => (await readInfoFields(redis, 'replication')).role ?? 'unknown';
const isReplica = (r: string) => r === 'slave' || r === 'replica';

type WithSentinel = InstanceConnection & { sentinel: SentinelSettings };

async function sentinelSettings(ctx: ActionContext): Promise<SentinelSettings> {
  const instance = await ctx.deps.instances.resolve(ctx.instanceId);
  if (!instance.sentinel) throw new Error('the instance has no sentinels registered');
  return instance.sentinel;
}

/**
 * The cluster's node addresses as the instance's own endpoint (or a seed) lists them: the replica
 * argument must be one of them before the instance's credentials are sent to it, so a proposal
 * cannot point them at another server.
 */
async function clusterMembers(instance: InstanceConnection, deps: ToolDeps): Promise<string[] | { refused: string }> {
  const base = parseNodeSelector(instance.id).instanceId;
  const selectors = [instance.id, ...(instance.clusterSeeds ?? []).map((s) => nodeInstanceId(base, s))];
  const failures: string[] = [];
  for (const selector of selectors) {
    try {
      const connection = selector === instance.id ? instance : await deps.instances.resolve(selector);
      const text = await deps.targets.use(connection, async (redis) => String(await redis.call('CLUSTER', 'NODES')));
      return allNodes(parseClusterNodes(text, new URL(connection.url).host)).map((n) => n.address);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  return { refused: `no node of the cluster listed its members (${failures.join('; ')})` };
}

async function clusterTarget(replica: string, instance: InstanceConnection, deps: ToolDeps): Promise<InstanceConnection | { refused: string }> {
  const members = await clusterMembers(instance, deps);
  if (!Array.isArray(members)) return members;
  if (!members.includes(replica)) return { refused: `${replica} is not a node of this cluster (CLUSTER NODES lists ${members.join(', ')})` };
  return deps.instances.resolve(nodeInstanceId(instance.id, replica));
}

/** The first registered sentinel that names the master (the tools' own lookup): the failover is asked of it. */
async function sentinelTarget(instance: WithSentinel, deps: ToolDeps): Promise<InstanceConnection | { refused: string }> {
  try {
    return sentinelConnection(instance, (await findNodes(deps.targets, instance)).via);
  } catch (err) {
    if (err instanceof TargetUnavailableError) return { refused: err.message };
    throw err;
  }
}

const address = z
  .string()
  .max(300)
  .refine((v) => splitAddress(v) !== undefined, 'host:port (or [v6-address]:port) as CLUSTER NODES lists it');

export const replicaFailover = defineAction({
  name: 'replica_failover',
  description:
    'Promote a replica to primary, coordinated (no data loss while the primary answers): on a cluster, CLUSTER FAILOVER on the named replica; behind Sentinel, SENTINEL FAILOVER (the sentinels pick the replica). Not for standalone instances.',
  schema: z
    .object({
      replica: address
        .optional()
        .describe('Cluster instances only: the replica to promote, host:port as CLUSTER NODES lists it; give none on a sentinel instance'),
    })
    .strict(),
  risk: () => 'high',
  title: (a) => (a.replica ? `Promote cluster replica ${a.replica} to primary (CLUSTER FAILOVER)` : 'Fail the master over to a replica (SENTINEL FAILOVER)'),
  applies(a, type) {
    if (type === 'cluster') return a.replica ? undefined : 'on a cluster instance, name the replica to promote: {"replica":"host:port"}';
    if (type === 'sentinel') return a.replica ? 'on a sentinel instance the sentinels choose the replica: give no replica' : undefined;
    return `replica_failover promotes a replica of a cluster or of a Sentinel-managed master; this instance's type is ${type}, so it is not applicable`;
  },
  async target(a, instance, deps) {
    if (a.replica) return clusterTarget(a.replica, instance, deps);
    if (!instance.sentinel) return { refused: 'the instance has no sentinels registered' };
    return sentinelTarget(instance as WithSentinel, deps);
  },
  precondition: {
    describe: (a) =>
      a.replica
        ? `${a.replica} is still a replica, its link to its primary is up, and cluster_state is ok`
        : 'the master is not already failing over, CKQUORUM is OK, and a replica with its link up can be promoted',
    async check(a, ctx) {
      if (a.replica) {
        const repl = await readInfoFields(ctx.read, 'replication');
        if (!isReplica(repl.role ?? ''))
          return {
            holds: false,
            reason: `${a.replica} is a ${repl.role === 'master' ? 'primary' : (repl.role ?? 'node of unknown role')} (INFO replication role:${repl.role}): there is no replica to promote`,
          };
        const primary = joinAddress(repl.master_host ?? '?', repl.master_port ?? '?');
        // A coordinated failover needs the primary to stop writes and hand over its offset.
        if (repl.master_link_status !== 'up')
          return {
            holds: false,
            reason: `the link of ${a.replica} to its primary ${primary} is ${repl.master_link_status ?? 'unknown'} (master_link_status): a coordinated failover needs it up`,
          };
        const state = parseClusterInfo(String(await ctx.read.call('CLUSTER', 'INFO'))).cluster_state;
        if (state !== 'ok') return { holds: false, reason: `cluster_state is ${String(state)}, not ok` };
        return { holds: true, before: { replica: a.replica, primary, master_link_status: 'up', cluster_state: 'ok' } };
      }
      const { masterName } = await sentinelSettings(ctx);
      const view = await readSentinel(ctx.read, 'sentinel', masterName);
      if (!view.master || !view.masterAddress) return { holds: false, reason: `the sentinel no longer monitors '${masterName}'` };
      if (/failover_in_progress/.test(view.master.flags) || view.master.failoverState)
        return { holds: false, reason: `a failover of '${masterName}' is already in progress (flags ${view.master.flags})` };
      if (!view.ckquorum?.ok) return { holds: false, reason: `CKQUORUM ${masterName}: ${view.ckquorum?.reply ?? 'no reply'}` };
      // Sentinel never promotes a replica that is down, disconnected or has priority 0 (the Sentinel docs' replica selection).
      const candidates = (view.replicas ?? []).filter(
        (r) => r.masterLinkStatus === 'ok' && !/s_down|o_down|disconnected/.test(r.flags) && r.replicaPriority !== 0,
      );
      if (candidates.length === 0) return { holds: false, reason: `no replica of '${masterName}' has its link up and can be promoted` };
      return { holds: true, before: { master_name: masterName, master: view.masterAddress, candidates: candidates.map((r) => r.address) } };
    },
  },
  commands: (a, before) => (a.replica ? [['CLUSTER', 'FAILOVER']] : [['SENTINEL', 'FAILOVER', String(before.master_name)]]),
  plannedCommands: (a) => (a.replica ? [`CLUSTER FAILOVER (on ${a.replica})`] : ['SENTINEL FAILOVER <master name> (on the first sentinel that answers)']),
  async verify(a, ctx, before) {
    if (a.replica) {
      const now = await poll(
        ctx,
        CLUSTER_WAIT_S,
        () => role(ctx.read),
        (r) => r === 'master',
      );
      return {
        after: { replica: a.replica, role: now },
        verification: {
          passed: now === 'master',
          detail: now === 'master' ? `${a.replica} reports role:master` : `${a.replica} still reports role:${now} after ${CLUSTER_WAIT_S} s`,
        },
      };
    }
    const name = String(before.master_name);
    const now = await poll(
      ctx,
      SENTINEL_WAIT_S,
      () => masterAddress(ctx.read, name),
      (m) => m !== undefined && m !== before.master,
    );
    const moved = now !== undefined && now !== before.master;
    return {
      after: { master: now ?? null },
      verification: {
        passed: moved,
        detail: moved
          ? `GET-MASTER-ADDR-BY-NAME ${name} → ${now} (was ${String(before.master)})`
          : `the sentinel still names ${String(now)} after ${SENTINEL_WAIT_S} s`,
      },
    };
  },
  rollback: {
    describe: (a) =>
      a.replica
        ? 'another replica_failover promoting the old primary back (it is a replica now)'
        : 'another SENTINEL FAILOVER (the sentinels pick the replica again)',
    proposal: (a, before): ActionProposal | undefined =>
      a.replica
        ? {
            action: 'replica_failover',
            arguments: { replica: String(before.primary) },
            reason: `Undo: promote ${String(before.primary)} back to primary (it became a replica of ${a.replica})`,
          }
        : undefined,
  },
});
