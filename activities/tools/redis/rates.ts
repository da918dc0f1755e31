import { z } from 'zod';
import type { RedisCommands } from '../../../core/target-redis';
import { flattenInfo, parseInfoPairs, type InfoSections } from '../../../core/redis-replies';
import { onTarget, readInfo } from './target';
import { redisTool } from './tool';

/**
 * Rates, not counters: INFO (every section, command stats included) sampled twice a few seconds
 * apart. Counters that only grow since start mislead on a long-running server (a million evicted
 * keys over a year is nothing; a thousand a second is an incident), so checks judge them by rate.
 * The agent's own commands in the window are left out of the command rates.
 */

/** Monotonic INFO counters whose per-second rate diagnosis reads. */
export const RATE_COUNTERS = [
  'total_commands_processed',
  'total_connections_received',
  'rejected_connections',
  'expired_keys',
  'expired_time_cap_reached_count',
  'expire_cycle_cpu_milliseconds',
  'evicted_keys',
  'evicted_clients',
  'evicted_scripts',
  'keyspace_hits',
  'keyspace_misses',
  'total_net_input_bytes',
  'total_net_output_bytes',
  'total_net_repl_input_bytes',
  'total_net_repl_output_bytes',
  'sync_full',
  'sync_partial_ok',
  'sync_partial_err',
  'total_forks',
  'aof_delayed_fsync',
  'master_sync_read_bytes',
  'used_active_time_main_thread',
  'rdb_saves',
  'aof_rewrites',
  'total_error_replies',
  'unexpected_error_replies',
  'total_reads_processed',
  'total_writes_processed',
  'io_threaded_reads_processed',
  'io_threaded_writes_processed',
  'client_query_buffer_limit_disconnections',
  'client_output_buffer_limit_disconnections',
  'acl_access_denied_auth',
  'acl_access_denied_cmd',
  'acl_access_denied_key',
  'acl_access_denied_channel',
  'total_eviction_exceeded_time',
  'total_active_defrag_time',
  'active_defrag_hits',
  'active_defrag_misses',
  'lazyfreed_objects',
  'dump_payload_sanitizations',
  'total_blocking_keys',
  'master_repl_offset',
  'eventloop_cycles',
  'eventloop_duration_sum',
  'eventloop_duration_cmd_sum',
] as const;

/** Values that grow or shrink between samples and whose change per second matters (bytes/s). */
const GROWTH_FIELDS = [
  'used_memory',
  'aof_current_size',
  'mem_clients_normal',
  'mem_clients_slaves',
  'mem_cluster_links',
  'lazyfree_pending_objects',
  'connected_clients',
  'blocked_clients',
] as const;

const CPU_FIELDS = [
  'used_cpu_sys',
  'used_cpu_user',
  'used_cpu_sys_children',
  'used_cpu_user_children',
  'used_cpu_sys_main_thread',
  'used_cpu_user_main_thread',
] as const;

export interface CommandRate {
  command: string;
  callsPerSec: number;
  /** Average microseconds per call during the window (not since start). */
  usecPerCall: number;
  /** Server time this command took per second of wall time, in microseconds. */
  usecPerSec: number;
  failedPerSec?: number;
  rejectedPerSec?: number;
}

