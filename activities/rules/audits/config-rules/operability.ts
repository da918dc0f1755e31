import type { Baseline } from '../../baseline';
import { whenValue, type ConfigRule } from '../config-rule';
import { cfgEv, conf, confNum, rateEv } from '../config-values';

/**
 * Operability: logging, observability, connection handling and threading. Not here because
 * existing checks cover them: idle connections with timeout 0 (connections.idle), connections
 * near maxclients (connections.saturation), several logical databases (keyspace.multiple-dbs).
 * Not judgeable from the baseline: maxclients lowered by the file descriptor limit (CONFIG GET
 * returns the lowered value), io-threads against the core count, io-threads left idle at low load
 * (INFO io_threads_active is dropped from the compact INFO), systemd supervision, include
 * files and CONFIG REWRITE, loaded modules against an allow-list, the hidden watchdog-period and
 * loading-process-events-interval-bytes (CONFIG GET * omits hidden configs).
 */

/** CPU lists like "0-3,8" as core numbers. */
function cpus(list: string): Set<number> {
  const out = new Set<number>();
  for (const part of list.split(',').filter(Boolean)) {
    const [from, to = from] = part.split('-').map(Number);
    for (let c = from; c <= to && c - from < 1024; c++) out.add(c);
  }
  return out;
}

const ioThreads = (b: Baseline) => confNum(b, 'io-threads') ?? 1;

