import { summarizeSlowlog, type SlowlogSummary, type LatencyReport } from '../../tools/redis/performance';
import { ev, fail, finding, pass, skip, type Check } from '../check';
import { ADVICE, adviceFor, forkGrade, forkRate, THP_IN_DOCTOR } from '../audits/latency-doctor';

/** What to do about a command that is slow or takes the server's time (shared with the INFO audit). */
export const SLOW_COMMAND_ADVICE: Record<string, { why: string; fix: string; commands: string[] }> = {
  KEYS: {
    why: 'KEYS walks the entire keyspace in one blocking call; on a large keyspace every other client waits for it, which shows up as periodic p99 latency spikes',
    fix: 'Replace KEYS with incremental SCAN (SCAN 0 MATCH pattern COUNT 1000) in the application or tooling that issues it, and block KEYS for application users with an ACL (-keys) or rename-command.',
    commands: ['SLOWLOG GET 25', 'SCAN 0 MATCH <pattern> COUNT 1000', 'ACL SETUSER <app-user> -keys'],
  },
  FLUSHALL: {
    why: 'a synchronous FLUSHALL frees every key in one call',
    fix: 'Use FLUSHALL ASYNC (or lazyfree-lazy-user-flush yes).',
    commands: ['CONFIG SET lazyfree-lazy-user-flush yes'],
  },
  FLUSHDB: {
    why: 'a synchronous FLUSHDB frees every key of the database in one call',
    fix: 'Use FLUSHDB ASYNC.',
    commands: ['CONFIG SET lazyfree-lazy-user-flush yes'],
  },
  DEL: {
    why: 'deleting a big key frees all its elements synchronously',
    fix: 'Use UNLINK (frees in a background thread) or enable lazyfree-lazy-user-del.',
    commands: ['CONFIG SET lazyfree-lazy-user-del yes'],
  },
  HGETALL: {
    why: 'HGETALL on a big hash returns every field at once',
    fix: 'Use HSCAN or fetch only the fields needed (HMGET); split big hashes.',
    commands: ['redis-cli --bigkeys'],
  },
  SMEMBERS: { why: 'SMEMBERS on a big set returns every member at once', fix: 'Use SSCAN; split big sets.', commands: ['redis-cli --bigkeys'] },
  LRANGE: {
    why: 'LRANGE over a long range of a big list is O(N)',
    fix: 'Page through the list with bounded ranges; cap lists with LTRIM.',
    commands: ['redis-cli --bigkeys'],
  },
  ZRANGE: { why: 'wide ZRANGE calls on big sorted sets are O(log N + M)', fix: 'Page with LIMIT / smaller ranges.', commands: ['redis-cli --bigkeys'] },
  LPOS: {
    why: 'LPOS scans the list from the head until it finds the element, so on a long list every call is O(N)',
    fix: 'Keep a set (SISMEMBER) or hash next to the list for membership and position lookups, or keep the list short (LTRIM).',
    commands: ['LLEN <key>', 'redis-cli --bigkeys'],
  },
  SORT: { why: 'SORT is O(N+M*log(M)) and blocks while it runs', fix: 'Precompute sorted results in a sorted set.', commands: [] },
  EVAL: {
    why: 'Lua scripts block the server for their whole run time',
    fix: 'Keep scripts short and bounded; move loops over many keys out of the script.',
    commands: ['SCRIPT KILL'],
  },
  EVALSHA: { why: 'Lua scripts block the server for their whole run time', fix: 'Keep scripts short and bounded.', commands: ['SCRIPT KILL'] },
  SUNION: { why: 'set algebra over big sets is O(N)', fix: 'Bound the inputs or precompute.', commands: [] },
  SINTER: { why: 'set algebra over big sets is O(N*M)', fix: 'Bound the inputs or precompute.', commands: [] },
};

