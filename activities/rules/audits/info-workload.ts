import type { Severity } from '../../../core/types';
import { parseInfoPairs } from '../../../core/redis-replies';
import type { SlowlogSummary } from '../../tools/redis/performance';
import type { CommandRate } from '../../tools/redis/rates';
import { SLOW_COMMAND_ADVICE } from '../checks/performance';
import { type Baseline } from '../baseline';
import { ev, fail, finding, pass, skip } from '../check';
import { perSecond } from '../counter-rate';
import { audited, type InfoAuditEntry } from './info-rule';

/**
 * What the server spends its time on: INFO cpu, commandstats, errorstats, latencystats, modules
 * and keyspace (research/info-audit.md §7-§13), judged over the rate sample window.
 */

const S70 = 'redis/redis 7.0.15 src/server.c genRedisInfoString()';

/** Commands that are the agent's own or an operator's, never the workload's problem. */
const ADMIN =
  /^(info|config\|.*|client\|.*|slowlog\|.*|latency\|.*|memory\|.*|debug|scan|ping|hello|auth|select|command.*|acl\|.*|cluster\|.*|object\|.*|type|ttl|pttl|xinfo\|.*|pubsub\|.*|function\|.*|script\|.*|monitor|sync|psync|replconf)$/;

/** Commands whose cost grows with the size of a key or of the keyspace (info-audit.md §10). */
const O_N =
  /^(keys|lrange|hgetall|hkeys|hvals|smembers|sunion|sinter|sdiff|sunionstore|sinterstore|sdiffstore|zrange|zrangebyscore|zrevrange|zrevrangebyscore|zunionstore|zinterstore|zunion|zinter|sort|sort_ro|lpos|lindex|lset|xrange|xrevrange|xread|xreadgroup|eval|evalsha|fcall|del|unlink|flushall|flushdb|mget|mset|smismember|lpos|lrem|ltrim|zremrangebyscore|zremrangebyrank|georadius|geosearch)$/;

/**
 * O(1) commands (CMD_FAST in the command table, the ones LATENCY DOCTOR's "fast-command" event
 * covers): a p99 above 1 ms for them means the host or huge values, not the workload shape.
 */
const FAST =
  /^(get|set|setnx|setex|psetex|getset|getdel|getex|incr|incrby|decr|decrby|incrbyfloat|append|strlen|exists|expire|pexpire|expireat|persist|ttl|pttl|hget|hsetnx|hexists|hincrby|hincrbyfloat|hlen|hstrlen|lpush|rpush|lpushx|rpushx|llen|sadd|sismember|scard|zadd|zscore|zrank|zrevrank|zcard|zincrby|xadd|xlen|pfadd)$/;

/** Server time per second of wall time on the main thread: event loop busy time (7.2+), else main-thread CPU. */
function mainThreadBusy(b: Baseline): { busy: number; from: string } | undefined {
  const rates = b.rates();
  if (!rates) return undefined;
  const loop = rates.perSecond.eventloop_duration_sum;
  if (loop !== undefined) return { busy: loop / 1e6, from: 'eventloop_duration_sum per second' };
  const user = rates.cpuPercent.used_cpu_user_main_thread;
  const sys = rates.cpuPercent.used_cpu_sys_main_thread;
  if (user === undefined || sys === undefined) return undefined;
  return { busy: (user + sys) / 100, from: 'used_cpu_user/sys_main_thread' };
}

/** p99 since start from INFO latencystats (compacted to the slowest commands), in µs. */
function p99(b: Baseline, command: string): number | undefined {
  const stats = b.section<Record<string, Record<string, number>>>('latencystats');
  const v = stats?.[command]?.p99;
  return v === undefined ? undefined : Number(v);
}

const share = (c: CommandRate, total: number) => (total > 0 ? c.usecPerSec / total : 0);
const pct = (r: number) => `${(r * 100).toFixed(0)}%`;

/** The busiest workload commands of the window, by server time. */
function busiest(b: Baseline): { commands: CommandRate[]; total: number } {
  const commands = (b.rates()?.commands ?? []).filter((c) => !ADMIN.test(c.command));
  return { commands, total: commands.reduce((n, c) => n + c.usecPerSec, 0) };
}

