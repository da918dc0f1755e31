import type { BaselineInput } from '../../activities/rules/baseline';
import type { ClientSummary } from '../../activities/tools/redis/clients';
import type { RatesReport } from '../../activities/tools/redis/rates';
import { config, data, info } from './captures';

/**
 * Test cases of the INFO audit, the client audit and the doctor checks: the scenario capture that
 * shows each problem, or the healthy capture with the one signal a check watches changed.
 */

const MiB = 1048576;
const rates = (b: BaselineInput) => data<RatesReport>(b, 'redis_info_rates');
const clients = (b: BaselineInput) => data<ClientSummary>(b, 'redis_client_list');

/** [check, capture that shows the problem (both servers where the scenario runs on both), what the finding must say] */
export const FROM_CAPTURES: Array<[string, string[], RegExp[]]> = [
  ['clients.monitor', ['monitor-left-attached', 'monitor-left-attached.valkey'], [/MONITOR/, /CLIENT KILL ID \d+/, /id=\d+ 127\.0\.0\.1:\d+/, /ACL SETUSER/]],
  [
    'clients.query-buffer',
    ['huge-request-query-buffer', 'huge-request-query-buffer.valkey'],
    [/query buffer/, /report-uploader/, /110 MB/, /client-query-buffer-limit/],
  ],
  ['clients.transaction', ['transaction-left-open', 'transaction-left-open.valkey'], [/MULTI/, /billing-batch/, /60000/, /EXEC/, /CLIENT KILL ID \d+/]],
  ['clients.paused', ['client-pause-left-active', 'client-pause-left-active.valkey'], [/CLIENT PAUSE/, /CLIENT UNPAUSE/, /cmd=incr/]],
  ['performance.error-replies', ['error-replies-after-deploy', 'error-replies-after-deploy.valkey'], [/WRONGTYPE/, /LPUSH/, /per second/, /TYPE <key>/]],
  ['performance.main-thread', ['hot-command-cpu', 'hot-command-cpu.valkey'], [/Main thread \d+% busy/, /LPOS alone uses \d+%/, /SISMEMBER|LTRIM/]],
  [
    'persistence.fork-storm',
    ['snapshot-fork-storm', 'snapshot-fork-storm.valkey'],
    [/forks \d+ times a minute/, /save "1 1"/, /CONFIG SET save "3600 1 300 100 60 10000"/],
  ],
  [
    'security.auth-failures',
    ['auth-failures-after-rotation', 'auth-failures-after-rotation.valkey'],
    [/failed AUTH per second right now/, /WRONGPASS/, /ACL LOG/],
  ],
  ['performance.pubsub-patterns', ['pubsub-pattern-explosion', 'pubsub-pattern-explosion.valkey'], [/3000 pattern subscriptions/, /PUBLISH/, /SUBSCRIBE/]],
  [
    'replication.full-resyncs',
    ['replica-full-sync-loop', 'replica-full-sync-loop.valkey'],
    [/right now/, /\/min/, /client-output-buffer-limit replica/, /repl-backlog-size/],
  ],
  ['replication.backlog-coverage', ['replica-full-sync-loop'], [/backlog holds only \d+ s of writes/, /CONFIG SET repl-backlog-size \d+mb/]],
  ['memory.allocator-fragmentation', ['fragmentation-after-delete'], [/allocator_frag_ratio 7\.53/, /CONFIG SET activedefrag yes/]],
  ['memory.allocator-rss', ['big-hash-hgetall'], [/resident/, /MEMORY PURGE/]],
  ['persistence.copy-on-write', ['snapshot-fork-storm.valkey'], [/copied .* on write/, /transparent huge pages/]],
  ['performance.latency-events', ['latency-monitor-event', 'latency-monitor-event.valkey'], [/command up to 500 ms/, /slow log/, /UNLINK/, /LATENCY DOCTOR/]],
  ['info.no-config-file', ['healthy', 'healthy.valkey'], [/CONFIG REWRITE/]],
  ['info.many-connections', ['idle-connections-no-timeout'], [/client connections/, /pool/]],
];