export interface RatesReport {
  intervalSeconds: number;
  /** Per-second rates of RATE_COUNTERS present on this server (fields a version lacks are absent). */
  perSecond: Record<string, number>;
  /** Change per second of gauges (used_memory, aof_current_size, …), which may be negative. */
  growthPerSecond: Record<string, number>;
  /** CPU use over the window, in percent of one core. */
  cpuPercent: Record<string, number>;
  /** Commands with calls in the window, busiest first (by server time). */
  commands: CommandRate[];
  /** Error replies per second by error prefix (errorstat_OOM → OOM). */
  errorsPerSecond: Record<string, number>;
  /** The agent's own commands in the window, left out of the rates above. */
  ownCommands: number;
  /** The server restarted between the samples (counters went back): rates are not meaningful. */
  restarted?: boolean;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function commandStats(sections: InfoSections): Map<string, { calls: number; usec: number; failed: number; rejected: number }> {
  const out = new Map<string, { calls: number; usec: number; failed: number; rejected: number }>();
  for (const [key, value] of Object.entries(sections.commandstats ?? {})) {
    const p = parseInfoPairs(value);
    out.set(key.replace(/^cmdstat_/, ''), {
      calls: Number(p.calls ?? 0),
      usec: Number(p.usec ?? 0),
      failed: Number(p.failed_calls ?? 0),
      rejected: Number(p.rejected_calls ?? 0),
    });
  }
  return out;
}

function errorStats(sections: InfoSections): Map<string, number> {
  return new Map(Object.entries(sections.errorstats ?? {}).map(([key, value]) => [key.replace(/^errorstat_/, ''), Number(parseInfoPairs(value).count ?? 0)]));
}

/** Rates between two INFO samples; `own` is what the agent itself sent in between, by command. */
/** `ownErrors`: error replies the agent itself received between the samples, by prefix. */
export function computeRates(
  a: InfoSections,
  b: InfoSections,
  own: Map<string, number>,
  fallbackSeconds: number,
  ownErrors: ReadonlyMap<string, number> = new Map(),
): RatesReport {
  const fa = flattenInfo(a);
  const fb = flattenInfo(b);
  const usec = (f: Record<string, string>) => Number(f.server_time_usec);
  const seconds = Number.isFinite(usec(fa)) && Number.isFinite(usec(fb)) && usec(fb) > usec(fa) ? (usec(fb) - usec(fa)) / 1e6 : fallbackSeconds;
  const restarted = fa.run_id !== fb.run_id || Number(fb.uptime_in_seconds) < Number(fa.uptime_in_seconds);
  const ownTotal = [...own.values()].reduce((n, v) => n + v, 0);
  const perSecond: Record<string, number> = {};
  for (const field of RATE_COUNTERS) {
    if (fa[field] === undefined || fb[field] === undefined) continue;
    let delta = Number(fb[field]) - Number(fa[field]);
    if (field === 'total_commands_processed') delta -= ownTotal;
    if (field === 'total_error_replies') delta -= [...ownErrors.values()].reduce((n, v) => n + v, 0);
    if (Number.isFinite(delta)) perSecond[field] = round(Math.max(0, delta) / seconds);
  }
  const growthPerSecond: Record<string, number> = {};
  for (const field of GROWTH_FIELDS) {
    if (fa[field] !== undefined && fb[field] !== undefined) growthPerSecond[field] = round((Number(fb[field]) - Number(fa[field])) / seconds);
  }
  const cpuPercent: Record<string, number> = {};
  for (const field of CPU_FIELDS) {
    if (fa[field] !== undefined && fb[field] !== undefined) cpuPercent[field] = round(((Number(fb[field]) - Number(fa[field])) / seconds) * 100, 1);
  }
  const before = commandStats(a);
  const commands: CommandRate[] = [];
  for (const [name, now] of commandStats(b)) {
    const then = before.get(name) ?? { calls: 0, usec: 0, failed: 0, rejected: 0 };
    const calls = now.calls - then.calls - (own.get(name) ?? 0);
    if (calls <= 0) continue;
    // The agent's own calls are cheap by construction; their time cannot be told apart, so the
    // window's average is over everyone's calls, and the count is the others' only.
    const usecDelta = Math.max(0, now.usec - then.usec);
    const allCalls = now.calls - then.calls;
    const failed = now.failed - then.failed;
    const rejected = now.rejected - then.rejected;
    commands.push({
      command: name,
      callsPerSec: round(calls / seconds),
      usecPerCall: round(usecDelta / Math.max(1, allCalls)),
      usecPerSec: round(usecDelta / seconds),
      ...(failed > 0 ? { failedPerSec: round(failed / seconds) } : {}),
      ...(rejected > 0 ? { rejectedPerSec: round(rejected / seconds) } : {}),
    });
  }
  commands.sort((x, y) => y.usecPerSec - x.usecPerSec || y.callsPerSec - x.callsPerSec);
  const errorsBefore = errorStats(a);
  const errorsPerSecond: Record<string, number> = {};
  for (const [prefix, count] of errorStats(b)) {
    const delta = count - (errorsBefore.get(prefix) ?? 0) - (ownErrors.get(prefix) ?? 0);
    if (delta > 0) errorsPerSecond[prefix] = round(delta / seconds);
  }
  return {
    intervalSeconds: round(seconds, 3),
    perSecond,
    growthPerSecond,
    cpuPercent,
    commands: commands.slice(0, 25),
    errorsPerSecond,
    ownCommands: ownTotal,
    ...(restarted ? { restarted: true } : {}),
  };
}

/** Replies the server sent before the second INFO's may still be on their way on other sockets. */
const OWN_REPLY_SETTLE_MS = 50;

const snapshot = (redis: RedisCommands) => new Map(redis.sent ?? []);
function sentBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, count] of after) if (count - (before.get(name) ?? 0) > 0) out.set(name, count - (before.get(name) ?? 0));
  return out;
}

export const redisInfoRates = redisTool({
  name: 'redis_info_rates',
  categories: ['performance', 'connections', 'memory', 'keyspace', 'replication'],
  description:
    "Rates over a few seconds: INFO (all sections, command stats included) sampled twice; per-second ops, per-command calls and usec/call, expired and evicted keys, connections, rejected connections, network bytes, forks and saves, full syncs, errors by type, CPU %, memory and AOF growth. The agent's own commands are left out.",
  schema: z
    .object({
      intervalMs: z
        .number()
        .int()
        .min(500)
        .max(10_000)
        .optional()
        .describe('Milliseconds between the two samples, 500 to 10000 (default SRE_RATE_SAMPLE_MS, 3000); longer is steadier'),
    })
    .strict(),
  maxOutputBytes: 12_000,
  handler: async ({ intervalMs }, ctx) =>
    onTarget(ctx, async (redis): Promise<RatesReport> => {
      const wait = intervalMs ?? ctx.deps.config.limits.rateSampleMs;
      // Counted from before the first INFO: its own call shows in the second sample's counters.
      const sentBefore = snapshot(redis);
      // The agent's other tools run on other connections at the same time, and replies on different
      // sockets reach us in no fixed order against the server's: the error window is taken wide
      // (from before the first INFO is sent to a moment after the second answers), so an error of
      // the agent's own is left out rather than reported as the clients' (measured: a renamed-CONFIG
      // triage had 18 errors counted by the server between the samples, 5 by a narrow window).
      const errorsBefore = new Map(redis.ownErrorReplies?.() ?? []);
      const first = await readInfo(redis, 'everything');
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, wait));
      ctx.heartbeat();
      const own = sentBetween(sentBefore, snapshot(redis));
      const second = await readInfo(redis, 'everything');
      await new Promise((resolve) => setTimeout(resolve, OWN_REPLY_SETTLE_MS));
      const ownErrors = new Map([...(redis.ownErrorReplies?.() ?? [])].map(([prefix, n]) => [prefix, n - (errorsBefore.get(prefix) ?? 0)]));
      // The second INFO is not in its own sample, so it is not subtracted either.
      return computeRates(first, second, own, (Date.now() - started) / 1000, ownErrors);
    }),
  summarize: (data: RatesReport) =>
    data.restarted ? 'server restarted between samples' : `${data.perSecond.total_commands_processed ?? 0} ops/s over ${data.intervalSeconds}s`,
});