export const slowCommands: Check = {
  id: 'performance.slow-commands',
  name: 'slow commands',
  category: 'performance',
  run(b) {
    const slowlog = b.data<SlowlogSummary>('redis_slowlog');
    if (!slowlog) return skip(`slowlog not available${b.error('redis_slowlog') ? `: ${b.error('redis_slowlog')}` : ''}`);
    // The agent's own commands (client name sre-agent) are not the target's problem.
    const theirs = slowlog.entries.filter((e) => e.clientName !== 'sre-agent');
    const groups = theirs.length === slowlog.entries.length ? slowlog.byCommand : summarizeSlowlog(theirs, theirs.length, {}).byCommand;
    const heavy = groups.filter((g) => g.maxUs >= 10_000);
    if (heavy.length === 0) return pass();
    return fail(
      ...heavy.slice(0, 3).map((g) => {
        const advice = SLOW_COMMAND_ADVICE[g.command];
        const sample = theirs.find((e) => e.command === g.command);
        const call = sample ? `${g.command} ${sample.args.join(' ')}`.trim() : g.command;
        return finding(this, {
          title: `${g.command} in the slow log: ${g.count} call(s), up to ${(g.maxUs / 1000).toFixed(0)} ms each`,
          // DEBUG is an operator's command (DEBUG SLEEP, POPULATE), not application traffic: noted, not alarmed.
          severity: g.command === 'DEBUG' ? 'info' : g.maxUs >= 100_000 || g.command === 'KEYS' ? 'critical' : 'warning',
          detail: `The slow log holds ${g.count} ${g.command} call(s) taking up to ${(g.maxUs / 1000).toFixed(1)} ms (total ${(g.totalUs / 1000).toFixed(0)} ms), e.g. \`${call}\`${sample?.client ? ` from ${sample.client}` : ''}. Redis runs commands one at a time, so ${advice ? advice.why : 'while it runs every other client waits'}.`,
          evidence: [
            ev('redis_slowlog', `${g.command} max duration`, `${g.maxUs} us`),
            ev('redis_slowlog', `${g.command} calls`, g.count),
            ev('redis_config_get', 'slowlog-log-slower-than', slowlog.thresholdUs ?? 'unknown (CONFIG GET not readable)'),
          ],
          recommendation:
            advice?.fix ??
            `Find the client issuing ${g.command} (slow log shows its address) and make the call cheaper: smaller keys, bounded ranges, or incremental SCAN-style iteration.`,
          commands: advice?.commands.length ? advice.commands : ['SLOWLOG GET 25', 'redis-cli --bigkeys'],
          runbook: 'latency-slowlog',
        });
      }),
    );
  },
};

/** Operator, replication and agent commands: their cost is not the workload's. */
const NOT_WORKLOAD =
  /^(debug|eval|evalsha|bgsave|bgrewriteaof|save|flushall|flushdb|sync|psync|replconf|info|client\|.*|config\|.*|slowlog\|.*|latency\|.*|memory\|.*|scan|monitor)$/;

export const expensiveCommandStats: Check = {
  id: 'performance.command-cost',
  name: 'per-command cost',
  category: 'performance',
  run(b) {
    const stats = b.section<Record<string, { calls?: number; usec_per_call?: number; usec?: number }>>('commandstats');
    if (!stats) return skip('commandstats not available');
    const slowlogCommands = new Set((b.data<SlowlogSummary>('redis_slowlog')?.byCommand ?? []).map((g) => g.command.toLowerCase()));
    const candidate = (name: string) => !slowlogCommands.has(name.split('|')[0]) && !NOT_WORKLOAD.test(name);
    // In the sample window (info-audit.md §10 "slow command"): over 1 ms per call at 1 call/s or more.
    // A command taking half the main thread is performance.main-thread's finding.
    const windowSlow = (b.rates()?.commands ?? []).filter(
      (c) => c.usecPerCall >= 1000 && c.callsPerSec >= 1 && c.usecPerSec < 500_000 && candidate(c.command),
    )[0];
    if (windowSlow) {
      const name = windowSlow.command;
      return fail(
        finding(this, {
          title: `${name.toUpperCase()} takes ${(windowSlow.usecPerCall / 1000).toFixed(1)} ms per call right now (${windowSlow.callsPerSec} calls/s)`,
          severity: 'warning',
          detail: `Over the last ${b.rates()!.intervalSeconds.toFixed(0)} s each ${name.toUpperCase()} call took ${(windowSlow.usecPerCall / 1000).toFixed(1)} ms on average; at ${windowSlow.callsPerSec} calls/s that stalls the event loop for other clients ${(windowSlow.usecPerSec / 1000).toFixed(0)} ms of every second.`,
          evidence: [
            ev('redis_info_rates', `${name} usec per call`, windowSlow.usecPerCall),
            ev('redis_info_rates', `${name} calls per second`, windowSlow.callsPerSec),
            ev('redis_info_rates', `${name} usec per second`, windowSlow.usecPerSec),
          ],
          recommendation:
            SLOW_COMMAND_ADVICE[name.toUpperCase()]?.fix ?? 'Make the command cheaper (smaller keys, bounded ranges) or move it off the hot path.',
          commands: ['INFO commandstats', 'SLOWLOG GET 25', `LATENCY HISTOGRAM ${name}`],
          runbook: 'latency-slowlog',
        }),
      );
    }
    const expensive = Object.entries(stats)
      .filter(([name, s]) => Number(s.usec_per_call ?? 0) >= 10_000 && candidate(name))
      .sort((a, b2) => Number(b2[1].usec ?? 0) - Number(a[1].usec ?? 0));
    if (expensive.length === 0) return pass();
    const [name, s] = expensive[0];
    return fail(
      finding(this, {
        title: `${name.toUpperCase()} averages ${(Number(s.usec_per_call) / 1000).toFixed(1)} ms per call`,
        severity: 'warning',
        detail: `INFO commandstats shows ${s.calls} ${name.toUpperCase()} calls at ${(Number(s.usec_per_call) / 1000).toFixed(1)} ms each on average since start; every call stalls the event loop for other clients.`,
        evidence: [ev('redis_info', `cmdstat_${name}.usec_per_call`, Number(s.usec_per_call)), ev('redis_info', `cmdstat_${name}.calls`, Number(s.calls))],
        recommendation: SLOW_COMMAND_ADVICE[name.toUpperCase()]?.fix ?? 'Make the command cheaper (smaller keys, bounded ranges) or move it off the hot path.',
        commands: ['INFO commandstats', 'SLOWLOG GET 25'],
        runbook: 'latency-slowlog',
      }),
    );
  },
};