export const operabilityRules: ConfigRule[] = [
  {
    id: 'config.daemonize-logs-to-devnull',
    directives: ['daemonize', 'logfile', 'syslog-enabled'],
    category: 'configuration',
    severity: 'warning',
    rationale: 'A daemonized server with no log file and no syslog sends its log to /dev/null, so warnings about failed saves, OOM and replication are lost.',
    when(b) {
      if (conf(b, 'daemonize') !== 'yes' || (conf(b, 'logfile') ?? '') !== '' || conf(b, 'syslog-enabled') === 'yes') return undefined;
      return {
        title: 'Server log goes to /dev/null (daemonize yes, no logfile, no syslog)',
        detail: 'daemonize is yes, logfile is empty and syslog-enabled is no.',
        evidence: [cfgEv('daemonize', 'yes'), cfgEv('logfile', ''), cfgEv('syslog-enabled', 'no')],
      };
    },
    fix: {
      recommendation: 'Give the server a log file (or syslog); logfile needs a restart.',
      commands: ['# in {conf}, then restart: logfile /var/log/redis/redis-server.log'],
    },
    source: 'redis/redis@7.0.15 redis.conf L353 ("output for logging but daemonize, logs will be sent to /dev/null")',
  },
  {
    id: 'config.loglevel-quiet',
    directives: ['loglevel'],
    category: 'configuration',
    severity: 'info',
    rationale: 'Notice-level events (snapshots, replication state changes) are then not logged, and "nothing" logs nothing at all.',
    when: whenValue(
      'loglevel',
      (v) => v === 'warning' || v === 'nothing',
      (v) => ({ title: `loglevel ${v}: routine events are not logged`, detail: `loglevel is ${v}.` }),
    ),
    fix: { recommendation: 'Log at notice.', commands: ['CONFIG SET loglevel notice'] },
    source: 'redis/redis@7.2.6 redis.conf L349 ("nothing (nothing is logged)")',
  },
  {
    id: 'config.crash-log-disabled',
    directives: ['crash-log-enabled', 'crash-memcheck-enabled'],
    category: 'configuration',
    severity: 'info',
    rationale: 'A crash then leaves no stack trace, INFO and client list (or no memory test), making the post-mortem much harder.',
    when(b) {
      const off = ['crash-log-enabled', 'crash-memcheck-enabled'].filter((d) => conf(b, d) === 'no');
      if (off.length === 0) return undefined;
      return {
        title: `${off.join(' and ')} no: crashes leave no report`,
        detail: `${off.join(', ')} ${off.length > 1 ? 'are' : 'is'} no.`,
        evidence: off.map((d) => cfgEv(d, 'no')),
      };
    },
    fix: { recommendation: 'Keep crash reports on.', commands: ['CONFIG SET crash-log-enabled yes', 'CONFIG SET crash-memcheck-enabled yes'] },
    source: 'redis/redis@7.0.15 redis.conf L369 ("crash-log-enabled no")',
  },
  {
    id: 'config.extended-redis-compat-on',
    directives: ['extended-redis-compatibility'],
    category: 'configuration',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.0' },
    rationale: 'The server pretends to be Redis for old tooling; the knob is scheduled to lose its effect, so tools relying on it will break.',
    when: whenValue(
      'extended-redis-compatibility',
      (v) => v === 'yes',
      () => ({ title: 'extended-redis-compatibility yes: Valkey reports itself as Redis', detail: 'extended-redis-compatibility is yes.' }),
    ),
    fix: { recommendation: 'Fix tools to accept server_name:valkey, then turn it off.', commands: ['CONFIG SET extended-redis-compatibility no'] },
    source: 'valkey-io/valkey@8.0.1 valkey.conf L429 ("configuration added in Valkey 8.0 and is scheduled to have no effect in Valkey")',
  },
  {
    id: 'config.log-format-parser-mismatch',
    directives: ['log-format', 'log-timestamp-format'],
    category: 'configuration',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.1' },
    rationale: 'Log shippers and alerts written for the legacy format silently stop matching.',
    when(b) {
      const format = conf(b, 'log-format') ?? 'legacy';
      const stamp = conf(b, 'log-timestamp-format') ?? 'legacy';
      if (format === 'legacy' && stamp === 'legacy') return undefined;
      return {
        title: `Non-legacy log format (log-format ${format}, log-timestamp-format ${stamp})`,
        detail: `log-format is ${format} and log-timestamp-format is ${stamp}; check that log parsers expect it.`,
        evidence: [cfgEv('log-format', format), cfgEv('log-timestamp-format', stamp)],
      };
    },
    fix: {
      recommendation: 'Align the parsers, or return to the legacy format.',
      commands: ['CONFIG SET log-format legacy', 'CONFIG SET log-timestamp-format legacy'],
    },
    source: 'valkey-io/valkey valkey.conf 9.x (index snapshot 00c3db1d), section GENERAL: "- logfmt: a structured log format"',
  },
  {
    id: 'config.tcp-keepalive-off',
    directives: ['tcp-keepalive'],
    category: 'connections',
    severity: 'warning',
    rationale: 'Dead peers (crashed hosts, dropped NAT entries) are then never detected: half-open connections pile up and count against maxclients.',
    when: whenValue(
      'tcp-keepalive',
      (v) => Number(v) === 0,
      (_v, b) => ({
        title: 'tcp-keepalive 0: dead client connections are never detected',
        detail: `tcp-keepalive is 0 with ${b.num('connected_clients') ?? '?'} clients connected.`,
      }),
    ),
    fix: { recommendation: 'Probe idle connections every 300 s (the default).', commands: ['CONFIG SET tcp-keepalive 300'] },
    source: 'redis/redis@7.0.15 redis.conf L166 ("1) Detect dead peers.")',
    runbook: 'connection-limits',
  },
  {
    id: 'config.tcp-keepalive-too-long',
    directives: ['tcp-keepalive'],
    category: 'connections',
    severity: 'info',
    rationale: 'Middleboxes that drop idle connections after about 350 s (common NAT and load-balancer defaults) may cut connections before the first probe.',
    when: whenValue(
      'tcp-keepalive',
      (v) => Number(v) > 600,
      (v) => ({ title: `tcp-keepalive ${v}s: longer than common NAT idle timeouts`, detail: `tcp-keepalive is ${v} s.` }),
    ),
    fix: { recommendation: 'Probe more often than the network drops idle connections.', commands: ['CONFIG SET tcp-keepalive 300'] },
    source: 'redis/redis@7.0.15 redis.conf L167 ("2) Force network equipment in the middle to consider the connection to be")',
    runbook: 'connection-limits',
  },
  {
    id: 'config.tcp-keepalive-probes',
    directives: ['tcp-keepalive-probes'],
    category: 'connections',
    severity: 'info',
    rationale: 'Detecting a dead peer takes tcp-keepalive × probes seconds.',
    when: whenValue(
      'tcp-keepalive-probes',
      (v, b) => Number(v) > 10 && (confNum(b, 'tcp-keepalive') ?? 0) >= 300,
      (v, b) => ({
        title: `tcp-keepalive-probes ${v}: dead peers found after ${Number(v) * (confNum(b, 'tcp-keepalive') ?? 0)} s`,
        detail: `tcp-keepalive-probes is ${v}.`,
      }),
    ),
    fix: { recommendation: 'Use a few probes.', commands: ['CONFIG SET tcp-keepalive-probes 3'] },
    source:
      'valkey-io/valkey valkey.conf 9.x (index snapshot 00c3db1d), section NETWORK: "The number of TCP keepalive probes to send before considering the connection dead."',
  },
  {
    id: 'config.timeout-too-short',
    directives: ['timeout'],
    category: 'connections',
    severity: 'info',
    rationale: 'Pooled connections are closed between bursts and reopened, adding connect latency and churn.',
    when: whenValue(
      'timeout',
      (v) => Number(v) > 0 && Number(v) < 30,
      (v, b) => ({
        title: `timeout ${v}s closes pooled connections between bursts`,
        detail: `Idle connections are closed after ${v} s; ${b.rate('total_connections_received') ?? '?'} new connections/s in the sample.`,
        evidence: [rateEv('total_connections_received per second', b.rate('total_connections_received') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Close idle connections after minutes, not seconds (or rely on tcp-keepalive).', commands: ['CONFIG SET timeout 300'] },
    source: 'redis/redis@7.0.15 redis.conf L159 ("timeout 0")',
    runbook: 'connection-limits',
  },
  {
    id: 'config.max-new-connections-per-cycle-high',
    directives: ['max-new-connections-per-cycle', 'max-new-tls-connections-per-cycle'],
    category: 'connections',
    severity: 'info',
    rationale: 'Accepting many connections per event-loop cycle (TLS handshakes especially) delays commands of established clients.',
    when(b) {
      const plain = confNum(b, 'max-new-connections-per-cycle') ?? 10;
      const tls = confNum(b, 'max-new-tls-connections-per-cycle') ?? 1;
      if (plain <= 100 && tls <= 10) return undefined;
      return {
        title: `Up to ${plain} new connections (${tls} TLS) accepted per event-loop cycle`,
        detail: `max-new-connections-per-cycle is ${plain} and max-new-tls-connections-per-cycle ${tls}.`,
        evidence: [cfgEv('max-new-connections-per-cycle', plain), cfgEv('max-new-tls-connections-per-cycle', tls)],
      };
    },
    fix: { recommendation: 'Use the defaults.', commands: ['CONFIG SET max-new-connections-per-cycle 10', 'CONFIG SET max-new-tls-connections-per-cycle 1'] },
    source: 'valkey-io/valkey@8.0.1 valkey.conf L2279 ("at the risk of causing timeouts for regular commands on established connections.")',
  },
  {
    id: 'config.slowlog-too-short',
    directives: ['slowlog-max-len'],
    category: 'configuration',
    severity: 'info',
    rationale: 'Entries rotate out before anyone reads them.',
    when: whenValue(
      ['slowlog-max-len', 'commandlog-slow-execution-max-len'],
      (v) => Number(v) > 0 && Number(v) < 32,
      (v) => ({ title: `slowlog-max-len ${v}: the slow log keeps only ${v} entries`, detail: `slowlog-max-len is ${v}.` }),
    ),
    fix: { recommendation: 'Keep 128 or more entries.', commands: ['CONFIG SET slowlog-max-len 128'] },
    source: 'redis/redis@7.0.15 redis.conf L1817 ("There is no limit to this length. Just be aware that it will consume memory.")',
    runbook: 'latency-slowlog',
  },
  {
    id: 'config.commandlog-large-disabled',
    directives: ['commandlog-request-larger-than', 'commandlog-reply-larger-than', 'commandlog-large-request-max-len', 'commandlog-large-reply-max-len'],
    category: 'configuration',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.1' },
    rationale: 'Commands with huge requests or replies (bandwidth and buffer bloat) are then not recorded.',
    when(b) {
      const off = ['commandlog-request-larger-than', 'commandlog-reply-larger-than'].filter((d) => (confNum(b, d) ?? 0) < 0);
      const empty = ['commandlog-large-request-max-len', 'commandlog-large-reply-max-len'].filter((d) => confNum(b, d) === 0);
      if (off.length + empty.length === 0) return undefined;
      const all = [...off, ...empty];
      return {
        title: `Large-command log disabled (${all.map((d) => `${d} ${conf(b, d)}`).join(', ')})`,
        detail: `${all.join(', ')} disable the large request/reply log.`,
        evidence: all.map((d) => cfgEv(d, conf(b, d) ?? '')),
      };
    },
    fix: {
      recommendation: 'Record requests and replies over 1 MB.',
      commands: ['CONFIG SET commandlog-reply-larger-than 1048576', 'CONFIG SET commandlog-large-reply-max-len 128'],
    },
    source: 'valkey-io/valkey valkey.conf 9.x (index snapshot 00c3db1d), section COMMAND LOG: "A negative value disables"',
  },
  {
    id: 'config.latency-tracking-off',
    directives: ['latency-tracking', 'latency-tracking-info-percentiles'],
    category: 'configuration',
    severity: 'info',
    rationale: 'INFO latencystats and LATENCY HISTOGRAM then carry no per-command percentiles.',
    when(b) {
      const tracking = conf(b, 'latency-tracking');
      const percentiles = conf(b, 'latency-tracking-info-percentiles');
      if (tracking !== 'no' && percentiles !== '') return undefined;
      return {
        title: 'Per-command latency percentiles off',
        detail: `latency-tracking is ${tracking}, latency-tracking-info-percentiles "${percentiles}".`,
        evidence: [cfgEv('latency-tracking', tracking ?? ''), cfgEv('latency-tracking-info-percentiles', percentiles ?? '')],
      };
    },
    fix: {
      recommendation: 'Track p50/p99/p99.9 per command.',
      commands: ['CONFIG SET latency-tracking yes', 'CONFIG SET latency-tracking-info-percentiles "50 99 99.9"'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1848 ("By default, the extended latency monitoring is enabled since the overhead")',
  },
  {
    id: 'config.notify-missing-ke',
    directives: ['notify-keyspace-events'],
    category: 'keyspace',
    severity: 'warning',
    rationale:
      'Without K (keyspace) or E (keyevent) no notification is delivered at all, so consumers waiting for expirations or changes silently get nothing.',
    when: whenValue(
      'notify-keyspace-events',
      (v) => v !== '' && !/[KE]/.test(v),
      (v) => ({ title: `notify-keyspace-events "${v}" delivers no events (neither K nor E)`, detail: `notify-keyspace-events is "${v}".` }),
    ),
    fix: {
      recommendation: 'Add E (keyevent channels) or K (keyspace channels) to the classes, e.g. Ex for expirations.',
      commands: ['CONFIG SET notify-keyspace-events Ex'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1905 ("specify at least one of K or E, no events will be delivered.")',
  },
  {
    id: 'config.io-threads-too-many-redis',
    directives: ['io-threads'],
    category: 'performance',
    severity: 'info',
    appliesTo: { valkey: false },
    rationale: 'Redis documents that more than 8 I/O threads is unlikely to help.',
    when: whenValue(
      'io-threads',
      (v) => Number(v) > 8,
      (v) => ({ title: `io-threads ${v}: more than 8 rarely helps`, detail: `io-threads is ${v}.` }),
    ),
    fix: { recommendation: 'Use 4 to 8 threads on a machine with spare cores (needs a restart).', commands: ['# in {conf}, then restart: io-threads 4'] },
    source: 'redis/redis@7.0.15 redis.conf L1284 ("Using more than 8 threads is unlikely to help much.")',
  },
  {
    id: 'config.io-threads-reads-off',
    directives: ['io-threads-do-reads'],
    category: 'performance',
    severity: 'info',
    appliesTo: { valkey: false },
    rationale: 'Only replies are written by the I/O threads; reading and parsing stay on the main thread.',
    when: whenValue(
      'io-threads-do-reads',
      (v, b) => v === 'no' && ioThreads(b) > 1,
      (_v, b) => ({
        title: `io-threads ${ioThreads(b)} with io-threads-do-reads no`,
        detail: `io-threads is ${ioThreads(b)} but reads stay on the main thread.`,
      }),
    ),
    fix: {
      recommendation: 'Thread reads too if the main thread is the bottleneck (needs a restart).',
      commands: ['# in {conf}, then restart: io-threads-do-reads yes'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1304 ("Usually threading reads doesn\'t help much.")',
  },
  {
    id: 'config.io-threads-with-tls-redis70',
    directives: ['io-threads', 'tls-port'],
    category: 'performance',
    severity: 'info',
    appliesTo: { valkey: false },
    rationale: 'The Redis 7 configuration notes threaded I/O does not work with TLS, so TLS connections do not benefit.',
    when(b) {
      if (ioThreads(b) <= 1 || (confNum(b, 'tls-port') ?? 0) === 0) return undefined;
      return {
        title: `io-threads ${ioThreads(b)} on a TLS server`,
        detail: `io-threads is ${ioThreads(b)} and tls-port ${conf(b, 'tls-port')}.`,
        evidence: [cfgEv('io-threads', ioThreads(b)), cfgEv('tls-port', conf(b, 'tls-port') ?? '')],
      };
    },
    fix: { recommendation: 'Accept it, or move to Valkey 8+ (threaded TLS).', commands: ['CONFIG GET io-threads'] },
    source: 'redis/redis@7.0.15 redis.conf L1307 ("CONFIG SET. Also, this feature currently does not work when SSL is")',
  },
  {
    id: 'config.events-per-io-thread-zero',
    directives: ['events-per-io-thread'],
    category: 'performance',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.0' },
    rationale: 'Every event is then offloaded to I/O threads regardless of load, a mode meant for testing.',
    when: whenValue(
      'events-per-io-thread',
      (v, b) => Number(v) === 0 && ioThreads(b) > 1,
      () => ({ title: 'events-per-io-thread 0: all events offloaded to I/O threads', detail: 'events-per-io-thread is 0.' }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET events-per-io-thread 2'] },
    source: 'valkey-io/valkey@8.0.1 src/io_threads.c adjustIOThreadsByEventLoad() ("This is used mainly for testing purposes.")',
  },
  {
    id: 'config.prefetch-disabled',
    directives: ['prefetch-batch-max-size'],
    category: 'performance',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.0' },
    rationale: 'Batch key prefetching, which hides memory latency for pipelined commands, is off.',
    when: whenValue(
      'prefetch-batch-max-size',
      (v, b) => Number(v) === 0 && ioThreads(b) > 1,
      () => ({ title: 'prefetch-batch-max-size 0 with I/O threads', detail: 'Key prefetching is disabled.' }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET prefetch-batch-max-size 16'] },
    source: 'valkey-io/valkey@8.0.1 valkey.conf L1353 ("When the config is set to 0, prefetching is disabled.")',
  },
  {
    id: 'config.jemalloc-bg-thread-off',
    directives: ['jemalloc-bg-thread'],
    category: 'performance',
    severity: 'info',
    rationale: 'With jemalloc, freed pages are then purged on the main thread instead of a background thread.',
    when: whenValue(
      'jemalloc-bg-thread',
      (v) => v === 'no',
      () => ({
        title: 'jemalloc-bg-thread no: page purging runs on the main thread',
        detail: 'jemalloc-bg-thread is no (it only matters on jemalloc builds).',
      }),
    ),
    fix: { recommendation: 'Purge in the background.', commands: ['CONFIG SET jemalloc-bg-thread yes'] },
    source: 'redis/redis@7.0.15 redis.conf L2243 ("Jemalloc background thread for purging will be enabled by default")',
  },
  {
    id: 'config.cpulist-overlap',
    directives: ['server-cpulist', 'server_cpulist', 'bgsave-cpulist', 'bgsave_cpulist', 'aof-rewrite-cpulist', 'aof_rewrite_cpulist'],
    category: 'performance',
    severity: 'info',
    rationale: 'Fork children then compete with the main thread for the same cores during snapshots and rewrites.',
    when(b) {
      const server = cpus(conf(b, 'server-cpulist', 'server_cpulist') ?? '');
      if (server.size === 0) return undefined;
      const overlapping = [
        ['bgsave-cpulist', conf(b, 'bgsave-cpulist', 'bgsave_cpulist') ?? ''],
        ['aof-rewrite-cpulist', conf(b, 'aof-rewrite-cpulist', 'aof_rewrite_cpulist') ?? ''],
      ].filter(([, list]) => [...cpus(list)].some((c) => server.has(c)));
      if (overlapping.length === 0) return undefined;
      return {
        title: `Fork children pinned to the server's cores (${overlapping.map(([d, l]) => `${d} ${l}`).join(', ')})`,
        detail: `server-cpulist is ${conf(b, 'server-cpulist', 'server_cpulist')}; ${overlapping.map(([d, l]) => `${d} ${l}`).join(', ')} overlap it.`,
        evidence: [cfgEv('server-cpulist', conf(b, 'server-cpulist', 'server_cpulist') ?? ''), ...overlapping.map(([d, l]) => cfgEv(d, l))],
      };
    },
    fix: {
      recommendation: 'Pin children to other cores (needs a restart).',
      commands: ['# in {conf}, then restart: bgsave-cpulist <cores not in server-cpulist>'],
    },
    source: 'redis/redis@7.0.15 redis.conf L2246 ("It is possible to pin different threads and processes of Redis to specific")',
  },
  {
    id: 'config.thp-not-disabled',
    directives: ['disable-thp'],
    category: 'performance',
    severity: 'info',
    rationale:
      'If the kernel has transparent huge pages set to always, fork copy-on-write then copies 2 MB pages: latency spikes and memory bloat during snapshots.',
    when: whenValue(
      'disable-thp',
      (v) => v === 'no',
      () => ({
        title: 'disable-thp no: the server does not opt out of transparent huge pages',
        detail: 'disable-thp is no; check /sys/kernel/mm/transparent_hugepage/enabled on the host.',
      }),
    ),
    fix: {
      recommendation: 'Opt out of THP (needs a restart), or set THP to madvise on the host.',
      commands: ['cat /sys/kernel/mm/transparent_hugepage/enabled', '# in {conf}, then restart: disable-thp yes'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L1353 ("to avoid latency problems specifically with fork(2) and CoW."); redis/redis@7.0.15 src/latency.c createLatencyReport() advise_disable_thp',
    runbook: 'linux-host-tuning',
  },
];
