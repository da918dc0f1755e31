import { ev, fail, finding, pass, skip } from '../check';
import { audited, type InfoAuditEntry } from './info-rule';

/** INFO server and clients (research/info-audit.md §1, §2). Source short names as in that file. */

const S70 = 'redis/redis 7.0.15 src/server.c genRedisInfoString()';

export const serverRules: InfoAuditEntry[] = [
  {
    section: 'server',
    fields: ['redis_version', 'valkey_version'],
    versions: 'all',
    judge: 'abs',
    bad: 'end-of-life release',
    source: S70,
    judgedBy: 'security.version',
  },
  audited({
    id: 'info.release-stage',
    name: 'server release stage',
    category: 'configuration',
    section: 'server',
    fields: ['valkey_release_stage'],
    versions: 'Valkey 8.1+',
    judge: 'state',
    bad: 'not "ga" (rcN, dev)',
    source: 'valkey-io/valkey-doc 9.0.2 commands/info.md (valkey_release_stage)',
    run(b) {
      const stage = b.str('valkey_release_stage');
      if (stage === undefined) return skip('valkey_release_stage is printed by Valkey 8.1+ only');
      if (stage === 'ga') return pass();
      return fail(
        finding(this, {
          title: `Pre-release server build: ${b.server()?.label ?? 'Valkey'} is "${stage}", not a GA release`,
          severity: 'warning',
          detail: `valkey_release_stage:${stage} means a release candidate or development build: it may carry bugs fixed before GA and is not meant for production data.`,
          evidence: [ev('redis_info', 'valkey_release_stage', stage), ev('redis_info', 'valkey_version', b.str('valkey_version') ?? 'unknown')],
          recommendation: 'Upgrade to the GA release of the same line at the next maintenance window (replica first, then fail over).',
          commands: ['INFO server'],
        }),
      );
    },
  }),
  audited({
    id: 'info.arch-32bit',
    name: 'address space',
    category: 'memory',
    section: 'server',
    fields: ['arch_bits'],
    versions: 'all',
    judge: 'abs',
    bad: '32',
    source: `${S70}; server.c "32 bit instance detected but no memory limit set" (3 GB noeviction limit)`,
    run(b) {
      const bits = b.num('arch_bits');
      if (bits === undefined) return skip('arch_bits not in this capture');
      if (bits !== 32) return pass();
      return fail(
        finding(this, {
          title: 'A 32-bit server build: memory is capped at 4 GB of address space',
          severity: 'warning',
          detail:
            'arch_bits:32 means a 32-bit build. It cannot address more than 4 GB, and without a maxmemory it sets itself a 3 GB limit with noeviction, so writes start failing with OOM at 3 GB whatever RAM the host has.',
          evidence: [ev('redis_info', 'arch_bits', bits), ev('redis_info', 'maxmemory', b.num('maxmemory') ?? 'unknown')],
          recommendation: 'Move to a 64-bit build; until then keep maxmemory well under 3 GB with an eviction policy that fits the data.',
          commands: ['INFO server', 'CONFIG GET maxmemory'],
          runbook: 'capacity-planning',
        }),
      );
    },
  }),
  audited({
    id: 'info.multiplexing-api',
    name: 'event multiplexing API',
    category: 'performance',
    section: 'server',
    fields: ['multiplexing_api'],
    versions: 'all',
    judge: 'state',
    bad: '"select" on Linux (fd limit 1024, O(n) per loop)',
    source: `${S70}; src/ae.c (ae_epoll / ae_select chosen at build time)`,
    run(b) {
      const api = b.str('multiplexing_api');
      if (api === undefined) return skip('multiplexing_api not in this capture');
      if (api !== 'select') return pass();
      return fail(
        finding(this, {
          title: 'The server was built with the select() event loop',
          severity: 'warning',
          detail:
            'multiplexing_api:select scans every socket on each event-loop turn and cannot watch more than 1024 descriptors: latency grows with the number of clients and maxclients is effectively capped near 1000.',
          evidence: [ev('redis_info', 'multiplexing_api', api), ev('redis_info', 'os', b.str('os') ?? 'unknown')],
          recommendation: 'Use a build for the platform that uses epoll (Linux) or kqueue (BSD, macOS).',
          commands: ['INFO server'],
          runbook: 'linux-host-tuning',
        }),
      );
    },
  }),
  audited({
    id: 'info.restarted',
    name: 'server restarts',
    category: 'availability',
    section: 'server',
    fields: ['run_id', 'process_id', 'uptime_in_seconds'],
    versions: 'all',
    judge: 'delta',
    bad: 'run_id changed or uptime went back between the two samples',
    source: `${S70} (run_id is random per start); research/info-audit.md Conventions`,
    run(b) {
      const rates = b.data<{ restarted?: boolean; intervalSeconds: number }>('redis_info_rates');
      if (!rates) return skip('no rate sample (redis_info_rates) to compare two INFO readings');
      if (!rates.restarted) return pass();
      const uptime = b.num('uptime_in_seconds');
      return fail(
        finding(this, {
          title: `The server restarted while it was being sampled (uptime now ${uptime ?? '?'} s)`,
          severity: 'warning',
          detail:
            'Between two INFO readings a few seconds apart the run_id changed or the uptime went back: the process restarted (crash, OOM killer, supervisor restart or failover). Clients lost their connections, and unless persistence is on, the data too; replicas need a full resync.',
          evidence: [ev('redis_info_rates', 'restarted between samples', 'yes'), ev('redis_info', 'uptime_in_seconds', uptime ?? 'unknown')],
          recommendation:
            'Read the server log around the restart and the kernel log for the OOM killer (dmesg), and check the supervisor (systemd, Kubernetes) for restart loops.',
          commands: ['INFO server', 'dmesg -T | grep -i -E "killed process|out of memory"', 'journalctl -u redis-server --since "1 hour ago"'],
          runbook: 'capacity-planning',
        }),
      );
    },
  }),
  {
    section: 'server',
    fields: ['redis_mode', 'server_mode'],
    versions: 'all (server_mode on Valkey 8+)',
    judge: 'state',
    bad: 'a mode other than the deployment expects',
    source: `${S70}; valkey-io/valkey 8.0.1 genValkeyInfoString ("%s_mode:")`,
    notJudged: 'needs the topology the deployment expects; a cluster that is down is judged by cluster.state',
  },
  {
    section: 'server',
    fields: ['redis_git_dirty', 'os', 'process_supervised'],
    versions: 'all',
    judge: 'state',
    bad: 'a custom build in production; old or arm64 kernels with the madvise fork bug; unsupervised process',
    source: `${S70}; src/syscheck.c checkLinuxMadvFreeForkBug`,
    notJudged: 'build and kernel facts need the host (redis-server --check-system) and the deployment policy, not INFO alone',
  },
  {
    section: 'server',
    fields: ['tcp_port'],
    versions: 'all',
    judge: 'abs',
    bad: 'default port on a reachable interface',
    source: S70,
    judgedBy: 'security.authentication',
  },
  {
    section: 'server',
    fields: ['server_time_usec'],
    versions: 'all',
    judge: 'abs',
    bad: 'clock skew over 1 s against the agent',
    source: S70,
    notJudged: "needs the agent's clock at the same instant; captures are replayed later, so skew would be meaningless",
  },
  {
    section: 'server',
    fields: ['configured_hz', 'hz'],
    versions: 'all',
    judge: 'abs',
    bad: 'configured_hz > 100 (CPU burned while idle)',
    source: 'redis.conf 7.0.15 "hz" ("raising the value over 100 is usually not a good idea")',
    judgedBy: 'CONFIG audit (hz)',
  },
  audited({
    id: 'info.no-config-file',
    name: 'config file',
    category: 'configuration',
    section: 'server',
    fields: ['config_file'],
    versions: 'all',
    judge: 'abs',
    bad: 'empty (started without a config file)',
    source: `${S70}; src/config.c rewriteConfig ("The server is running without a config file")`,
    run(b) {
      const file = b.str('config_file');
      if (file === undefined) return skip('config_file not available');
      if (file !== '') return pass();
      return fail(
        finding(this, {
          title: 'Started without a config file: CONFIG REWRITE cannot persist runtime changes',
          severity: 'info',
          detail:
            'config_file is empty, so the server was started with command-line arguments only. CONFIG SET changes take effect but CONFIG REWRITE fails ("The server is running without a config file"), so every runtime fix is lost at the next restart unless it is also made where the server is launched.',
          evidence: [ev('redis_info', 'config_file', '(empty)')],
          recommendation:
            'Start the server from a config file (or make the same change in the launch arguments / orchestrator manifest) so fixes survive restarts.',
          commands: ['INFO server', 'CONFIG REWRITE'],
        }),
      );
    },
  }),
  audited({
    id: 'info.io-threads-idle',
    name: 'I/O threads',
    category: 'performance',
    section: 'server',
    fields: ['io_threads_active', 'io_threaded_reads_processed', 'io_threaded_writes_processed'],
    versions: 'all',
    judge: 'ratio',
    bad: 'io_threads_active 0 while io-threads > 1',
    source: `${S70}; src/networking.c stopThreadedIOIfNeeded (threads stop when pending writes < 2 x threads)`,
    run(b) {
      const active = b.num('io_threads_active');
      const threads = Number(b.config('io-threads') ?? 1);
      if (active === undefined) return skip('io_threads_active not in this capture');
      if (threads <= 1 || active === 1) return pass();
      return fail(
        finding(this, {
          title: `io-threads is ${threads} but the I/O threads are idle`,
          severity: 'info',
          detail:
            'The I/O threads only start when enough clients have pending replies (networking.c stops them below twice the thread count), so at this load the main thread does all socket I/O: the setting costs nothing now but gives no headroom either.',
          evidence: [ev('redis_config_get', 'io-threads', threads), ev('redis_info', 'io_threads_active', active)],
          recommendation: 'Nothing to do at this load; when the main thread saturates on network I/O the threads start by themselves.',
          commands: ['INFO server', 'INFO stats'],
          runbook: 'cpu-saturation',
        }),
      );
    },
  }),
  {
    section: 'server',
    fields: ['listenerN'],
    versions: '7.2+, Valkey 8+',
    judge: 'abs',
    bad: 'bind=* or 0.0.0.0 without authentication',
    source: 'redis/redis 7.2.6 src/server.c getListensInfoString()',
    judgedBy: 'security.authentication',
  },
  audited({
    id: 'info.shutting-down',
    name: 'shutdown in progress',
    category: 'availability',
    section: 'server',
    fields: ['shutdown_in_milliseconds'],
    versions: 'all',
    judge: 'state',
    bad: 'present (shutdown waiting for replicas)',
    source: `${S70} (printed only while SHUTDOWN waits for replicas, shutdown-timeout)`,
    run(b) {
      const ms = b.num('shutdown_in_milliseconds');
      if (ms === undefined) return pass();
      return fail(
        finding(this, {
          title: `The server is shutting down (in ${ms} ms)`,
          severity: 'critical',
          detail:
            'shutdown_in_milliseconds is printed only while a SHUTDOWN (or SIGTERM) waits for replicas to catch up before exiting: the server is about to stop, and writes are paused meanwhile.',
          evidence: [ev('redis_info', 'shutdown_in_milliseconds', ms)],
          recommendation: 'If the shutdown is not intended, cancel it with SHUTDOWN ABORT; otherwise make sure clients fail over to the replica.',
          commands: ['SHUTDOWN ABORT', 'INFO replication'],
        }),
      );
    },
  }),
];