/** What error replies mean, by prefix (research/info-audit.md §9), and the check that owns the prefixes judged elsewhere. */
const ERROR_MEANING: Record<string, { why: string; severity: Severity }> = {
  WRONGTYPE: {
    why: 'a command ran against a key holding another data type (e.g. LPUSH on a string): two code paths use the same key name for different types, or a deploy changed what a key holds',
    severity: 'warning',
  },
  ERR: { why: 'generic errors: syntax errors, unknown commands, wrong number of arguments, values that are not integers or floats', severity: 'warning' },
  EXECABORT: { why: 'transactions were discarded because a queued command was invalid', severity: 'warning' },
  NOSCRIPT: {
    why: 'EVALSHA named a script the server does not have (after a restart, SCRIPT FLUSH or script-cache eviction): the client must fall back to EVAL or SCRIPT LOAD',
    severity: 'warning',
  },
  READONLY: { why: 'writes were sent to a replica: the client points at a replica, typically after a failover it did not follow', severity: 'critical' },
  MASTERDOWN: { why: 'this replica lost its master and replica-serve-stale-data is no, so it refuses commands', severity: 'critical' },
  CLUSTERDOWN: { why: 'the cluster is down (slots not served)', severity: 'critical' },
  CROSSSLOT: { why: 'multi-key commands named keys in different hash slots: use hash tags {…}', severity: 'warning' },
  MOVED: { why: 'the client is not cluster-aware (or its slot map is stale) and is redirected on every command', severity: 'warning' },
  ASK: { why: 'keys are being migrated between nodes', severity: 'info' },
  TRYAGAIN: { why: 'multi-key commands hit a slot under migration', severity: 'info' },
  BUSYKEY: { why: 'RESTORE or MIGRATE found the target key already present', severity: 'warning' },
  NOPROTO: { why: 'clients asked for a protocol version the server does not speak', severity: 'warning' },
  UNBLOCKED: { why: 'blocked clients were unblocked by CLIENT UNBLOCK ERROR or a key type change', severity: 'info' },
};
/** Prefixes another check explains (so they are not reported twice). */
const JUDGED_ELSEWHERE = new Set(['OOM', 'MISCONF', 'BUSY', 'NOREPLICAS', 'WRONGPASS', 'NOAUTH', 'NOPERM', 'LOADING']);

