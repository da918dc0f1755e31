import { bytes } from '../baseline';
import { ev, fail, finding, pass, skip } from '../check';
import { counterRate, perSecond, rateSource, rateText } from '../counter-rate';
import { audited, type InfoAuditEntry } from './info-rule';

/** INFO stats (research/info-audit.md §5). Counters are judged by their rate over the sample window. */

const MiB = 1048576;
const S70 = 'redis/redis 7.0.15 src/server.c genRedisInfoString()';
const S72 = 'redis/redis 7.2.6 src/server.c genRedisInfoString()';

export const statsRules: InfoAuditEntry[] = [
  {
    section: 'stats',
    fields: ['total_connections_received'],
    versions: 'all',
    judge: 'rate',
    bad: '> 50 new connections/s (connect per request)',
    source: S70,
    judgedBy: 'connections.churn',
  },
  {
    section: 'stats',
    fields: ['rejected_connections'],
    versions: 'all',
    judge: 'rate',
    bad: '> 0/s (maxclients reached)',
    source: S70,
    judgedBy: 'connections.rejected',
  },
  {
    section: 'stats',
    fields: ['sync_full', 'sync_partial_ok', 'sync_partial_err'],
    versions: 'all',
    judge: 'rate',
    bad: 'full syncs > 0/s once replicas are up; partial sync errors > 0/s',
    source: S70,
    judgedBy: 'replication.full-resyncs',
  },
  {
    section: 'stats',
    fields: ['expired_stale_perc', 'expired_time_cap_reached_count', 'expire_cycle_cpu_milliseconds', 'expired_keys'],
    versions: 'all',
    judge: 'rate',
    bad: 'stale > 10% (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE); time cap reached > 0/s; expiry CPU > 25%',
    source: `${S70}; src/expire.c (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE 10, ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC 25)`,
    judgedBy: 'keyspace.expiry-pressure',
  },
  {
    section: 'stats',
    fields: ['evicted_keys'],
    versions: 'all',
    judge: 'rate',
    bad: '> 0/s',
    source: S70,
    judgedBy: 'memory.evictions',
  },
  {
    section: 'stats',
    fields: ['evicted_scripts'],
    versions: '7.4+, Valkey 8+',
    judge: 'rate',
    bad: '> 0/s (dynamic scripts churning the cache)',
    source: 'redis/redis 7.4.1 src/server.c; valkey-doc 9.0.2 commands/info.md',
    judgedBy: 'memory.script-cache',
  },
  {
    section: 'stats',
    fields: ['keyspace_hits', 'keyspace_misses'],
    versions: 'all',
    judge: 'rate',
    bad: 'hits/(hits+misses) < 0.8 in the window',
    source: S70,
    judgedBy: 'memory.hit-ratio',
  },
  {
    section: 'stats',
    fields: ['latest_fork_usec'],
    versions: 'all',
    judge: 'abs',
    bad: '> 500 ms; fork rate < 10 GB/s terrible, < 25 poor (LATENCY DOCTOR)',
    source: `${S70}; src/latency.c createLatencyReport (fork rate grades)`,
    judgedBy: 'performance.fork-cost',
  },
  {
    section: 'stats',
    fields: ['total_forks'],
    versions: 'all',
    judge: 'rate',
    bad: '> 1 per minute',
    source: S70,
    judgedBy: 'persistence.fork-storm',
  },
  {
    section: 'stats',
    fields: ['client_output_buffer_limit_disconnections'],
    versions: '7.4+, Valkey 8+',
    judge: 'rate',
    bad: '> 0',
    source: 'redis/redis 7.4.1 src/server.c',
    judgedBy: 'connections.buffer-limit-disconnects',
  },
  {
    section: 'stats',
    fields: ['tracking_total_keys', 'tracking_total_items'],
    versions: 'all',
    judge: 'ratio',
    bad: '>= 90% of tracking-table-max-keys',
    source: S70,
    judgedBy: 'info.tracking-table',
  },
  {
    section: 'stats',
    fields: ['total_error_replies'],
    versions: 'all',
    judge: 'rate',
    bad: 'errors / commands > 1% in the window',
    source: S70,
    judgedBy: 'performance.error-replies',
  },
  {
    section: 'stats',
    fields: ['instantaneous_ops_per_sec'],
    versions: 'all',
    judge: 'abs',
    bad: '0 with clients connected (paused or blocked server)',
    source: S70,
    judgedBy: 'clients.paused',
  },
  {
    section: 'stats',
    fields: ['eventloop_duration_sum', 'eventloop_duration_cmd_sum', 'eventloop_cycles', 'instantaneous_eventloop_duration_usec'],
    versions: '7.2+, Valkey 8+',
    judge: 'rate',
    bad: 'busy > 80% of wall time',
    source: S72,
    judgedBy: 'performance.main-thread',
  },
  audited({
    id: 'performance.network-output',
    name: 'reply bandwidth',
    category: 'performance',
    section: 'stats',
    fields: ['total_net_output_bytes', 'total_net_input_bytes', 'total_net_repl_output_bytes', 'instantaneous_output_kbps'],
    versions: 'all (replication bytes counted apart since 7.0)',
    judge: 'rate',
    bad: 'clients receive > 10 MB/s at over 100 bytes out per byte in (big replies)',
    source: `${S70}; research/info-audit.md §5 total_net_output_bytes (out/in ratio >> 100)`,
    run(b) {
      const out = b.rate('total_net_output_bytes');
      const into = b.rate('total_net_input_bytes');
      if (out === undefined || into === undefined) return skip('reply bandwidth needs the rate sample (redis_info_rates)');
      // Since 7.0 total_net_output_bytes includes what is sent to replicas: that is not replies.
      const replies = out - (b.rate('total_net_repl_output_bytes') ?? 0);
      if (replies < 10 * MiB || replies < 100 * Math.max(1, into)) return pass();
      const top = (b.rates()?.commands ?? [])
        .filter((c) => !/^(info|client\|.*|config\|.*|slowlog\|.*|latency\|.*|memory\|.*|scan)$/.test(c.command))
        .slice(0, 3);
      return fail(
        finding(this, {
          title: `Clients pull ${bytes(replies)}/s of replies for ${bytes(into)}/s of requests${top.length ? ` (${top.map((c) => c.command.toUpperCase()).join(', ')})` : ''}`,
          severity: replies >= 100 * MiB ? 'warning' : 'info',
          detail: `Replies are ${Math.round(replies / Math.max(1, into))} times bigger than the requests: commands return whole big keys (HGETALL, SMEMBERS, LRANGE 0 -1, KEYS, MGET of big values). Building and sending them costs main-thread time and network bandwidth, and slow readers turn them into output-buffer memory.${top.length ? ` Busiest commands: ${top.map((c) => `${c.command.toUpperCase()} ${perSecond(c.callsPerSec)}/s at ${Math.round(c.usecPerCall)} µs`).join(', ')}.` : ''}`,
          evidence: [
            ev('redis_info_rates', 'reply bytes per second', Math.round(replies)),
            ev('redis_info_rates', 'request bytes per second', Math.round(into)),
            ...top.map((c) => ev('redis_info_rates', `${c.command} calls per second`, c.callsPerSec)),
          ],
          recommendation:
            'Fetch only what is needed (HMGET/HSCAN/SSCAN, bounded LRANGE), split big values, and cache big, rarely changing values in the application.',
          commands: ['INFO commandstats', 'redis-cli --bigkeys', 'CLIENT LIST'],
          runbook: 'big-keys',
        }),
      );
    },
  }),
  audited({
    id: 'memory.evicted-clients',
    name: 'client eviction',
    category: 'memory',
    section: 'stats',
    fields: ['evicted_clients'],
    versions: '7.0+',
    judge: 'rate',
    bad: '> 0/s (maxmemory-clients reached)',
    source: `${S70}; redis.conf 7.0.15 maxmemory-clients`,
    run(b) {
      const rate = counterRate(b, 'evicted_clients');
      if (!rate) return skip('evicted_clients needs Redis 7.0+');
      if (rate.total === 0) return pass();
      const now = rate.basis === 'now' && rate.perSecond > 0;
      return fail(
        finding(this, {
          title: `${rate.total} clients disconnected by client eviction (maxmemory-clients ${b.config('maxmemory-clients') ?? '?'})${now ? `, ${perSecond(rate.perSecond)}/s now` : ''}`,
          severity: now ? 'warning' : 'info',
          detail: `When all clients together use more than maxmemory-clients, the server closes the ones using the most memory (${rateText(rate)}). Applications see dropped connections; the usual cause is a few clients with huge buffers.`,
          evidence: [
            ev('redis_info', 'evicted_clients', rate.total),
            ev(rateSource(rate), 'evicted_clients per second', perSecond(rate.perSecond)),
            ev('redis_config_get', 'maxmemory-clients', b.config('maxmemory-clients') ?? 'unknown'),
          ],
          recommendation:
            'Find the clients with the biggest tot-mem in CLIENT LIST and fix them (slow readers, huge pipelines); raise maxmemory-clients only if the memory is legitimate.',
          commands: ['CLIENT LIST', 'CONFIG GET maxmemory-clients'],
          runbook: 'pubsub-output-buffers',
        }),
      );
    },
  }),
  audited({
    id: 'memory.eviction-lagging',
    name: 'eviction keeping up',
    category: 'memory',
    section: 'stats',
    fields: ['current_eviction_exceeded_time', 'total_eviction_exceeded_time'],
    versions: '7.0+',
    judge: 'rate',
    bad: 'over maxmemory for > 1000 ms now, or > 10% of the window',
    source: `${S70}; src/evict.c performEvictions (maxmemory-eviction-tenacity)`,
    run(b) {
      const current = b.num('current_eviction_exceeded_time');
      const total = counterRate(b, 'total_eviction_exceeded_time');
      if (current === undefined || !total) return skip('eviction time counters need Redis 7.0+');
      const share = total.basis === 'now' ? total.perSecond / 1000 : 0;
      if (current <= 1000 && share <= 0.1) return pass();
      return fail(
        finding(this, {
          title: `Eviction cannot keep up: memory over maxmemory for ${current} ms now${share ? ` (${(share * 100).toFixed(0)}% of the last seconds)` : ''}`,
          severity: 'warning',
          detail: `Writes arrive faster than eviction frees memory: each eviction round is bounded by maxmemory-eviction-tenacity (${b.config('maxmemory-eviction-tenacity') ?? 10}), so used memory stays above maxmemory and writes start failing with OOM if it cannot catch up.`,
          evidence: [
            ev('redis_info', 'current_eviction_exceeded_time (ms)', current),
            ev(rateSource(total), 'total_eviction_exceeded_time ms per second', perSecond(total.perSecond)),
            ev('redis_config_get', 'maxmemory-eviction-tenacity', b.config('maxmemory-eviction-tenacity') ?? 'unknown'),
          ],
          recommendation:
            'Raise maxmemory or slow the writers; a higher maxmemory-eviction-tenacity evicts more per round at the cost of latency. Check for big values being written (each eviction frees little).',
          commands: ['INFO stats', 'CONFIG GET maxmemory*', 'CONFIG SET maxmemory-eviction-tenacity 20'],
          runbook: 'evictions-hit-ratio',
        }),
      );
    },
  }),
  audited({
    id: 'performance.pubsub-patterns',
    name: 'pattern subscriptions',
    category: 'performance',
    section: 'stats',
    fields: ['pubsub_patterns', 'pubsub_channels'],
    versions: 'all',
    judge: 'abs',
    bad: '> 100 patterns (every PUBLISH matches the message against each)',
    source: `${S70}; src/pubsub.c pubsubPublishMessage (walks every pattern for each message)`,
    run(b) {
      const patterns = b.num('pubsub_patterns');
      if (patterns === undefined) return skip('pubsub_patterns not available');
      if (patterns <= 100) return pass();
      const publish = b.rates()?.commands.find((c) => c.command === 'publish');
      return fail(
        finding(this, {
          title: `${patterns} pattern subscriptions: every PUBLISH is matched against all of them${publish ? ` (PUBLISH ${publish.usecPerCall} µs per call, ${perSecond(publish.callsPerSec)} calls/s)` : ''}`,
          severity: 'warning',
          detail: `PUBLISH costs O(subscribers + patterns): the server glob-matches each message's channel against all ${patterns} PSUBSCRIBE patterns on the main thread, so publishing gets slower with every pattern added${publish ? `; PUBLISH takes ${publish.usecPerCall} µs per call and ${((publish.usecPerSec / 1e6) * 100).toFixed(0)}% of the server's time now` : ''}.`,
          evidence: [
            ev('redis_info', 'pubsub_patterns', patterns),
            ev('redis_info', 'pubsub_channels', b.num('pubsub_channels') ?? 0),
            ...(publish
              ? [ev('redis_info_rates', 'publish usec per call', publish.usecPerCall), ev('redis_info_rates', 'publish calls per second', publish.callsPerSec)]
              : []),
          ],
          recommendation:
            'Subscribe to exact channels (SUBSCRIBE) instead of many patterns, or use a few broad patterns and filter in the client; sharded pub/sub (SSUBSCRIBE) spreads the cost in a cluster.',
          commands: ['PUBSUB NUMPAT', 'CLIENT LIST', 'PUBSUB CHANNELS'],
          runbook: 'pubsub-output-buffers',
        }),
      );
    },
  }),
  audited({
    id: 'replication.replica-writes',
    name: 'writes on a replica',
    category: 'replication',
    section: 'stats',
    fields: ['slave_expires_tracked_keys'],
    versions: 'all',
    judge: 'abs',
    bad: '> 0 (keys with a TTL written directly on a writable replica)',
    source: `${S70}; src/expire.c rememberSlaveKeyWithExpire`,
    run(b) {
      const keys = b.num('slave_expires_tracked_keys');
      if (keys === undefined) return skip('slave_expires_tracked_keys not available');
      if (keys === 0) return pass();
      return fail(
        finding(this, {
          title: `${keys} keys were written directly on this replica`,
          severity: 'warning',
          detail:
            'slave_expires_tracked_keys counts keys with a TTL created by clients on a writable replica (replica-read-only no). Such writes are not on the master: the replica diverges, and they vanish at the next full sync.',
          evidence: [
            ev('redis_info', 'slave_expires_tracked_keys', keys),
            ev('redis_config_get', 'replica-read-only', b.config('replica-read-only') ?? 'unknown'),
          ],
          recommendation: 'Send writes to the master and make the replica read-only again.',
          commands: ['CONFIG SET replica-read-only yes', 'CONFIG REWRITE', 'CLIENT LIST'],
          runbook: 'replication-link-down',
        }),
      );
    },
  }),
  audited({
    id: 'replication.unexpected-errors',
    name: 'replication stream errors',
    category: 'replication',
    section: 'stats',
    fields: ['unexpected_error_replies'],
    versions: 'all',
    judge: 'delta',
    bad: '> 0 (commands from the master or the AOF failed here)',
    source: `${S70}; valkey-doc 9.0.2 commands/info.md unexpected_error_replies`,
    run(b) {
      const n = b.num('unexpected_error_replies');
      if (n === undefined) return skip('unexpected_error_replies not available');
      if (n === 0) return pass();
      return fail(
        finding(this, {
          title: `${n} commands from the replication stream or AOF failed on this server`,
          severity: 'critical',
          detail:
            'unexpected_error_replies counts error replies to commands that must not fail: those replayed from the AOF at load or received from the master. The dataset here no longer matches its source (a diverged replica, or an AOF written by an incompatible version).',
          evidence: [ev('redis_info', 'unexpected_error_replies', n), ev('redis_info', 'role', b.str('role') ?? 'unknown')],
          recommendation:
            'Read the log for the failing commands; resynchronise the replica from scratch (REPLICAOF NO ONE then REPLICAOF <master>) and compare keys with the master.',
          commands: ['INFO stats', 'INFO replication', 'DEBUG DIGEST'],
          runbook: 'replication-link-down',
        }),
      );
    },
  }),
  audited({
    id: 'memory.defrag-not-converging',
    name: 'active defrag progress',
    category: 'memory',
    section: 'stats',
    fields: ['current_active_defrag_time', 'total_active_defrag_time', 'active_defrag_running', 'active_defrag_hits', 'active_defrag_misses'],
    versions: '7.0+ (jemalloc)',
    judge: 'abs',
    bad: 'over the fragmentation limit for > 1 hour',
    source: `${S70}; src/defrag.c activeDefragCycle`,
    run(b) {
      const ms = b.num('current_active_defrag_time');
      if (ms === undefined) return skip('current_active_defrag_time needs Redis 7.0+');
      if (ms <= 3_600_000) return pass();
      return fail(
        finding(this, {
          title: `Active defragmentation has not converged in ${(ms / 3_600_000).toFixed(1)} h`,
          severity: 'warning',
          detail: `Fragmentation has been above the defrag threshold for ${(ms / 60000).toFixed(0)} minutes while active defrag runs (using up to ${b.num('active_defrag_running') ?? '?'}% CPU): the workload fragments memory as fast as defrag repairs it, or the fragmentation is of a kind defrag cannot move.`,
          evidence: [
            ev('redis_info', 'current_active_defrag_time (ms)', ms),
            ev('redis_info', 'active_defrag_running', b.num('active_defrag_running') ?? 0),
            ev('redis_info', 'active_defrag_hits', b.num('active_defrag_hits') ?? 0),
          ],
          recommendation:
            'Check MEMORY DOCTOR and the allocator ratios; if defrag costs CPU for nothing, lower active-defrag-cycle-max or restart after failover.',
          commands: ['MEMORY DOCTOR', 'INFO memory', 'CONFIG GET active-defrag-*'],
          runbook: 'memory-fragmentation',
        }),
      );
    },
  }),
  audited({
    id: 'connections.query-buffer-disconnects',
    name: 'query buffer limit disconnects',
    category: 'connections',
    section: 'stats',
    fields: ['client_query_buffer_limit_disconnections'],
    versions: '7.4+, Valkey 8+',
    judge: 'rate',
    bad: '> 0',
    source: 'redis/redis 7.4.1 src/server.c; valkey-doc 9.0.2 commands/info.md',
    run(b) {
      const rate = counterRate(b, 'client_query_buffer_limit_disconnections');
      if (!rate)
        return skip(
          'client_query_buffer_limit_disconnections needs Redis 7.4+ or Valkey 8+; look for "closing client that reached max query buffer length" in the log',
        );
      if (rate.total === 0) return pass();
      return fail(
        finding(this, {
          title: `${rate.total} clients disconnected for exceeding client-query-buffer-limit (${bytes(Number(b.config('client-query-buffer-limit') ?? 1073741824))})`,
          severity: rate.basis === 'now' && rate.perSecond > 0 ? 'critical' : 'warning',
          detail: `A client sent a request bigger than client-query-buffer-limit (or pipelined faster than the server executes), and was closed: its command was lost and the application saw a connection error (${rateText(rate)}).`,
          evidence: [
            ev('redis_info', 'client_query_buffer_limit_disconnections', rate.total),
            ev('redis_config_get', 'client-query-buffer-limit', b.config('client-query-buffer-limit') ?? 'unknown'),
          ],
          recommendation:
            'Find the sender (the server log names the client) and split its huge values or pipelines; raise the limit only for a known, legitimate payload.',
          commands: ['CLIENT LIST', 'CONFIG GET client-query-buffer-limit'],
          runbook: 'connection-limits',
        }),
      );
    },
  }),
  audited({
    id: 'security.auth-failures',
    name: 'authentication failures',
    category: 'security',
    section: 'stats',
    fields: ['acl_access_denied_auth', 'errorstat_WRONGPASS', 'errorstat_NOAUTH'],
    versions: 'all (acl_access_denied_auth 7.2+, Valkey 8+; WRONGPASS/NOAUTH errorstats on 7.0)',
    judge: 'rate',
    bad: '> 0.1 failed authentications/s',
    source: `${S72} acl_access_denied_auth; research/info-audit.md §9 NOAUTH, WRONGPASS`,
    run(b) {
      const acl = counterRate(b, 'acl_access_denied_auth');
      const rates = b.rates();
      const wrongpass = rates ? (rates.errorsPerSecond.WRONGPASS ?? 0) + (rates.errorsPerSecond.NOAUTH ?? 0) : undefined;
      const totalErrors = b.errorCount('WRONGPASS') + b.errorCount('NOAUTH');
      const perSec = acl?.basis === 'now' ? Math.max(acl.perSecond, wrongpass ?? 0) : wrongpass;
      const total = Math.max(acl?.total ?? 0, totalErrors);
      if (total === 0) return pass();
      const now = perSec !== undefined && perSec > 0.1;
      if (!now && total < 100) return pass();
      return fail(
        finding(this, {
          title: now
            ? `Clients fail to authenticate: ${perSecond(perSec!)} failed AUTH per second right now (${total} since start)`
            : `${total} failed authentications since start`,
          severity: now ? 'warning' : 'info',
          detail: `The server answered AUTH (or HELLO AUTH) with WRONGPASS ("invalid username-password pair or user is disabled") or commands with NOAUTH. A steady stream means a client with a stale or wrong password (after a password rotation or a deploy) retrying in a loop, or someone guessing passwords.${b.errorCount('NOAUTH') ? ` ${b.errorCount('NOAUTH')} commands were sent without authenticating at all.` : ''}`,
          evidence: [
            ...(acl ? [ev('redis_info', 'acl_access_denied_auth', acl.total)] : []),
            ev('redis_info', 'errorstat_WRONGPASS', b.errorCount('WRONGPASS')),
            ev('redis_info', 'errorstat_NOAUTH', b.errorCount('NOAUTH')),
            ...(perSec !== undefined ? [ev('redis_info_rates', 'failed authentications per second', perSecond(perSec))] : []),
          ],
          recommendation:
            'ACL LOG names the user and client address of each failure: update the password in that client (or its secret store) and restart it; if the source is unknown, block it at the network and rotate the passwords.',
          commands: ['ACL LOG 10', 'ACL LIST', 'CLIENT LIST', 'ACL LOG RESET  # after fixing'],
          runbook: 'security-acl-hardening',
        }),
      );
    },
  }),
  audited({
    id: 'security.acl-denials',
    name: 'ACL denials',
    category: 'security',
    section: 'stats',
    fields: ['acl_access_denied_cmd', 'acl_access_denied_key', 'acl_access_denied_channel', 'acl_access_denied_tls_cert'],
    versions: '7.2+, Valkey 8+ (tls_cert Valkey 9.0)',
    judge: 'rate',
    bad: '> 0/s',
    source: S72,
    run(b) {
      const kinds = ['cmd', 'key', 'channel', 'tls_cert'].map((k) => ({ k, r: counterRate(b, `acl_access_denied_${k}`) }));
      if (kinds.every((x) => !x.r)) return skip('acl_access_denied_* need Redis 7.2+ or Valkey 8+');
      const now = kinds.filter((x) => x.r?.basis === 'now' && x.r.perSecond > 0);
      if (now.length === 0) return pass();
      return fail(
        finding(this, {
          title: `ACL is refusing commands right now: ${now.map((x) => `${x.k} ${perSecond(x.r!.perSecond)}/s`).join(', ')}`,
          severity: 'info',
          detail:
            'An application user is trying commands, keys or channels its ACL does not allow (NOPERM): a deploy using a new command, or a user with too narrow permissions.',
          evidence: now.map((x) => ev('redis_info_rates', `acl_access_denied_${x.k} per second`, perSecond(x.r!.perSecond))),
          recommendation:
            'ACL LOG shows the user, the command and the key: grant what is legitimately needed (ACL SETUSER … +<command> ~<pattern>) or fix the client.',
          commands: ['ACL LOG 10', 'ACL GETUSER <user>'],
          runbook: 'security-acl-hardening',
        }),
      );
    },
  }),
];