export const clientsRules: InfoAuditEntry[] = [
  {
    section: 'clients',
    fields: ['connected_clients', 'maxclients'],
    versions: 'all',
    judge: 'ratio',
    bad: 'connected/maxclients > 0.8 warning, > 0.9 critical',
    source: `${S70}; redis.conf maxclients`,
    judgedBy: 'connections.saturation',
  },
  audited({
    id: 'info.many-connections',
    name: 'connection count',
    category: 'connections',
    section: 'clients',
    fields: ['connected_clients'],
    versions: 'all',
    judge: 'abs',
    bad: '> 100 connections',
    source:
      'RedisInsight 78b64b8c recommendation.provider.ts determineConnectionClientsRecommendation (BIG_AMOUNT_OF_CONNECTED_CLIENTS_RECOMMENDATION_CLIENTS = 100)',
    run(b) {
      const connected = b.num('connected_clients');
      if (connected === undefined) return skip('connected_clients not available');
      if (connected <= 100) return pass();
      return fail(
        finding(this, {
          title: `${connected} client connections`,
          severity: 'info',
          detail:
            'More than 100 connections usually means clients open a connection per request or per thread instead of sharing a pool; each connection costs memory (buffers) and file descriptors, and a connection storm after a deploy can exhaust maxclients.',
          evidence: [ev('redis_info', 'connected_clients', connected), ev('redis_info', 'maxclients', b.num('maxclients') ?? 'unknown')],
          recommendation: 'Share one bounded connection pool per application process (or multiplex, as most client libraries can).',
          commands: ['CLIENT LIST', 'INFO clients'],
          runbook: 'connection-limits',
        }),
      );
    },
  }),
  {
    section: 'clients',
    fields: ['cluster_connections', 'connected_slaves'],
    versions: 'all',
    judge: 'ratio',
    bad: 'counted with connected_clients toward maxclients',
    source: 'valkey-doc 9.0.2 commands/info.md cluster_connections; redis.conf maxclients',
    judgedBy: 'connections.saturation',
  },
  {
    section: 'clients',
    fields: ['total_watched_keys', 'watching_clients'],
    versions: '7.4+, Valkey 8+',
    judge: 'abs',
    bad: 'very many WATCHed keys (each write checks them)',
    source: 'redis/redis 7.4.1 src/server.c genRedisInfoString()',
    notJudged: 'the sources give no threshold; clients.transaction reports the WATCH count of open transactions',
  },
  {
    section: 'clients',
    fields: ['client_recent_max_input_buffer'],
    versions: 'all',
    judge: 'abs',
    bad: '> 32 MiB',
    source: S70,
    judgedBy: 'clients.query-buffer',
  },
  {
    section: 'clients',
    fields: ['client_recent_max_output_buffer', 'pubsub_clients'],
    versions: 'all (pubsub_clients 7.4+, Valkey 8+)',
    judge: 'abs',
    bad: '> 64 MiB, or above its class soft limit',
    source: S70,
    judgedBy: 'connections.output-buffers',
  },
  {
    section: 'clients',
    fields: ['blocked_clients', 'total_blocking_keys'],
    versions: 'all (total_blocking_keys 7.2+)',
    judge: 'ratio',
    bad: 'rising while ops are flat',
    source: S70,
    judgedBy: 'connections.blocked',
  },
  {
    section: 'clients',
    fields: ['paused_reason', 'paused_actions', 'paused_timeout_milliseconds'],
    versions: 'Valkey 8.1+',
    judge: 'state',
    bad: 'paused_reason not "none"',
    source: 'valkey-io/valkey-doc 9.0.2 commands/info.md (paused_reason, paused_actions)',
    judgedBy: 'clients.paused',
  },
  audited({
    id: 'info.tracking-table',
    name: 'client-side caching table',
    category: 'memory',
    section: 'clients',
    fields: ['tracking_clients', 'tracking_total_keys'],
    versions: 'all',
    judge: 'ratio',
    bad: 'tracking_total_keys >= 90% of tracking-table-max-keys',
    source: `${S70}; redis.conf 7.0.15 tracking-table-max-keys (default 1000000, keys beyond it are invalidated)`,
    run(b) {
      const keys = b.num('tracking_total_keys');
      if (keys === undefined) return skip('tracking_total_keys not available');
      const max = Number(b.config('tracking-table-max-keys') ?? 1_000_000);
      if (max === 0 || keys < 0.9 * max) return pass();
      return fail(
        finding(this, {
          title: `Client-side caching table is full: ${keys} tracked keys of ${max}`,
          severity: 'warning',
          detail: `${b.num('tracking_clients') ?? 'Some'} clients use CLIENT TRACKING. When the tracking table reaches tracking-table-max-keys, the server evicts entries and sends invalidations for keys that did not change, so clients drop their local caches and read from the server again: hit ratios fall and traffic rises.`,
          evidence: [
            ev('redis_info', 'tracking_total_keys', keys),
            ev('redis_config_get', 'tracking-table-max-keys', max),
            ev('redis_info', 'tracking_clients', b.num('tracking_clients') ?? 0),
          ],
          recommendation: 'Raise tracking-table-max-keys (memory allowing) or use BCAST mode with prefixes so the server tracks prefixes, not keys.',
          commands: [`CONFIG SET tracking-table-max-keys ${max * 2}`, 'CLIENT LIST'],
          runbook: 'hot-keys',
        }),
      );
    },
  }),
];