export const workloadRules: InfoAuditEntry[] = [
  audited({
    id: 'performance.main-thread',
    name: 'main thread load',
    category: 'performance',
    section: 'cpu',
    fields: ['used_cpu_user_main_thread', 'used_cpu_sys_main_thread', 'eventloop_duration_sum', 'cmdstat_*'],
    versions: 'all (eventloop_duration_sum 7.2+, Valkey 8+)',
    judge: 'rate',
    bad: 'main thread busy > 80% (warning), > 95% (critical), or one command taking > 50% of it',
    source: `${S70} (RUSAGE_THREAD main-thread CPU); redis/redis 7.2.6 eventloop_duration_sum; research/info-audit.md derived info.mainthread-busy, §10 "CPU hog"`,
    run(b) {
      const load = mainThreadBusy(b);
      if (!load) return skip('main-thread load needs the rate sample (redis_info_rates)');
      const { commands, total } = busiest(b);
      const top = commands[0];
      const hog = top && top.usecPerSec >= 500_000;
      if (load.busy < 0.8 && !hog) return pass();
      const severity: Severity = load.busy >= 0.95 ? 'critical' : 'warning';
      const ops = b.rate('total_commands_processed') ?? 0;
      const heavy = top && O_N.test(top.command.split('|')[0]);
      const topText = commands
        .slice(0, 3)
        .map(
          (c) =>
            `${c.command.toUpperCase()} ${pct(share(c, total))} (${perSecond(c.callsPerSec)} calls/s at ${c.usecPerCall} µs${p99(b, c.command) ? `, p99 ${p99(b, c.command)} µs` : ''})`,
        )
        .join(', ');
      return fail(
        finding(this, {
          title: `Main thread ${pct(load.busy)} busy${top ? `: ${top.command.toUpperCase()} alone uses ${pct(top.usecPerSec / 1e6)} of it (${perSecond(top.callsPerSec)} calls/s at ${Math.round(top.usecPerCall)} µs each)` : ''}`,
          severity,
          detail: `Redis executes commands on one thread, and it was busy ${pct(load.busy)} of the last ${b.rates()!.intervalSeconds.toFixed(0)} s (${load.from}) serving ${perSecond(ops)} commands/s; past about 80% every client waits in line and latency climbs. ${top ? `Server time by command: ${topText}.` : ''}${heavy ? ` ${top.command.toUpperCase()} is an O(N) command: each call walks a whole key or range, so a high call rate of it alone saturates the thread.` : top ? ' The load is many cheap commands: the thread is saturated by volume.' : ''}`,
          evidence: [
            ev('redis_info_rates', `main thread busy (${load.from})`, pct(load.busy)),
            ev('redis_info_rates', 'commands per second', perSecond(ops)),
            ...commands.slice(0, 3).map((c) => ev('redis_info_rates', `${c.command} usec per second`, Math.round(c.usecPerSec))),
            ...(top ? [ev('redis_info_rates', `${top.command} usec per call`, top.usecPerCall)] : []),
          ],
          recommendation: heavy
            ? `Make ${top.command.toUpperCase()} cheaper or call it less: ${SLOW_COMMAND_ADVICE[top.command.toUpperCase()]?.fix ?? 'bound its ranges and COUNT arguments, split the big keys it walks'} Cache its result in the application or serve these reads from replicas.`
            : 'Reduce round trips (pipelining, MGET/MSET), spread reads to replicas, enable io-threads if network I/O dominates, or shard the data (cluster) when one thread is not enough.',
          commands: ['INFO commandstats', 'INFO cpu', 'SLOWLOG GET 25', 'LATENCY DOCTOR', ...(heavy ? ['redis-cli --bigkeys'] : ['CONFIG GET io-threads'])],
          runbook: 'cpu-saturation',
        }),
      );
    },
  }),
  {
    section: 'cpu',
    fields: ['used_active_time_main_thread', 'used_active_time_io_thread_N'],
    versions: 'Valkey 9.1',
    judge: 'rate',
    bad: 'busy > 90% of wall time',
    source: 'valkey-doc main commands/info.md (used_active_time_main_thread)',
    notJudged: 'not among the counters redis_info_rates samples; performance.main-thread reads eventloop_duration_sum instead',
  },
  {
    section: 'cpu',
    fields: ['used_cpu_user_children', 'used_cpu_sys_children'],
    versions: 'all',
    judge: 'rate',
    bad: '> 50% sustained (continuous forking)',
    source: S70,
    judgedBy: 'persistence.fork-storm',
  },
  audited({
    id: 'performance.error-replies',
    name: 'error replies',
    category: 'availability',
    section: 'errorstats',
    fields: ['errorstat_*', 'total_error_replies', 'cmdstat_*.failed_calls', 'cmdstat_*.rejected_calls'],
    versions: 'all',
    judge: 'rate',
    bad: 'error replies > 1% of commands and >= 1/s in the window',
    source: `${S70} genRedisInfoString (errorstats), incrementErrorCount; research/info-audit.md §9, derived info.error-rate`,
    run(b) {
      const rates = b.rates();
      const stats = b.section<Record<string, { count?: number }>>('errorstats');
      if (!rates && !stats) return skip('errorstats not available');
      if (rates) {
        const byPrefix = Object.entries(rates.errorsPerSecond)
          .filter(([prefix]) => !JUDGED_ELSEWHERE.has(prefix))
          .sort((x, y) => y[1] - x[1]);
        const errors = byPrefix.reduce((n, [, r]) => n + r, 0);
        const ops = rates.perSecond.total_commands_processed ?? 0;
        if (errors < 1 || errors < 0.01 * ops) return pass();
        const failing = rates.commands
          .filter((c) => (c.failedPerSec ?? 0) + (c.rejectedPerSec ?? 0) > 0)
          .sort((x, y) => (y.failedPerSec ?? 0) + (y.rejectedPerSec ?? 0) - (x.failedPerSec ?? 0) - (x.rejectedPerSec ?? 0))
          .slice(0, 3);
        const [prefix] = byPrefix[0];
        const meaning = ERROR_MEANING[prefix];
        return fail(
          finding(this, {
            title: `Clients get ${perSecond(errors)} error replies per second right now, mostly ${prefix}${failing.length ? ` from ${failing.map((c) => c.command.toUpperCase()).join(', ')}` : ''} (${pct(ops ? errors / ops : 1)} of commands)`,
            severity: meaning?.severity === 'critical' ? 'critical' : 'warning',
            detail: `Over the last ${rates.intervalSeconds.toFixed(0)} s the server answered ${byPrefix.map(([p, r]) => `${perSecond(r)}/s ${p}`).join(', ')} out of ${perSecond(ops)} commands/s. ${meaning ? `${prefix} means ${meaning.why}.` : `${prefix} errors come from the command named in the error text.`}${failing.length ? ` Failing commands: ${failing.map((c) => `${c.command.toUpperCase()} ${perSecond((c.failedPerSec ?? 0) + (c.rejectedPerSec ?? 0))}/s of ${perSecond(c.callsPerSec)} calls/s`).join(', ')}.` : ''} The errors are answered to the application, which may retry them or drop the data.`,
            evidence: [
              ...byPrefix.slice(0, 4).map(([p, r]) => ev('redis_info_rates', `errorstat_${p} per second`, perSecond(r))),
              ev('redis_info_rates', 'commands per second', perSecond(ops)),
              ...failing.map((c) => ev('redis_info_rates', `${c.command} failed calls per second`, perSecond((c.failedPerSec ?? 0) + (c.rejectedPerSec ?? 0)))),
            ],
            recommendation:
              prefix === 'WRONGTYPE'
                ? `Find the code that sends ${failing[0]?.command.toUpperCase() ?? 'the failing command'} to a key of another type (the application log shows the key; TYPE <key> shows what it holds): rename one of the two uses (separate key prefixes per data type) or fix the deploy that changed the type, then remove or migrate the clashing keys.`
                : 'Read the errors in the application logs (they carry the full error text and key), fix the client code or the deploy that started them, and watch errorstats fall back to zero.',
            commands: [
              'INFO errorstats',
              'INFO commandstats',
              ...(prefix === 'WRONGTYPE' ? ['TYPE <key>', 'OBJECT ENCODING <key>'] : []),
              'CONFIG RESETSTAT  # after the fix, to see new errors only',
            ],
            runbook: 'latency-slowlog',
          }),
        );
      }
      const total = Object.entries(stats ?? {})
        .filter(([k]) => !JUDGED_ELSEWHERE.has(k.replace(/^errorstat_/, '')))
        .map(([k, v]) => [k.replace(/^errorstat_/, ''), Number(v.count ?? 0)] as const)
        .sort((x, y) => y[1] - x[1]);
      const errors = total.reduce((n, [, c]) => n + c, 0);
      const commands = b.num('total_commands_processed') ?? 0;
      if (errors < 1000 || errors < 0.01 * commands) return pass();
      return fail(
        finding(this, {
          title: `${errors} error replies since start (${pct(errors / Math.max(1, commands))} of commands), mostly ${total[0][0]}`,
          severity: 'info',
          detail: `Without a rate sample only totals since start are known: ${total
            .slice(0, 4)
            .map(([p, c]) => `${c} ${p}`)
            .join(', ')}. ${ERROR_MEANING[total[0][0]] ? `${total[0][0]} means ${ERROR_MEANING[total[0][0]].why}.` : ''}`,
          evidence: total.slice(0, 4).map(([p, c]) => ev('redis_info', `errorstat_${p}`, c)),
          recommendation:
            'Sample INFO errorstats twice a few seconds apart to see whether the errors are still happening, and read the application logs for the full error text.',
          commands: ['INFO errorstats', 'INFO commandstats'],
          runbook: 'latency-slowlog',
        }),
      );
    },
  }),
  audited({
    id: 'performance.command-tail',
    name: 'fast-command tail latency',
    category: 'performance',
    section: 'latencystats',
    fields: ['latency_percentiles_usec_*'],
    versions: '7.0+, Valkey 8+',
    judge: 'abs',
    bad: 'p99 of an O(1) command > 1000 µs; any p99.9 > 10000 µs',
    source: `${S70} genRedisInfoStringLatencyStats / fillPercentileDistributionLatencies; research/info-audit.md §11`,
    run(b) {
      const stats = b.section<Record<string, Record<string, number>>>('latencystats');
      if (!stats) return skip('latencystats needs Redis 7.0+ with latency-tracking yes');
      const inSlowlog = new Set((b.data<SlowlogSummary>('redis_slowlog')?.byCommand ?? []).map((g) => g.command.toLowerCase()));
      const bad = Object.entries(stats)
        .filter(([cmd]) => !ADMIN.test(cmd) && !inSlowlog.has(cmd.split('|')[0]))
        .map(([cmd, p]) => ({ cmd, p99: Number(p.p99 ?? 0), p999: Number(p['p99.9'] ?? 0) }))
        .filter((c) => (FAST.test(c.cmd) && c.p99 > 1000) || c.p999 > 10_000)
        .sort((x, y) => y.p999 - x.p999);
      if (bad.length === 0) return pass();
      const fast = bad.filter((c) => FAST.test(c.cmd) && c.p99 > 1000);
      return fail(
        finding(this, {
          title: `Slow tail for ${bad
            .slice(0, 3)
            .map((c) => `${c.cmd.toUpperCase()} (p99 ${Math.round(c.p99)} µs, p99.9 ${Math.round(c.p999)} µs)`)
            .join(', ')}`,
          severity: 'warning',
          detail: `INFO latencystats (execution time inside the server, since start) shows ${fast.length ? `O(1) commands whose 99th percentile exceeds 1 ms (${fast.map((c) => c.cmd.toUpperCase()).join(', ')}); a GET or SET normally takes a few microseconds, so big values or a host that starves the process (swap, CPU steal) are the usual causes` : 'commands whose 99.9th percentile exceeds 10 ms: some calls touch big keys'}.`,
          evidence: bad
            .slice(0, 4)
            .flatMap((c) => [
              ev('redis_info', `latency_percentiles_usec_${c.cmd} p99`, c.p99),
              ev('redis_info', `latency_percentiles_usec_${c.cmd} p99.9`, c.p999),
            ]),
          recommendation:
            'Check value sizes of the keys these commands touch (MEMORY USAGE, --bigkeys) and the host (swap, CPU steal: redis-cli --intrinsic-latency 100); LATENCY HISTOGRAM gives the full distribution.',
          commands: [
            `LATENCY HISTOGRAM ${bad
              .slice(0, 3)
              .map((c) => c.cmd)
              .join(' ')}`,
            'redis-cli --bigkeys',
            'redis-cli --intrinsic-latency 100',
          ],
          runbook: 'latency-slowlog',
        }),
      );
    },
  }),
  {
    section: 'commandstats',
    fields: ['cmdstat_keys', 'cmdstat_flushall', 'cmdstat_flushdb', 'cmdstat_debug', 'cmdstat_monitor', 'cmdstat_sort'],
    versions: 'all',
    judge: 'rate',
    bad: 'calls > 0/s of O(N) admin commands in production',
    source: S70,
    judgedBy: 'performance.slow-commands, clients.monitor',
  },
  {
    section: 'commandstats',
    fields: ['cmdstat_*.usec_per_call'],
    versions: 'all',
    judge: 'rate',
    bad: '> 10 ms per call since start, > 1 ms per call in the window at > 1 call/s',
    source: `${S70} genRedisInfoStringCommandStats`,
    judgedBy: 'performance.command-cost',
  },
  audited({
    id: 'info.modules',
    name: 'modules',
    category: 'performance',
    section: 'modules',
    fields: ['module'],
    versions: 'all',
    judge: 'abs',
    bad: 'a module with command filters (run on every command)',
    source: 'redis/redis 7.0.15 src/module.c genModulesInfoString ("module:name=%s,ver=%d,api=%d,filters=%d,...")',
    run(b) {
      const modules = Object.values(b.section<Record<string, string>>('modules') ?? {}).map((line) => parseInfoPairs(String(line)));
      const filtering = modules.filter((m) => Number(m.filters ?? 0) > 0);
      if (filtering.length === 0) return pass();
      return fail(
        finding(this, {
          title: `Module(s) with command filters loaded: ${filtering.map((m) => m.name).join(', ')}`,
          severity: 'info',
          detail: 'A command filter runs on every command the server executes, so these modules add cost to all traffic and can rewrite commands.',
          evidence: filtering.map((m) => ev('redis_info', `module ${m.name}`, `ver ${m.ver}, filters ${m.filters}`)),
          recommendation: 'Make sure each module is expected and current; measure latency with and without it if the server is slow.',
          commands: ['MODULE LIST', 'INFO modules'],
          runbook: 'latency-slowlog',
        }),
      );
    },
  }),
  {
    section: 'keyspace',
    fields: ['avg_ttl', 'subexpiry', 'keys_with_volatile_items'],
    versions: 'all (subexpiry Redis 7.4, keys_with_volatile_items Valkey 9)',
    judge: 'abs',
    bad: 'very long TTLs on a cache under memory pressure; hash fields expiring only actively',
    source: 'research/info-audit.md §13; valkey-io/valkey PR 2892',
    notJudged: 'no threshold in the sources; TTL coverage and key counts belong to the keyspace audit (client-and-keyspace.md §5)',
  },
  {
    section: 'stats',
    fields: ['eventloop_duration_aof_sum', 'eventloop_duration_cron_sum', 'eventloop_duration_max', 'allocator_frag_bytes_lua'],
    versions: '7.2+ INFO DEBUG',
    judge: 'rate',
    bad: 'AOF or cron over 10% of the loop; one loop over 100 ms',
    source: 'redis/redis 7.2.6 src/server.c genRedisInfoString (debug section)',
    notJudged: 'INFO DEBUG is not part of INFO everything, which the baseline reads',
  },
  {
    section: 'keyspace',
    fields: ['keys', 'expires'],
    versions: 'all',
    judge: 'ratio',
    bad: 'more than one db in use; volatile-* policy with no key having a TTL',
    source: 'RedisInsight 78b64b8c determineLogicalDatabasesRecommendation; redis.conf maxmemory-policy',
    judgedBy: 'keyspace.multiple-dbs, memory.policy-fit',
  },
];