/** "501 ms (0.5 s)": a stall people describe in seconds reads in both units. */
const millis = (ms: number) => (ms >= 100 ? `${ms} ms (${(ms / 1000).toFixed(1)} s)` : `${ms} ms`);

/** An advice line with its command substituted where the doctor names the threshold. */
function adviceCommand(command: string | undefined, thresholdMs: number | undefined): string | undefined {
  return thresholdMs === undefined ? command : command?.replace('<latency-monitor-threshold x 1000>', String(thresholdMs * 1000));
}

/**
 * LATENCY LATEST with LATENCY DOCTOR's advice for each event type (audits/latency-doctor.ts,
 * createLatencyReport in latency.c). Spikes of 100 ms or more are a warning; shorter recorded
 * events are still reported, as the doctor does, for their advice.
 */
export const latencyEvents: Check = {
  id: 'performance.latency-events',
  name: 'latency monitor events',
  category: 'performance',
  run(b) {
    const latency = b.data<LatencyReport>('redis_latency');
    if (!latency) return skip('latency monitor not available');
    const thp = THP_IN_DOCTOR.test(latency.doctor);
    if (latency.monitorThresholdMs === 0 && !thp) return pass();
    const findings = [];
    const events = latency.events;
    if (events.length) {
      const advice = adviceFor(
        b,
        events.map((e) => e.event),
      );
      const spikes = events.filter((e) => e.maxMs >= 100);
      const rate = events.some((e) => e.event === 'fork') ? forkRate(b) : undefined;
      const shown = (spikes.length ? spikes : events).slice(0, 6);
      findings.push(
        finding(this, {
          title: `Latency ${spikes.length ? 'spikes' : 'events'} recorded: ${shown.map((e) => `${e.event} up to ${millis(e.maxMs)}`).join(', ')}`,
          severity: spikes.length ? 'warning' : 'info',
          detail: `The latency monitor recorded events above ${latency.monitorThresholdMs === undefined ? 'its threshold' : `${latency.monitorThresholdMs} ms`}: ${events.map((e) => `${e.event} (${EVENT_MEANING[e.event] ?? 'an internal operation'}; latest ${e.latestMs} ms, max ${e.maxMs} ms)`).join('; ')}.${rate !== undefined ? ` The last fork copied memory at ${rate.toFixed(1)} GB/s, which LATENCY DOCTOR rates ${forkGrade(rate)}.` : ''}${advice.length ? ` LATENCY DOCTOR's advice: ${advice.map((a) => ADVICE[a].text).join('; ')}.` : ''}`,
          evidence: events.map((e) => ev('redis_latency', e.event, `${e.maxMs} ms max, ${e.latestMs} ms latest`)),
          recommendation: `Read LATENCY DOCTOR and LATENCY HISTORY for these events and correlate them with the slow log and persistence settings.${advice.length ? ` In short: ${advice.map((a) => ADVICE[a].text.split(':')[0]).join('; ')}.` : ''}`,
          commands: [
            'LATENCY DOCTOR',
            ...events.slice(0, 3).map((e) => `LATENCY HISTORY ${e.event}`),
            ...advice.flatMap((a) => adviceCommand(ADVICE[a].command, latency.monitorThresholdMs) ?? []),
            'LATENCY RESET  # after fixing, to see whether spikes return',
          ],
          runbook: 'latency-slowlog',
        }),
      );
    }
    if (thp) {
      findings.push(
        finding(this, {
          title: 'Transparent huge pages are in use by the server process',
          severity: 'warning',
          detail: `LATENCY DOCTOR found anonymous huge pages in the process memory (THPGetAnonHugePagesSize in latency.c): ${ADVICE.disable_thp.text}. With THP each copy-on-write after a fork copies 2 MB instead of 4 KB, so BGSAVE and AOF rewrites cause latency spikes and memory bursts.`,
          evidence: [ev('redis_latency', 'LATENCY DOCTOR', 'anonymous huge pages in use')],
          recommendation: 'Disable transparent huge pages on the host (and at boot), then restart the server so its memory is remapped.',
          commands: [ADVICE.disable_thp.command!, 'cat /sys/kernel/mm/transparent_hugepage/enabled'],
          runbook: 'linux-host-tuning',
        }),
      );
    }
    return findings.length ? fail(...findings) : pass();
  },
};

