import type { BigKeysReport } from '../../../tools/redis/memory';
import type { LatencyReport, SlowlogSummary } from '../../../tools/redis/performance';
import { bytes, type Baseline } from '../../baseline';
import { ev } from '../../check';
import { whenValue, type ConfigRule } from '../config-rule';
import { cfgEv, conf, confNum, infoEv, rateEv, writesPerSecond } from '../config-values';

/**
 * Latency and CPU: settings that make the main thread do more work per command or per second.
 * Not here: io-threads above the core count and THP mode need host facts the baseline lacks
 * (disable-thp itself is judged in operability.ts).
 */

const mainThreadCpu = (b: Baseline) => {
  const cpu = b.rates()?.cpuPercent;
  if (!cpu) return undefined;
  const main = (cpu.used_cpu_sys_main_thread ?? cpu.used_cpu_sys ?? 0) + (cpu.used_cpu_user_main_thread ?? cpu.used_cpu_user ?? 0);
  return Math.round(main * 10) / 10;
};

/** Event classes in notify-keyspace-events; A stands for g$lshzxetd (every class but m, n). */
function eventClasses(flags: string): Set<string> {
  return new Set(flags.replace(/A/g, 'g$lshzxetd').replace(/[KE]/g, '').split(''));
}

/** Keys big enough that freeing them blocks: over 10,000 elements or 10 MB (research lazyfree rows). */
function bigKeys(b: Baseline) {
  const report = b.data<BigKeysReport>('redis_big_keys');
  return (report?.biggest ?? []).filter((k) => (k.type === 'string' ? k.size > 10 * 1048576 : k.size > 10_000) || (k.memoryBytes ?? 0) > 10 * 1048576);
}

/**
 * Synchronous frees the slow log and the latency monitor caught: a DEL or FLUSH of a few keys
 * (not a DEL of thousands of small keys, which lazy freeing would not shorten) taking 10 ms or
 * more, and expire-del / eviction-del latency events. A slow SET or RENAME proves nothing by
 * itself (it may be slow for other reasons), so overwrites count only with big keys present.
 */
function blockingFrees(b: Baseline) {
  const entries = (b.data<SlowlogSummary>('redis_slowlog')?.entries ?? []).filter(
    (e) => /^(DEL|FLUSHALL|FLUSHDB)$/.test(e.command) && e.durationUs >= 10_000 && e.args.length <= 3 && e.clientName !== 'sre-agent',
  );
  const byCommand = new Map<string, { command: string; count: number; maxUs: number; example: string }>();
  for (const e of entries) {
    const g = byCommand.get(e.command) ?? { command: e.command, count: 0, maxUs: 0, example: `${e.command} ${e.args.join(' ')}`.trim() };
    g.count++;
    g.maxUs = Math.max(g.maxUs, e.durationUs);
    byCommand.set(e.command, g);
  }
  const events = (b.data<LatencyReport>('redis_latency')?.events ?? []).filter((e) => /^(expire-del|eviction-del)$/.test(e.event));
  return { slow: [...byCommand.values()], events };
}

const LISTPACK_LIMITS: Array<{
  id: `config.${string}`;
  directive: string;
  aliases: string[];
  max: number;
  default: number;
  type: string;
  since?: string;
  severity: 'warning' | 'info';
  source: string;
}> = [
  {
    id: 'config.hash-listpack-entries-high',
    directive: 'hash-max-listpack-entries',
    aliases: ['hash-max-ziplist-entries'],
    max: 1024,
    default: 512,
    type: 'hashes',
    severity: 'warning',
    source:
      'redis/redis@7.0.15 redis.conf L1910 ("Hashes are encoded using a memory efficient data structure when they have a"); valkey-io/valkey-doc@9.0.2 topics/memory-optimization.md ("run some benchmarks and tests to check the conversion time")',
  },
  {
    id: 'config.hash-listpack-value-high',
    directive: 'hash-max-listpack-value',
    aliases: ['hash-max-ziplist-value'],
    max: 1024,
    default: 64,
    type: 'hashes',
    severity: 'warning',
    source: 'redis/redis@7.0.15 redis.conf L1914 ("hash-max-listpack-value 64")',
  },
  {
    id: 'config.zset-listpack-high',
    directive: 'zset-max-listpack-entries',
    aliases: ['zset-max-ziplist-entries'],
    max: 512,
    default: 128,
    type: 'sorted sets',
    severity: 'warning',
    source: 'redis/redis@7.0.15 redis.conf L1954 ("Similarly to hashes and lists, sorted sets are also specially encoded in")',
  },
  {
    id: 'config.zset-listpack-value-high',
    directive: 'zset-max-listpack-value',
    aliases: ['zset-max-ziplist-value'],
    max: 1024,
    default: 64,
    type: 'sorted sets',
    severity: 'warning',
    source: 'redis/redis@7.0.15 redis.conf L1954; research/config-audit.md config.zset-listpack-high (value > 1024)',
  },
  {
    id: 'config.set-listpack-high',
    directive: 'set-max-listpack-entries',
    aliases: [],
    max: 512,
    default: 128,
    type: 'sets',
    since: '7.2',
    severity: 'warning',
    source: 'redis/redis@7.2.6 redis.conf L1967 ("Sets containing non-integer values are also encoded using a memory efficient")',
  },
  {
    id: 'config.set-listpack-value-high',
    directive: 'set-max-listpack-value',
    aliases: [],
    max: 1024,
    default: 64,
    type: 'sets',
    since: '7.2',
    severity: 'warning',
    source: 'redis/redis@7.2.6 redis.conf L1967; research/config-audit.md config.set-listpack-high (value > 1024)',
  },
  {
    id: 'config.set-intset-high',
    directive: 'set-max-intset-entries',
    aliases: [],
    max: 8192,
    default: 512,
    type: 'integer sets',
    severity: 'info',
    source: 'redis/redis@7.0.15 redis.conf L1947 ("Sets have a special encoding in just one case: when a set is composed")',
  },
];

