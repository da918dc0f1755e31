import type { SlowlogSummary, LatencyReport } from '../../tools/redis/performance';
import { ev, fail, finding, pass, skip, type Check } from '../check';

/** What to do about a command that shows up in the slow log. */
const SLOW_COMMAND_ADVICE: Record<string, { why: string; fix: string; commands: string[] }> = {
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
    const heavy = slowlog.byCommand.filter((g) => g.maxUs >= 10_000);
    if (heavy.length === 0) return pass();
    return fail(
      ...heavy.slice(0, 3).map((g) => {
        const advice = SLOW_COMMAND_ADVICE[g.command];
        const sample = slowlog.entries.find((e) => e.command === g.command);
        const call = sample ? `${g.command} ${sample.args.join(' ')}`.trim() : g.command;
        return finding(this, {
          title: `${g.command} in the slow log: ${g.count} call(s), up to ${(g.maxUs / 1000).toFixed(0)} ms each`,
          // DEBUG is an operator's command (DEBUG SLEEP, POPULATE), not application traffic: noted, not alarmed.
          severity: g.command === 'DEBUG' ? 'info' : g.maxUs >= 100_000 || g.command === 'KEYS' ? 'critical' : 'warning',
          detail: `The slow log holds ${g.count} ${g.command} call(s) taking up to ${(g.maxUs / 1000).toFixed(1)} ms (total ${(g.totalUs / 1000).toFixed(0)} ms), e.g. \`${call}\`${sample?.client ? ` from ${sample.client}` : ''}. Redis runs commands one at a time, so ${advice ? advice.why : 'while it runs every other client waits'}.`,
          evidence: [
            ev('redis_slowlog', `${g.command} max duration`, `${g.maxUs} us`),
            ev('redis_slowlog', `${g.command} calls`, g.count),
            ev('redis_config_get', 'slowlog-log-slower-than', slowlog.thresholdUs),
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

export const expensiveCommandStats: Check = {
  id: 'performance.command-cost',
  name: 'per-command cost',
  category: 'performance',
  run(b) {
    const stats = b.section<Record<string, { calls?: number; usec_per_call?: number; usec?: number }>>('commandstats');
    if (!stats) return skip('commandstats not available');
    const slowlogCommands = new Set((b.data<SlowlogSummary>('redis_slowlog')?.byCommand ?? []).map((g) => g.command.toLowerCase()));
    const expensive = Object.entries(stats)
      .filter(
        ([name, s]) =>
          Number(s.usec_per_call ?? 0) >= 10_000 &&
          !slowlogCommands.has(name.split('|')[0]) &&
          !/^(debug|eval|evalsha|bgsave|bgrewriteaof|save|flushall|flushdb)$/.test(name),
      )
      .sort((a, b2) => Number(b2[1].usec ?? 0) - Number(a[1].usec ?? 0));
    if (expensive.length === 0) return pass();
    const [name, s] = expensive[0];
    return fail(
      finding(this, {
        title: `${name.toUpperCase()} averages ${(Number(s.usec_per_call) / 1000).toFixed(1)} ms per call`,
        severity: 'warning',
        detail: `INFO commandstats shows ${s.calls} ${name.toUpperCase()} calls at ${(Number(s.usec_per_call) / 1000).toFixed(1)} ms each on average; every call stalls the event loop for other clients.`,
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

export const latencyEvents: Check = {
  id: 'performance.latency-events',
  name: 'latency monitor events',
  category: 'performance',
  run(b) {
    const latency = b.data<LatencyReport>('redis_latency');
    if (!latency) return skip('latency monitor not available');
    if (latency.monitorThresholdMs === 0) return pass();
    const spikes = latency.events.filter((e) => e.maxMs >= 100);
    if (spikes.length === 0) return pass();
    return fail(
      finding(this, {
        title: `Latency spikes recorded: ${spikes.map((e) => `${e.event} up to ${millis(e.maxMs)}`).join(', ')}`,
        severity: 'warning',
        detail: `The latency monitor recorded events above ${latency.monitorThresholdMs} ms. ${spikes.some((e) => e.event.startsWith('fork')) ? 'Fork events come from BGSAVE/AOF rewrite on a large dataset. ' : ''}${spikes.some((e) => e.event.startsWith('aof')) ? 'AOF fsync/write events point at slow disks. ' : ''}${spikes.some((e) => e.event.includes('expire')) ? 'Expire-cycle events come from many keys expiring at once. ' : ''}`,
        evidence: spikes.map((e) => ev('redis_latency', e.event, `${e.maxMs} ms max, ${e.latestMs} ms latest`)),
        recommendation: 'Read LATENCY DOCTOR for the event types above; correlate with the slow log and persistence settings.',
        commands: ['LATENCY DOCTOR', 'LATENCY HISTORY <event>', 'SLOWLOG GET 25'],
        runbook: 'latency-slowlog',
      }),
    );
  },
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
    return fail(
      finding(this, {
        title: `Last fork took ${(usec / 1000).toFixed(0)} ms`,
        severity: 'warning',
        detail: `Redis is frozen while it forks for BGSAVE or AOF rewrite; ${(usec / 1000).toFixed(0)} ms for ${(used / 1073741824).toFixed(1)} GB suggests a large dataset, a VM with slow page-table copies, or transparent huge pages.`,
        evidence: [ev('redis_info', 'latest_fork_usec', usec), ev('redis_info', 'used_memory', used)],
        recommendation: 'Disable transparent huge pages, snapshot from a replica instead of the master, or reduce the dataset per instance.',
        commands: ['INFO persistence', 'cat /sys/kernel/mm/transparent_hugepage/enabled'],
        runbook: 'rdb-persistence-failures',
      }),
    );
  },
};

export const performanceChecks: Check[] = [slowCommands, expensiveCommandStats, latencyEvents, forkCost];