/** What each latency event measures (latencyAddSampleIfNeeded call sites; doctor-logic.md, event catalogue). */
const EVENT_MEANING: Record<string, string> = {
  command: 'a slow command blocked the event loop',
  'fast-command': 'an O(1) or O(log N) command was slow, a sign of host trouble',
  fork: 'fork() for BGSAVE, AOF rewrite or a full sync froze the server',
  'expire-cycle': 'the active expiry cycle',
  'expire-del': 'deleting one expired key',
  'eviction-cycle': 'one eviction round',
  'eviction-del': 'deleting one evicted key',
  'eviction-lazyfree': 'waiting for lazy free during eviction',
  'aof-fsync-always': 'fsync on every write (appendfsync always)',
  'aof-write': 'writing the AOF',
  'aof-write-pending-fsync': 'an AOF write waited for a pending fsync',
  'aof-write-active-child': 'an AOF write while a child was saving',
  'aof-write-alone': 'an AOF write with no fsync or child in the way',
  'aof-fstat': 'fstat of the AOF',
  'aof-rename': 'renaming the rewritten AOF',
  'rdb-unlink-temp-file': 'deleting a temporary RDB file',
  'active-defrag-cycle': 'one active defragmentation cycle',
  'command-unblocking': 'serving clients unblocked by a write',
  'while-blocked-cron': 'cron work while blocked in a script or loading',
  'module-acquire-GIL': 'a module waiting for the global lock',
};

export const forkCost: Check = {
  id: 'performance.fork-cost',
  name: 'fork time',
  category: 'performance',
  run(b) {
    const usec = b.num('latest_fork_usec');
    if (usec === undefined) return skip('latest_fork_usec not available');
    if (usec < 500_000) return pass();
    const used = b.num('used_memory') ?? 0;
    const rate = forkRate(b);
    const grade = rate !== undefined ? forkGrade(rate) : undefined;
    return fail(
      finding(this, {
        title: `Last fork took ${(usec / 1000).toFixed(0)} ms${rate !== undefined ? ` (${rate.toFixed(1)} GB/s, ${grade})` : ''}`,
        severity: 'warning',
        detail: `Redis is frozen while it forks for BGSAVE or AOF rewrite; ${(usec / 1000).toFixed(0)} ms for ${(used / 1073741824).toFixed(1)} GB suggests a large dataset, a VM with slow page-table copies, or transparent huge pages.${rate !== undefined ? ` LATENCY DOCTOR grades fork speed from used memory over fork time: below 10 GB/s is terrible, below 25 poor; this one is ${grade}${grade === 'terrible' || grade === 'poor' ? `, so ${ADVICE.better_vm.text}` : ''}.` : ''}`,
        evidence: [
          ev('redis_info', 'latest_fork_usec', usec),
          ev('redis_info', 'used_memory', used),
          ...(rate !== undefined ? [ev('redis_info', 'fork rate (GB/s)', rate.toFixed(1))] : []),
        ],
        recommendation: 'Disable transparent huge pages, snapshot from a replica instead of the master, or reduce the dataset per instance.',
        commands: ['INFO persistence', 'cat /sys/kernel/mm/transparent_hugepage/enabled'],
        runbook: 'rdb-persistence-failures',
      }),
    );
  },
};

export const performanceChecks: Check[] = [slowCommands, expensiveCommandStats, latencyEvents, forkCost];