/** The compact encodings: linear scans and whole-blob copies once the limits are raised far. */
const listpackRules: ConfigRule[] = LISTPACK_LIMITS.map((l) => ({
  id: l.id,
  directives: [l.directive, ...l.aliases],
  category: 'performance',
  severity: l.severity,
  appliesTo: l.since ? { redis: l.since } : undefined,
  rationale: `Compact encodings are scanned linearly and every insert moves the whole blob, so ${l.type} this large turn O(1) commands into O(N) ones with a large constant.`,
  when: whenValue(
    [l.directive, ...l.aliases],
    (v) => Number(v) > l.max,
    (v) => ({
      title: `${l.directive} ${v}: ${l.type} stay in the compact (linear) encoding up to ${v}`,
      detail: `${l.directive} is ${v}, above ${l.max}.`,
    }),
  ),
  fix: {
    recommendation: 'Restore the default; existing keys keep their encoding until they are rewritten (or converted when they next grow).',
    commands: [`CONFIG SET ${l.directive} ${l.default}`],
  },
  source: l.source,
  runbook: 'big-keys',
}));

export const latencyRules: ConfigRule[] = [
  {
    id: 'config.hz-high',
    directives: ['hz'],
    category: 'performance',
    severity: 'warning',
    rationale:
      'hz is how many times a second the server runs its background tasks (expiry, client timeouts, rehashing, stats); above 100 that work costs CPU all the time, even with no traffic.',
    when(b) {
      const hz = confNum(b, 'hz');
      if (hz === undefined || hz <= 100) return undefined;
      const cpu = mainThreadCpu(b);
      const rate = b.rate('total_commands_processed');
      const ops = rate === undefined ? undefined : Math.round(rate);
      return {
        title: `hz ${hz}: background tasks run ${hz} times a second${cpu !== undefined ? `, main thread at ${cpu}% CPU` : ''}${ops !== undefined ? ` with ${ops} commands/s` : ''}`,
        detail: `hz is ${hz} (default 10)${cpu !== undefined ? `; the main thread used ${cpu}% of a core during the sample` : ''}${ops !== undefined ? ` while clients sent ${ops} commands/s` : ''}.`,
        evidence: [
          cfgEv('hz', hz),
          ...(cpu !== undefined ? [rateEv('main thread CPU %', cpu)] : []),
          ...(ops !== undefined ? [rateEv('commands per second', ops)] : []),
        ],
      };
    },
    fix: {
      recommendation: 'Use the default 10 (raise towards 100 only for very low latency needs); keep dynamic-hz yes.',
      commands: ['CONFIG SET hz 10', 'CONFIG SET dynamic-hz yes', 'INFO cpu'],
    },
    source: 'redis/redis@7.0.15 redis.conf L2094 ("The range is between 1 and 500, however a value over 100 is usually not")',
    runbook: 'cpu-saturation',
  },
  {
    id: 'config.hz-low',
    directives: ['hz'],
    category: 'performance',
    severity: 'info',
    rationale:
      'With a low hz the active expiry and timeout cycles run rarely and in larger steps; LATENCY DOCTOR suggests a higher hz when expire-cycle spikes show up.',
    when(b) {
      const hz = confNum(b, 'hz');
      if (hz === undefined) return undefined;
      const expireCycle = b.data<LatencyReport>('redis_latency')?.events.find((e) => e.event === 'expire-cycle');
      if (hz >= 10 && !(expireCycle && hz < 100)) return undefined;
      return {
        title: `hz ${hz}${expireCycle ? ` with expire-cycle latency spikes up to ${expireCycle.maxMs} ms` : ': background tasks run rarely'}`,
        detail: `hz is ${hz}${expireCycle ? ` and the latency monitor recorded expire-cycle events up to ${expireCycle.maxMs} ms` : ''}.`,
        evidence: [cfgEv('hz', hz), ...(expireCycle ? [infoEv('latency event expire-cycle', `${expireCycle.maxMs} ms max`)] : [])],
      };
    },
    fix: { recommendation: 'Raise hz so expiry runs in smaller steps.', commands: [`CONFIG SET hz 20`, 'LATENCY HISTORY expire-cycle'] },
    source:
      'redis/redis@7.0.15 src/latency.c createLatencyReport() advise_hz (printed when hz < 100 and expire-cycle events exist); redis/redis@7.0.15 redis.conf L2094',
    runbook: 'expiry-storms',
  },
  {
    id: 'config.dynamic-hz-off',
    directives: ['dynamic-hz'],
    category: 'performance',
    severity: 'info',
    rationale: 'Without dynamic hz each cron run handles more clients at once when many are connected, which shows as latency spikes.',
    when: whenValue(
      'dynamic-hz',
      (v, b) => v === 'no' && (b.num('connected_clients') ?? 0) > 1000,
      (_v, b) => ({
        title: `dynamic-hz no with ${b.num('connected_clients')} clients`,
        detail: `dynamic-hz is no and ${b.num('connected_clients')} clients are connected.`,
        evidence: [infoEv('connected_clients', b.num('connected_clients') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Let hz scale with the number of clients.', commands: ['CONFIG SET dynamic-hz yes'] },
    source: 'redis/redis@7.0.15 redis.conf L2099 ("Normally it is useful to have an HZ value which is proportional to the")',
  },
  {
    id: 'config.loglevel-verbose',
    directives: ['loglevel'],
    category: 'performance',
    severity: 'warning',
    rationale: 'Debug and verbose logging write lines for routine events from the main thread, costing CPU and disk; debug is meant for development.',
    when: whenValue(
      'loglevel',
      (v) => v === 'debug' || v === 'verbose',
      (v) => ({ title: `loglevel ${v}: the server logs routine events`, detail: `loglevel is ${v}.` }),
    ),
    fix: { recommendation: 'Log at notice.', commands: ['CONFIG SET loglevel notice'] },
    source: 'redis/redis@7.0.15 redis.conf L345 ("debug (a lot of information, useful for development/testing)")',
  },
  {
    id: 'config.notify-heavy',
    directives: ['notify-keyspace-events'],
    category: 'performance',
    severity: 'info',
    rationale:
      'Every matching write (and, with m, every miss) publishes one message per K/E flag, building channel names and walking the subscription tables on the main thread, whether or not anyone listens.',
    when(b) {
      const flags = conf(b, 'notify-keyspace-events') ?? '';
      if (!flags || !/[KE]/.test(flags)) return undefined;
      const classes = eventClasses(flags);
      const heavy = flags.includes('A') || classes.size >= 4 || classes.has('m');
      if (!heavy) return undefined;
      const writes = writesPerSecond(b);
      const perEvent = (flags.includes('K') ? 1 : 0) + (flags.includes('E') ? 1 : 0);
      const notifications = writes !== undefined ? writes * perEvent : undefined;
      const listeners = (b.num('pubsub_channels') ?? 0) + (b.num('pubsub_patterns') ?? 0);
      // research: a warning once the write load is high (10,000 writes/s); here counted as notifications.
      const busy = notifications !== undefined && notifications > 10_000;
      return {
        title: `Keyspace notifications "${flags}" on every write${notifications !== undefined ? `: about ${notifications} events/s at ${writes} writes/s` : ''}`,
        detail: `notify-keyspace-events is "${flags}"${flags.includes('A') ? ' (A = every event class)' : ''}${notifications !== undefined ? `, so the ${writes} writes/s measured now publish about ${notifications} notifications per second` : ''}; ${listeners ? `${b.num('pubsub_channels') ?? 0} channel(s) and ${b.num('pubsub_patterns') ?? 0} pattern(s) are subscribed` : 'nobody is subscribed to any channel, so all of that work is wasted'}.`,
        severity: busy ? 'warning' : 'info',
        evidence: [
          cfgEv('notify-keyspace-events', flags),
          ...(writes !== undefined ? [rateEv('writes per second', writes)] : []),
          infoEv('pubsub_channels', b.num('pubsub_channels') ?? 0),
          infoEv('pubsub_patterns', b.num('pubsub_patterns') ?? 0),
        ],
      };
    },
    fix: {
      recommendation: 'Publish only the event classes a consumer needs (for example "Ex" for expirations), or turn notifications off if nothing consumes them.',
      commands: [
        'PUBSUB CHANNELS __key*',
        'PUBSUB NUMPAT',
        'CONFIG SET notify-keyspace-events Ex',
        'CONFIG SET notify-keyspace-events ""  # or, when nothing listens, none at all',
      ],
    },
    source:
      'redis/redis@7.0.15 redis.conf L1903 ("By default all notifications are disabled because most users don\'t need"), L1884 (m not in A); research/config-audit.md config.notify-heavy (write ops/s > 10000)',
  },
  {
    id: 'config.notify-no-subscribers',
    directives: ['notify-keyspace-events'],
    category: 'performance',
    severity: 'info',
    rationale: 'The notification overhead is paid with nobody listening.',
    when(b) {
      const flags = conf(b, 'notify-keyspace-events') ?? '';
      if (!flags || !/[KE]/.test(flags)) return undefined;
      if (flags.includes('A') || eventClasses(flags).size >= 4 || eventClasses(flags).has('m')) return undefined; // notify-heavy says it
      if ((b.num('pubsub_channels') ?? 1) > 0 || (b.num('pubsub_patterns') ?? 1) > 0) return undefined;
      return {
        title: `Keyspace notifications "${flags}" published with no subscriber`,
        detail: `notify-keyspace-events is "${flags}" and no channel or pattern is subscribed.`,
        evidence: [infoEv('pubsub_channels', 0), infoEv('pubsub_patterns', 0)],
      };
    },
    fix: { recommendation: 'Turn notifications off if no consumer needs them.', commands: ['PUBSUB CHANNELS __key*', 'CONFIG SET notify-keyspace-events ""'] },
    source: 'redis/redis@7.0.15 redis.conf L1904 ("this feature and the feature has some overhead. Note that if you don\'t")',
  },
  ...listpackRules,
  {
    id: 'config.list-node-size-large',
    directives: ['list-max-listpack-size', 'list-max-ziplist-size'],
    category: 'performance',
    severity: 'warning',
    rationale:
      'Bigger list nodes mean large copies on every insert in the middle of a list and large allocations; -5 and -4 are documented as not recommended.',
    when: whenValue(
      ['list-max-listpack-size', 'list-max-ziplist-size'],
      (v) => Number(v) <= -3 || Number(v) > 1000,
      (v) => ({ title: `list-max-listpack-size ${v}: very large list nodes`, detail: `list-max-listpack-size is ${v} (default -2, 8 KB per node).` }),
    ),
    fix: { recommendation: 'Use 8 KB nodes.', commands: ['CONFIG SET list-max-listpack-size -2'] },
    source: 'redis/redis@7.0.15 redis.conf L1920 ("-5: max size: 64 Kb  <-- not recommended for normal workloads")',
  },
  {
    id: 'config.list-compress-depth',
    directives: ['list-compress-depth'],
    category: 'performance',
    severity: 'info',
    rationale: 'Inner list nodes are LZF-compressed, so every access to the middle of a list decompresses a node.',
    when(b) {
      const depth = confNum(b, 'list-compress-depth') ?? 0;
      const inner = (b.rates()?.commands ?? []).filter((c) => /^(lindex|lrange|lset|linsert|lpos|lrem)$/.test(c.command));
      if (depth === 0 || inner.length === 0) return undefined;
      return {
        title: `list-compress-depth ${depth} with ${inner.map((c) => `${c.command.toUpperCase()} ${c.callsPerSec}/s`).join(', ')}`,
        detail: `list-compress-depth is ${depth} while clients read inside lists (${inner.map((c) => `${c.command.toUpperCase()} ${c.usecPerCall} µs per call`).join(', ')}).`,
        evidence: [cfgEv('list-compress-depth', depth), ...inner.map((c) => rateEv(`${c.command} calls per second`, c.callsPerSec))],
      };
    },
    fix: {
      recommendation: 'Turn compression off for lists read in the middle (or accept the CPU for the memory saved).',
      commands: ['CONFIG SET list-compress-depth 0'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1935 ("0: disable all list compression")',
  },
  {
    id: 'config.hll-sparse-too-big',
    directives: ['hll-sparse-max-bytes'],
    category: 'performance',
    severity: 'info',
    rationale: 'Past about 16000 bytes the dense HyperLogLog is smaller anyway, while PFADD on the sparse form is O(N).',
    when: whenValue(
      'hll-sparse-max-bytes',
      (v) => Number(v) > 16000,
      (v) => ({ title: `hll-sparse-max-bytes ${v}: slow sparse HyperLogLogs`, detail: `hll-sparse-max-bytes is ${v}.` }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET hll-sparse-max-bytes 3000'] },
    source: 'redis/redis@7.0.15 redis.conf L1964 ("A value greater than 16000 is totally useless, since at that point the")',
  },
  {
    id: 'config.stream-node-limits',
    directives: ['stream-node-max-bytes', 'stream-node-max-entries'],
    category: 'performance',
    severity: 'info',
    rationale: 'Huge stream nodes make XADD, XDEL and XTRIM work on large listpacks.',
    when(b) {
      const max = confNum(b, 'stream-node-max-bytes') ?? 4096;
      const entries = confNum(b, 'stream-node-max-entries') ?? 100;
      if (!((max === 0 && entries === 0) || max > 65536 || entries > 1000)) return undefined;
      return {
        title: `Stream nodes up to ${max ? bytes(max) : 'unlimited'} / ${entries || 'unlimited'} entries`,
        detail: `stream-node-max-bytes is ${max} and stream-node-max-entries is ${entries}.`,
        evidence: [cfgEv('stream-node-max-bytes', max), cfgEv('stream-node-max-entries', entries)],
      };
    },
    fix: { recommendation: 'Use the defaults.', commands: ['CONFIG SET stream-node-max-bytes 4096', 'CONFIG SET stream-node-max-entries 100'] },
    source: 'redis/redis@7.0.15 redis.conf L1974 ("Streams macro node max size / items. The stream data structure is a radix")',
  },
  {
    id: 'config.busy-threshold-unbounded',
    directives: ['busy-reply-threshold', 'lua-time-limit'],
    category: 'performance',
    severity: 'warning',
    rationale:
      'A runaway script or function blocks every client; below or at 0 nobody gets a BUSY reply and SCRIPT KILL is never offered, above 10 s clients wait that long first.',
    when: whenValue(
      ['busy-reply-threshold', 'lua-time-limit'],
      (v) => Number(v) <= 0 || Number(v) > 10_000,
      (v) => ({
        title: `busy-reply-threshold ${v} ms: ${Number(v) <= 0 ? 'scripts are never interrupted' : 'long scripts block clients for over 10 s before BUSY'}`,
        detail: `busy-reply-threshold (lua-time-limit) is ${v} ms (default 5000).`,
      }),
    ),
    fix: { recommendation: 'Use the default 5 s so SCRIPT KILL / FUNCTION KILL become possible.', commands: ['CONFIG SET busy-reply-threshold 5000'] },
    source: 'redis/redis@7.0.15 redis.conf L1563 ("The default is 5 seconds. It is possible to set it to 0 or a negative value")',
    runbook: 'lua-busy-scripts',
  },
  {
    id: 'config.eviction-tenacity-high',
    directives: ['maxmemory-eviction-tenacity'],
    category: 'performance',
    severity: 'warning',
    rationale:
      'The eviction loop of one command may then run for a long time (about 500 µs × 1.15^(t−10): 134 ms at 50, no limit at 100) while every client waits.',
    when: whenValue(
      'maxmemory-eviction-tenacity',
      (v, b) => Number(v) >= 50 && (confNum(b, 'maxmemory') ?? 0) > 0,
      (v) => ({
        title: `maxmemory-eviction-tenacity ${v}: one write can block while it evicts`,
        detail: `maxmemory-eviction-tenacity is ${v} (default 10)${Number(v) >= 100 ? ', which removes the time limit altogether' : ''}.`,
      }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET maxmemory-eviction-tenacity 10', 'LATENCY HISTORY eviction-cycle'] },
    source:
      'redis/redis@7.0.15 redis.conf L1165 ("0 = minimum latency, 10 = default, 100 = process without regard to latency"); redis/redis@7.0.15 src/evict.c evictionTimeLimitUs()',
    runbook: 'evictions-hit-ratio',
  },
  {
    id: 'config.maxmemory-samples-high',
    directives: ['maxmemory-samples'],
    category: 'performance',
    severity: 'info',
    rationale: 'Each eviction samples that many keys, so CPU per write rises with heavy eviction.',
    when(b) {
      const samples = confNum(b, 'maxmemory-samples') ?? 5;
      const evicted = b.rate('evicted_keys') ?? 0;
      if (samples <= 20 || evicted <= 1000) return undefined;
      return {
        title: `maxmemory-samples ${samples} with ${evicted} evictions/s`,
        detail: `maxmemory-samples is ${samples} while ${evicted} keys/s are evicted.`,
        evidence: [cfgEv('maxmemory-samples', samples), rateEv('evicted_keys per second', evicted)],
      };
    },
    fix: { recommendation: '10 already approximates true LRU closely.', commands: ['CONFIG SET maxmemory-samples 10'] },
    source: 'redis/redis@7.0.15 redis.conf L1156 ("The default of 5 produces good enough results. 10 Approximates very closely")',
  },
  {
    id: 'config.active-expire-effort-high',
    directives: ['active-expire-effort'],
    category: 'performance',
    severity: 'info',
    rationale: 'A higher effort makes the active expiry cycles longer and more frequent, costing CPU and latency.',
    when: whenValue(
      'active-expire-effort',
      (v) => Number(v) > 5,
      (v, b) => ({
        title: `active-expire-effort ${v}: expiry cycles run longer`,
        detail: `active-expire-effort is ${v} (default 1); ${b.rate('expire_cycle_cpu_milliseconds') ?? 'unknown'} ms/s went to the expiry cycle during the sample.`,
        evidence: [rateEv('expire_cycle_cpu_milliseconds per second', b.rate('expire_cycle_cpu_milliseconds') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET active-expire-effort 1'] },
    source: 'redis/redis@7.0.15 redis.conf L1199 ("\\"1\\", to a greater value, up to the value \\"10\\". At its maximum value the")',
    runbook: 'expiry-storms',
  },
  {
    // The five lazyfree-lazy-* rows of the research share their evidence (big keys, blocking frees),
    // so they are one finding naming the directives that matter here.
    id: 'config.lazyfree-off',
    directives: ['lazyfree-lazy-user-del', 'lazyfree-lazy-server-del', 'lazyfree-lazy-expire', 'lazyfree-lazy-eviction', 'lazyfree-lazy-user-flush'],
    category: 'performance',
    severity: 'warning',
    rationale:
      'Freeing a key with millions of elements happens on the main thread when lazy freeing is off, so one DEL (or the expiry, eviction or overwrite of such a key) blocks every client for as long as it takes, up to seconds; with lazy freeing the memory is reclaimed by a background thread.',
    when(b) {
      const big = bigKeys(b);
      const { slow, events } = blockingFrees(b);
      const used = b.num('used_memory') ?? 0;
      const policy = conf(b, 'maxmemory-policy') ?? 'noeviction';
      const relevant = [
        { d: 'lazyfree-lazy-user-del', why: 'DEL of big keys', on: big.length > 0 || slow.some((g) => g.command === 'DEL') },
        { d: 'lazyfree-lazy-server-del', why: 'overwrites and RENAME of big keys', on: big.length > 0 },
        { d: 'lazyfree-lazy-expire', why: 'expiry of big keys', on: big.some((k) => k.ttlSeconds > 0) || events.some((e) => e.event === 'expire-del') },
        {
          d: 'lazyfree-lazy-eviction',
          why: 'eviction',
          on: ((confNum(b, 'maxmemory') ?? 0) > 0 && policy !== 'noeviction' && big.length > 0) || events.some((e) => e.event === 'eviction-del'),
        },
        { d: 'lazyfree-lazy-user-flush', why: 'FLUSHALL/FLUSHDB', on: used > 1073741824 || slow.some((g) => /^FLUSH/.test(g.command)) },
      ].filter((r) => r.on && conf(b, r.d) === 'no');
      if (relevant.length === 0) return undefined;
      const worst = [...slow].sort((x, y) => y.maxUs - x.maxUs)[0];
      return {
        title: `Lazy freeing off (${relevant.map((r) => `${r.d} no`).join(', ')})${worst ? `: ${worst.command} blocked for ${(worst.maxUs / 1000).toFixed(0)} ms` : big.length ? ` with big keys such as ${big[0].key}` : ''}`,
        detail: `${relevant.map((r) => `${r.d} is no (${r.why})`).join('; ')}.${worst ? ` The slow log shows ${worst.count} ${worst.command} call(s) on single keys taking up to ${(worst.maxUs / 1000).toFixed(1)} ms each (e.g. "${worst.example}").` : ''}${
          big.length
            ? ` Big keys that will block when freed: ${big
                .slice(0, 3)
                .map((k) => `${k.key} (${k.type}, ${k.size} ${k.unit})`)
                .join(', ')}.`
            : ''
        }${events.length ? ` Latency events: ${events.map((e) => `${e.event} up to ${e.maxMs} ms`).join(', ')}.` : ''}`,
        evidence: [
          ...relevant.map((r) => cfgEv(r.d, 'no')),
          ...slow.map((g) => ev('redis_slowlog', `${g.command} max duration`, `${g.maxUs} us`)),
          ...big.slice(0, 3).map((k) => ev('redis_big_keys', k.key, `${k.type}, ${k.size} ${k.unit}`)),
          ...events.map((e) => infoEv(`latency event ${e.event}`, `${e.maxMs} ms max`)),
        ],
        commands: [...relevant.map((r) => `CONFIG SET ${r.d} yes`), 'UNLINK <key>  # instead of DEL for big keys', 'SLOWLOG GET 10'],
      };
    },
    fix: {
      recommendation:
        'Turn lazy freeing on (the default since Valkey 8) so big keys are freed in a background thread, and delete big keys with UNLINK (or FLUSHALL ASYNC); split keys that grow to millions of elements.',
      commands: [
        'CONFIG SET lazyfree-lazy-user-del yes',
        'CONFIG SET lazyfree-lazy-server-del yes',
        'CONFIG SET lazyfree-lazy-expire yes',
        'CONFIG SET lazyfree-lazy-eviction yes',
      ],
    },
    source:
      'redis/redis@7.0.15 redis.conf L1214 ("aggregated value containing millions of elements, the server can block for"); valkey-io/valkey@8.0.1 valkey.conf L1265 ("Starting from Valkey 8.0, lazy freeing is enabled by default"); research/config-audit.md lazyfree rows (> 10,000 elements or > 10 MB)',
    runbook: 'big-keys',
  },
  {
    id: 'config.slowlog-disabled',
    directives: ['slowlog-log-slower-than', 'slowlog-max-len'],
    category: 'performance',
    severity: 'warning',
    rationale: 'Slow commands are then not recorded, so a latency incident cannot be traced to the command and client that caused it.',
    when(b) {
      const threshold = confNum(b, 'slowlog-log-slower-than', 'commandlog-execution-slower-than');
      const len = confNum(b, 'slowlog-max-len', 'commandlog-slow-execution-max-len');
      if (threshold === undefined || len === undefined || (threshold >= 0 && len > 0)) return undefined;
      return {
        title: `Slow log disabled (slowlog-log-slower-than ${threshold}, slowlog-max-len ${len})`,
        detail: `slowlog-log-slower-than is ${threshold} µs and slowlog-max-len is ${len}.`,
        evidence: [cfgEv('slowlog-log-slower-than', threshold), cfgEv('slowlog-max-len', len)],
      };
    },
    fix: {
      recommendation: 'Record commands slower than 10 ms, keeping the last 128.',
      commands: ['CONFIG SET slowlog-log-slower-than 10000', 'CONFIG SET slowlog-max-len 128'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L1813 ("Note that a negative number disables the slow log"); redis/redis@7.4.1 src/latency.c createLatencyReport() (slowlog_log_slower_than < 0 || slowlog_max_len == 0)',
    runbook: 'latency-slowlog',
  },
  {
    id: 'config.slowlog-threshold-high',
    directives: ['slowlog-log-slower-than'],
    category: 'performance',
    severity: 'warning',
    rationale: 'Commands that block the server for tens of milliseconds are then never logged.',
    when(b) {
      const threshold = confNum(b, 'slowlog-log-slower-than', 'commandlog-execution-slower-than');
      const monitor = confNum(b, 'latency-monitor-threshold') ?? 0;
      if (threshold === undefined || threshold < 0) return undefined;
      const overMonitor = monitor > 0 && threshold / 1000 > monitor;
      if (threshold <= 100_000 && !overMonitor) return undefined;
      return {
        title: `slowlog-log-slower-than ${threshold} µs: only commands over ${threshold / 1000} ms are logged`,
        detail: `slowlog-log-slower-than is ${threshold} µs${overMonitor ? `, above the latency monitor threshold of ${monitor} ms` : ''}.`,
        evidence: [cfgEv('slowlog-log-slower-than', threshold), cfgEv('latency-monitor-threshold', monitor)],
      };
    },
    fix: { recommendation: 'Log commands slower than 10 ms (or the latency monitor threshold).', commands: ['CONFIG SET slowlog-log-slower-than 10000'] },
    source:
      'redis/redis@7.0.15 src/latency.c createLatencyReport() advise_slowlog_tuning (slowlog_log_slower_than/1000 > latency_monitor_threshold); research/config-audit.md (> 100 ms)',
    runbook: 'latency-slowlog',
  },
  {
    id: 'config.slowlog-log-everything',
    directives: ['slowlog-log-slower-than'],
    category: 'performance',
    severity: 'info',
    rationale: 'Every command is recorded, which costs time per command and rotates the log so fast that real slow commands are lost.',
    when: whenValue(
      ['slowlog-log-slower-than', 'commandlog-execution-slower-than'],
      (v) => Number(v) === 0,
      () => ({ title: 'slowlog-log-slower-than 0: every command is logged', detail: 'slowlog-log-slower-than is 0.' }),
    ),
    fix: { recommendation: 'Log commands slower than 10 ms.', commands: ['CONFIG SET slowlog-log-slower-than 10000'] },
    source: 'redis/redis@7.0.15 redis.conf L1814 ("a value of zero forces the logging of every command.")',
    runbook: 'latency-slowlog',
  },
  {
    id: 'config.latency-monitor-off',
    directives: ['latency-monitor-threshold'],
    category: 'performance',
    severity: 'info',
    rationale: 'With the latency monitor off, LATENCY LATEST and LATENCY DOCTOR have no data to explain spikes (fork, AOF fsync, expiry, eviction).',
    when(b) {
      if (confNum(b, 'latency-monitor-threshold') !== 0) return undefined;
      // Only worth saying when the server shows slow work; on a quiet server it is the normal default.
      const slow = (b.data<SlowlogSummary>('redis_slowlog')?.byCommand ?? []).filter((g) => g.maxUs >= 10_000 && g.command !== 'DEBUG');
      if (slow.length === 0) return undefined;
      return {
        title: 'Latency monitor off while slow commands are being logged',
        detail: `latency-monitor-threshold is 0 and the slow log holds ${slow.map((g) => g.command).join(', ')} calls over 10 ms.`,
        evidence: [cfgEv('latency-monitor-threshold', 0), ...slow.slice(0, 3).map((g) => ev('redis_slowlog', `${g.command} max duration`, `${g.maxUs} us`))],
      };
    },
    fix: { recommendation: 'Record events over 100 ms, then read LATENCY DOCTOR.', commands: ['CONFIG SET latency-monitor-threshold 100', 'LATENCY DOCTOR'] },
    source:
      'redis/redis@7.0.15 redis.conf L1839 ("CONFIG SET latency-monitor-threshold <milliseconds>" if needed.); redis/redis@7.0.15 src/latency.c createLatencyReport() (monitoring disabled text)',
    runbook: 'latency-slowlog',
  },
  {
    id: 'config.activedefrag-aggressive',
    directives: [
      'activedefrag',
      'active-defrag-cycle-max',
      'active-defrag-threshold-lower',
      'active-defrag-ignore-bytes',
      'active-defrag-max-scan-fields',
      'active-defrag-cycle-us',
    ],
    category: 'performance',
    severity: 'warning',
    rationale:
      'Active defragmentation runs on the main thread; a high CPU ceiling, low thresholds or long time slices add latency to every command while it runs.',
    when(b) {
      if (conf(b, 'activedefrag') !== 'yes') return undefined;
      const limits: Array<[string, number | undefined, (n: number) => boolean]> = [
        ['active-defrag-cycle-max', confNum(b, 'active-defrag-cycle-max'), (n) => n > 50],
        ['active-defrag-threshold-lower', confNum(b, 'active-defrag-threshold-lower'), (n) => n < 5],
        ['active-defrag-ignore-bytes', confNum(b, 'active-defrag-ignore-bytes'), (n) => n < 10 * 1048576],
        ['active-defrag-max-scan-fields', confNum(b, 'active-defrag-max-scan-fields'), (n) => n > 10_000],
        ['active-defrag-cycle-us', confNum(b, 'active-defrag-cycle-us'), (n) => n > 5000],
      ];
      const off = limits.filter(([, v, bad]) => v !== undefined && bad(v));
      if (off.length === 0) return undefined;
      return {
        title: `Aggressive active defrag: ${off.map(([d, v]) => `${d} ${v}`).join(', ')}`,
        detail: `activedefrag is yes with ${off.map(([d, v]) => `${d} ${v}`).join(', ')}; defrag is ${b.num('active_defrag_running') ? `running now at ${b.num('active_defrag_running')}% CPU` : 'not running right now'}.`,
        evidence: [cfgEv('activedefrag', 'yes'), ...off.map(([d, v]) => cfgEv(d, v!)), infoEv('active_defrag_running', b.num('active_defrag_running') ?? 0)],
      };
    },
    fix: {
      recommendation: 'Return to the default limits.',
      commands: [
        'CONFIG SET active-defrag-cycle-max 25',
        'CONFIG SET active-defrag-threshold-lower 10',
        'CONFIG SET active-defrag-ignore-bytes 100mb',
        'CONFIG SET active-defrag-max-scan-fields 1000',
      ],
    },
    source:
      'redis/redis@7.0.15 redis.conf L2222 ("Minimum amount of fragmentation waste to start active defrag"); valkey-io/valkey valkey.conf 9.x (index snapshot 00c3db1d), section ACTIVE DEFRAGMENTATION',
    runbook: 'memory-fragmentation',
  },
];