/** [check, how the healthy capture ('healthy' or 'healthy.valkey') is changed to show the problem, what the finding must say] */
export const FROM_HEALTHY: Array<[string, string, (b: BaselineInput) => void, RegExp[]]> = [
  ['info.release-stage', 'healthy.valkey', (b) => Object.assign(info(b).server, { valkey_release_stage: 'rc2' }), [/"rc2", not a GA release/]],
  ['info.arch-32bit', 'healthy', (b) => Object.assign(info(b).server, { arch_bits: 32 }), [/32-bit/, /3 GB/]],
  ['info.multiplexing-api', 'healthy', (b) => Object.assign(info(b).server, { multiplexing_api: 'select' }), [/select\(\)/, /1024/]],
  ['info.restarted', 'healthy', (b) => Object.assign(rates(b), { restarted: true }), [/restarted/, /OOM killer/]],
  ['info.io-threads-idle', 'healthy', (b) => (Object.assign(info(b).server, { io_threads_active: 0 }), (config(b)['io-threads'] = '4')), [/io-threads is 4/]],
  ['info.shutting-down', 'healthy', (b) => Object.assign(info(b).server, { shutdown_in_milliseconds: 4000 }), [/shutting down/, /SHUTDOWN ABORT/]],
  ['info.tracking-table', 'healthy', (b) => Object.assign(info(b).stats, { tracking_total_keys: 950_000 }), [/950000 tracked keys/, /tracking-table-max-keys/]],
  [
    'memory.process-rss',
    'healthy',
    (b) => Object.assign(info(b).memory, { used_memory: 50 * MiB, rss_overhead_ratio: 1.5, rss_overhead_bytes: 30 * MiB }),
    [/outside the allocator/, /Lua/, /modules/],
  ],
  ['memory.overhead', 'healthy', (b) => Object.assign(info(b).memory, { used_memory: 2048 * MiB, used_memory_overhead: 1536 * MiB }), [/Overhead is 75%/]],
  ['memory.lua-memory', 'healthy', (b) => Object.assign(info(b).memory, { used_memory_vm_total: 200 * MiB }), [/Lua VM uses 200 MB/, /SCRIPT FLUSH/]],
  [
    'memory.not-counted-for-evict',
    'healthy',
    (b) => Object.assign(info(b).memory, { maxmemory: 100 * MiB, mem_not_counted_for_evict: 20 * MiB }),
    [/not counted against maxmemory/],
  ],
  [
    'memory.replication-buffer',
    'healthy',
    (b) => (Object.assign(info(b).memory, { mem_total_replication_buffers: 64 * MiB }), Object.assign(info(b).replication, { repl_backlog_size: MiB })),
    [/64\.0x the backlog size/, /lagging/],
  ],
  ['persistence.aof-buffer', 'healthy', (b) => Object.assign(info(b).memory, { mem_aof_buffer: 100 * MiB }), [/AOF buffer holds 100 MB/]],
  ['memory.lazyfree-backlog', 'healthy', (b) => Object.assign(info(b).memory, { lazyfree_pending_objects: 200_000 }), [/200000 objects waiting/]],
  [
    'memory.rehashing',
    'healthy.valkey',
    (b) => Object.assign(info(b).memory, { maxmemory: 100 * MiB, used_memory: 90 * MiB, mem_overhead_db_hashtable_rehashing: 8 * MiB }),
    [/rehash holds 8\.0 MB/],
  ],
  ['persistence.async-loading', 'healthy', (b) => Object.assign(info(b).persistence, { async_loading: 1 }), [/async_loading/, /repl-diskless-load/]],
  ['persistence.slow-child', 'healthy', (b) => Object.assign(info(b).persistence, { rdb_last_bgsave_time_sec: 420 }), [/the last BGSAVE 420 s/]],
  [
    'persistence.aof-growth',
    'healthy',
    (b) => Object.assign(info(b).persistence, { aof_enabled: 1, aof_current_size: 400 * MiB, aof_base_size: 100 * MiB }),
    [/AOF grew 300%/, /BGREWRITEAOF/],
  ],
  [
    'persistence.aof-fsync-delays',
    'healthy',
    (b) => Object.assign(info(b).persistence, { aof_enabled: 1, aof_delayed_fsync: 5 }),
    [/stalled AOF writes 5 times/],
  ],
  ['memory.evicted-clients', 'healthy', (b) => Object.assign(info(b).stats, { evicted_clients: 12 }), [/12 clients disconnected by client eviction/]],
  ['memory.eviction-lagging', 'healthy', (b) => Object.assign(info(b).stats, { current_eviction_exceeded_time: 5000 }), [/over maxmemory for 5000 ms/]],
  [
    'replication.replica-writes',
    'healthy',
    (b) => Object.assign(info(b).stats, { slave_expires_tracked_keys: 10 }),
    [/written directly on this replica/, /replica-read-only yes/],
  ],
  [
    'replication.unexpected-errors',
    'healthy',
    (b) => Object.assign(info(b).stats, { unexpected_error_replies: 3 }),
    [/3 commands from the replication stream/],
  ],
  ['memory.defrag-not-converging', 'healthy', (b) => Object.assign(info(b).stats, { current_active_defrag_time: 7_200_000 }), [/not converged in 2\.0 h/]],
  [
    'connections.query-buffer-disconnects',
    'healthy.valkey',
    (b) => Object.assign(info(b).stats, { client_query_buffer_limit_disconnections: 2 }),
    [/2 clients disconnected for exceeding client-query-buffer-limit/],
  ],
  [
    'security.acl-denials',
    'healthy.valkey',
    (b) => Object.assign(rates(b).perSecond, { acl_access_denied_cmd: 2 }),
    [/ACL is refusing commands right now: cmd 2\.0\/s/],
  ],
  ['replication.failover-state', 'healthy', (b) => Object.assign(info(b).replication, { master_failover_state: 'waiting-for-sync' }), [/FAILOVER ABORT/]],
  [
    'replication.master-silent',
    'healthy',
    (b) => Object.assign(info(b).replication, { role: 'slave', master_link_status: 'up', master_last_io_seconds_ago: 90, master_sync_in_progress: 0 }),
    [/No data from the master for 90 s/],
  ],
  [
    'replication.apply-lag',
    'healthy',
    (b) => Object.assign(info(b).replication, { role: 'slave', slave_read_repl_offset: 9 * MiB, slave_repl_offset: 4 * MiB }),
    [/5\.0 MB from the master that it has not applied/],
  ],
  [
    'performance.network-output',
    'healthy',
    (b) => Object.assign(rates(b).perSecond, { total_net_output_bytes: 40 * MiB, total_net_input_bytes: 100_000 }),
    [/Clients pull 40\.0 MB\/s of replies/, /HSCAN/],
  ],
  [
    'replication.promoted',
    'healthy',
    (b) => Object.assign(info(b).replication, { master_replid2: 'a'.repeat(40), second_repl_offset: 1234 }),
    [/promoted from a replica \(failover\) at offset 1234/],
  ],
  ['replication.waiting-psync', 'healthy.valkey', (b) => Object.assign(info(b).replication, { replicas_waiting_psync: 1 }), [/dual-channel/]],
  [
    'performance.command-tail',
    'healthy',
    (b) => Object.assign(info(b).latencystats, { get: { p50: 2, p99: 5000, 'p99.9': 6000 } }),
    [/GET \(p99 5000 µs/, /intrinsic-latency/],
  ],
  [
    'info.modules',
    'healthy.valkey',
    (b) => Object.assign(info(b).modules, { module: 'name=rewriter,ver=1,api=1,filters=1,usedby=[],using=[],options=[]' }),
    [/rewriter/, /every command/],
  ],
  [
    'clients.flags',
    'healthy',
    (b) =>
      Object.assign(clients(b), {
        flagCounts: { t: 1, R: 1, d: 2 },
        flagged: [{ id: '9', addr: '10.0.0.5:5000', age: 9, idle: 1, flags: 'tR', cmd: 'get', db: 0 }],
      }),
    [/invalidation connection is gone \(flag R\)/, /CLIENT KILL ID 9/],
  ],
  ['clients.databases', 'healthy', (b) => Object.assign(clients(b), { byDb: [{ value: 'db3', count: 4 }] }), [/databases other than 0: db3 \(4\)/]],
  [
    'clients.libraries',
    'healthy',
    (b) =>
      Object.assign(clients(b), {
        byLibrary: [
          { value: 'redis-py 5.0.1', count: 3 },
          { value: 'redis-py 4.3.4', count: 2 },
        ],
        byProtocol: [{ value: 'RESP2', count: 5 }],
      }),
    [/redis-py versions 5\.0\.1, 4\.3\.4/],
  ],
];
