import type { ClientSummary } from '../../../tools/redis/clients';
import { bytes, percent, type Baseline } from '../../baseline';
import { ev } from '../../check';
import { whenValue, type ConfigRule } from '../config-rule';
import { cfgEv, conf, confNum, infoEv, limitText, outputBufferLimits, persistenceOn, rateEv, role } from '../config-values';

/**
 * Memory: limits, eviction and buffer settings. Not here because existing checks cover them:
 * no maxmemory (memory.host-memory, info), a volatile-* policy with no TTLs (memory.policy-fit),
 * fragmentation with activedefrag off (memory.fragmentation, which recommends it). Not judgeable:
 * activedefrag on a non-jemalloc build (CONFIG SET refuses it, so the value never shows), the
 * replica-side headroom for dual-channel sync (needs the full-sync duration).
 */

const maxmemory = (b: Baseline) => confNum(b, 'maxmemory') ?? b.num('maxmemory') ?? 0;

/** Share of keys that have a TTL, from INFO keyspace. */
function ttlShare(b: Baseline): { keys: number; expires: number } | undefined {
  const keyspace = b.data<{ totalKeys: number; databases: Array<{ keys: number; expires: number }> }>('redis_keyspace');
  if (!keyspace) return undefined;
  return { keys: keyspace.databases.reduce((n, d) => n + d.keys, 0), expires: keyspace.databases.reduce((n, d) => n + d.expires, 0) };
}

export const memoryRules: ConfigRule[] = [
  {
    id: 'config.maxmemory-exceeds-ram',
    directives: ['maxmemory'],
    category: 'memory',
    severity: 'critical',
    rationale: 'The limit can never protect the host: the process is OOM-killed or swaps before it is reached, and forks and buffers need room beyond it.',
    when(b) {
      const max = maxmemory(b);
      const total = b.num('total_system_memory');
      if (!max || !total || max <= total * 0.9) return undefined;
      return {
        title: `maxmemory ${bytes(max)} is ${percent(max / total)} of the host's ${bytes(total)} RAM`,
        detail: `maxmemory is ${bytes(max)} on a host with ${bytes(total)} of memory (a container limit may be lower still).`,
        evidence: [cfgEv('maxmemory', max), infoEv('total_system_memory', total)],
        commands: [`CONFIG SET maxmemory ${Math.floor((total * 0.7) / 1048576)}mb`],
      };
    },
    fix: {
      recommendation: 'Set maxmemory to about 60-75% of RAM (or of the container limit) when the server forks for persistence or replication.',
      commands: ['CONFIG SET maxmemory <70% of RAM>'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L1115 ("In short... if you have replicas attached it is suggested that you set a lower"); research/config-audit.md (> 0.9 x RAM)',
    runbook: 'capacity-planning',
  },
  {
    id: 'config.maxmemory-no-fork-headroom',
    directives: ['maxmemory', 'save', 'appendonly'],
    category: 'memory',
    severity: 'warning',
    rationale:
      'During BGSAVE, AOF rewrite or a full sync every page that clients write is copied, so a write-heavy server can nearly double its RSS; without room for that the kernel kills it.',
    when(b) {
      const total = b.num('total_system_memory');
      if (!total || (!persistenceOn(b) && (b.num('connected_slaves') ?? 0) === 0)) return undefined;
      const base = Math.max(maxmemory(b), b.num('used_memory') ?? 0);
      const cow = Math.max(b.num('rdb_last_cow_size') ?? 0, b.num('aof_last_cow_size') ?? 0, b.num('current_cow_peak') ?? 0);
      if (base + cow <= total * 0.9) return undefined;
      return {
        title: `No room for fork copy-on-write: ${bytes(base)} + ${bytes(cow)} COW against ${bytes(total)} RAM`,
        detail: `${maxmemory(b) ? `maxmemory is ${bytes(maxmemory(b))}` : `used_memory is ${bytes(b.num('used_memory'))}`} and the last fork copied ${bytes(cow)}, together over 90% of the host's ${bytes(total)}.`,
        evidence: [
          cfgEv('maxmemory', maxmemory(b)),
          infoEv('used_memory', b.num('used_memory') ?? 0),
          infoEv('rdb_last_cow_size', b.num('rdb_last_cow_size') ?? 0),
          infoEv('total_system_memory', total),
        ],
      };
    },
    fix: {
      recommendation: 'Lower maxmemory, disable transparent huge pages, or move snapshots to a replica.',
      commands: ['CONFIG SET maxmemory <lower>', 'INFO persistence'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L1180 ("Note that since the replica by default does not evict, it may end using more"); research/config-audit.md config.maxmemory-no-fork-headroom',
    runbook: 'capacity-planning',
  },
  {
    id: 'config.noeviction-cache',
    directives: ['maxmemory-policy', 'maxmemory'],
    category: 'memory',
    severity: 'warning',
    rationale: 'At the limit the server then rejects writes with OOM errors instead of evicting old entries, which is rarely what a cache wants.',
    when(b) {
      const share = ttlShare(b);
      if (!maxmemory(b) || conf(b, 'maxmemory-policy') !== 'noeviction' || !share || share.keys < 100 || share.expires / share.keys < 0.5) return undefined;
      return {
        title: `Cache-like keyspace (${percent(share.expires / share.keys)} of keys have a TTL) under maxmemory-policy noeviction`,
        detail: `${share.expires} of ${share.keys} keys expire, so this looks like a cache, yet maxmemory ${bytes(maxmemory(b))} is enforced with noeviction.`,
        evidence: [cfgEv('maxmemory-policy', 'noeviction'), cfgEv('maxmemory', maxmemory(b)), infoEv('keys with a TTL', `${share.expires} of ${share.keys}`)],
      };
    },
    fix: { recommendation: 'Evict instead of failing writes.', commands: ['CONFIG SET maxmemory-policy allkeys-lru'] },
    source: 'redis/redis@7.0.15 redis.conf L1101 ("set to \'noeviction\', Redis will start to reply with errors to commands")',
    runbook: 'maxmemory-policies',
  },
  {
    id: 'config.policy-without-limit',
    directives: ['maxmemory-policy', 'maxmemory'],
    category: 'memory',
    severity: 'info',
    rationale: 'An eviction policy only acts at maxmemory; with no limit it never applies (often a forgotten maxmemory).',
    when: whenValue(
      'maxmemory-policy',
      (v, b) => v !== 'noeviction' && maxmemory(b) === 0,
      (v) => ({
        title: `maxmemory-policy ${v} but no maxmemory: nothing is ever evicted`,
        detail: `maxmemory-policy is ${v} with maxmemory 0.`,
        evidence: [cfgEv('maxmemory', 0)],
      }),
    ),
    fix: { recommendation: 'Set the memory limit the policy was meant for.', commands: ['CONFIG SET maxmemory <bytes>'] },
    source: 'redis/redis@7.0.15 redis.conf L1121 ("MAXMEMORY POLICY: how Redis will select what to remove when maxmemory")',
    runbook: 'maxmemory-policies',
  },
  {
    id: 'config.maxmemory-samples-low',
    directives: ['maxmemory-samples'],
    category: 'memory',
    severity: 'warning',
    rationale: 'LRU/LFU/TTL eviction is approximated from that many sampled keys; with fewer than 5 it often evicts hot keys, causing miss storms.',
    when: whenValue(
      'maxmemory-samples',
      (v, b) => Number(v) < 5 && maxmemory(b) > 0,
      (v) => ({ title: `maxmemory-samples ${v}: eviction picks poor victims`, detail: `maxmemory-samples is ${v} (default 5).` }),
    ),
    fix: { recommendation: 'Sample at least 5 keys (10 is close to true LRU).', commands: ['CONFIG SET maxmemory-samples 5'] },
    source: 'redis/redis@7.0.15 redis.conf L1157 ("true LRU but costs more CPU. 3 is faster but not very accurate.")',
    runbook: 'evictions-hit-ratio',
  },
  {
    id: 'config.eviction-tenacity-low',
    directives: ['maxmemory-eviction-tenacity'],
    category: 'memory',
    severity: 'warning',
    rationale: 'Each command may only spend 50 µs × tenacity evicting, so under heavy writes memory stays above maxmemory.',
    when(b) {
      const t = confNum(b, 'maxmemory-eviction-tenacity') ?? 10;
      const current = b.num('current_eviction_exceeded_time') ?? 0;
      const share = b.rate('total_eviction_exceeded_time') ?? 0;
      if (t >= 10 || (current <= 1000 && share <= 100)) return undefined;
      return {
        title: `maxmemory-eviction-tenacity ${t}: memory stays over maxmemory (${current} ms now)`,
        detail: `maxmemory-eviction-tenacity is ${t}; memory has been over the limit for ${current} ms${share ? ` and ${share} ms of every second in the sample` : ''}.`,
        evidence: [
          cfgEv('maxmemory-eviction-tenacity', t),
          infoEv('current_eviction_exceeded_time', current),
          rateEv('total_eviction_exceeded_time ms per second', share),
        ],
      };
    },
    fix: { recommendation: 'Use at least the default.', commands: ['CONFIG SET maxmemory-eviction-tenacity 10'] },
    source:
      'redis/redis@7.0.15 redis.conf L1162 ("If there is an unusually large amount of write traffic, this value may need to"); redis/redis@7.0.15 src/evict.c evictionTimeLimitUs()',
    runbook: 'evictions-hit-ratio',
  },
  {
    id: 'config.active-expire-effort-low-stale',
    directives: ['active-expire-effort'],
    category: 'memory',
    severity: 'info',
    rationale: 'Active expiry keeps hitting its time cap, so expired keys pile up in memory until they are touched.',
    when(b) {
      const effort = confNum(b, 'active-expire-effort') ?? 1;
      const stale = b.num('expired_stale_perc') ?? 0;
      const capped = b.rate('expired_time_cap_reached_count') ?? 0;
      if (effort > 1 || stale <= 10 || capped <= 0) return undefined;
      return {
        title: `${stale}% of expiring keys are already expired and not reclaimed (active-expire-effort ${effort})`,
        detail: `expired_stale_perc is ${stale} and the expiry cycle hit its time cap ${capped} times/s in the sample.`,
        evidence: [cfgEv('active-expire-effort', effort), infoEv('expired_stale_perc', stale), rateEv('expired_time_cap_reached_count per second', capped)],
      };
    },
    fix: { recommendation: 'Give the expiry cycle more effort, or raise hz.', commands: ['CONFIG SET active-expire-effort 3', 'CONFIG SET hz 20'] },
    source:
      'redis/redis@7.0.15 redis.conf L1196 ("ten percent of expired keys still in memory"); redis/redis@7.0.15 src/expire.c ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE 10',
    runbook: 'expiry-storms',
  },
  {
    id: 'config.maxmemory-clients-off',
    directives: ['maxmemory-clients'],
    category: 'memory',
    severity: 'info',
    rationale:
      'Client buffers count against maxmemory: they can force keys out or trigger OOM errors, where client eviction would disconnect the heaviest clients instead.',
    when(b) {
      const clients = b.num('mem_clients_normal') ?? 0;
      if (conf(b, 'maxmemory-clients') !== '0' || !maxmemory(b) || clients <= maxmemory(b) * 0.1) return undefined;
      return {
        title: `Client buffers use ${bytes(clients)}, ${percent(clients / maxmemory(b))} of maxmemory, with no client memory limit`,
        detail: `mem_clients_normal is ${bytes(clients)} against maxmemory ${bytes(maxmemory(b))}, and maxmemory-clients is 0.`,
        evidence: [cfgEv('maxmemory-clients', 0), infoEv('mem_clients_normal', clients), cfgEv('maxmemory', maxmemory(b))],
      };
    },
    fix: { recommendation: 'Cap total client memory so the heaviest clients are dropped first.', commands: ['CONFIG SET maxmemory-clients 5%'] },
    source: 'redis/redis@7.0.15 redis.conf L2057 ("In some scenarios client connections can hog up memory leading to OOM")',
    runbook: 'oom-maxmemory',
  },
  {
    id: 'config.maxmemory-clients-too-low',
    directives: ['maxmemory-clients'],
    category: 'connections',
    severity: 'warning',
    rationale: 'Client eviction is disconnecting clients right now; legitimate clients with large replies or pipelines lose their connections.',
    when(b) {
      const evicted = b.rate('evicted_clients') ?? 0;
      if ((conf(b, 'maxmemory-clients') ?? '0') === '0' || evicted <= 0) return undefined;
      return {
        title: `Clients evicted at ${evicted}/s by maxmemory-clients ${conf(b, 'maxmemory-clients')}`,
        detail: `maxmemory-clients is ${conf(b, 'maxmemory-clients')} and ${evicted} clients/s were disconnected during the sample (${b.num('evicted_clients') ?? '?'} since start).`,
        evidence: [cfgEv('maxmemory-clients', conf(b, 'maxmemory-clients') ?? ''), rateEv('evicted_clients per second', evicted)],
      };
    },
    fix: {
      recommendation: 'Raise the limit or fix the clients that hold big buffers; exempt admin connections with CLIENT NO-EVICT on.',
      commands: ['CLIENT LIST', 'CONFIG SET maxmemory-clients 10%'],
    },
    source: 'redis/redis@7.0.15 redis.conf L2065 ("0 - client eviction is disabled (default)")',
    runbook: 'connection-limits',
  },
  {
    id: 'config.obuf-replica-unlimited',
    directives: ['client-output-buffer-limit'],
    category: 'memory',
    severity: 'warning',
    rationale: 'A stuck or slow replica makes the master buffer the whole write stream for it without bound, until the master runs out of memory.',
    when(b) {
      const replica = outputBufferLimits(conf(b, 'client-output-buffer-limit')).replica;
      if (!replica || replica.hard !== 0 || replica.soft !== 0) return undefined;
      return {
        title: 'No output buffer limit for replicas: a slow replica can exhaust master memory',
        detail: `client-output-buffer-limit replica is "0 0 0"; replica buffers hold ${bytes(b.num('mem_clients_slaves') ?? 0)} now.`,
        evidence: [
          cfgEv('client-output-buffer-limit', conf(b, 'client-output-buffer-limit') ?? ''),
          infoEv('mem_clients_slaves', b.num('mem_clients_slaves') ?? 0),
        ],
      };
    },
    fix: { recommendation: 'Restore the replica limit.', commands: ['CONFIG SET client-output-buffer-limit "replica 256mb 64mb 60"'] },
    source: 'redis/redis@7.0.15 redis.conf L2044 ("Both the hard or the soft limit can be disabled by setting them to zero.")',
    runbook: 'full-resync-backlog',
  },
  {
    id: 'config.obuf-pubsub-unlimited',
    directives: ['client-output-buffer-limit'],
    category: 'memory',
    severity: 'warning',
    rationale: 'A subscriber that stops reading then accumulates every published message in server memory without bound.',
    when(b) {
      const pubsub = outputBufferLimits(conf(b, 'client-output-buffer-limit')).pubsub;
      if (!pubsub || pubsub.hard !== 0 || pubsub.soft !== 0) return undefined;
      const subscribers = b.data<ClientSummary>('redis_client_list')?.pubsubSubscribers;
      return {
        title: 'No output buffer limit for Pub/Sub clients: a slow subscriber can exhaust memory',
        detail: `client-output-buffer-limit pubsub is "0 0 0"${subscribers !== undefined ? ` with ${subscribers} subscriber connection(s)` : ''}.`,
        evidence: [
          cfgEv('client-output-buffer-limit', conf(b, 'client-output-buffer-limit') ?? ''),
          ...(subscribers !== undefined ? [ev('redis_client_list', 'subscriber connections', subscribers)] : []),
        ],
      };
    },
    fix: {
      recommendation: 'Restore the Pub/Sub limit so a stuck subscriber is disconnected.',
      commands: ['CONFIG SET client-output-buffer-limit "pubsub 32mb 8mb 60"'],
    },
    source: 'redis/redis@7.0.15 redis.conf L2034 ("Instead there is a default limit for pubsub and replica clients, since")',
    runbook: 'pubsub-output-buffers',
  },
  {
    id: 'config.obuf-pubsub-too-small',
    directives: ['client-output-buffer-limit'],
    category: 'connections',
    severity: 'warning',
    rationale:
      'A subscriber whose pending messages pass the hard limit, or stay over the soft limit for its seconds, is disconnected by the server: with limits this small an ordinary burst of publishes drops subscribers, which then miss every message until they reconnect.',
    when(b) {
      const pubsub = outputBufferLimits(conf(b, 'client-output-buffer-limit')).pubsub;
      if (!pubsub) return undefined;
      // A quarter of the defaults (32mb hard, 8mb soft): below that, bursts rather than stuck clients trip the limit.
      const small = (pubsub.hard > 0 && pubsub.hard < 8 * 1048576) || (pubsub.soft > 0 && pubsub.soft < 2 * 1048576);
      const subscribers = Math.max(
        b.data<ClientSummary>('redis_client_list')?.pubsubSubscribers ?? 0,
        b.num('pubsub_clients') ?? 0,
        b.num('pubsub_channels') ?? 0,
      );
      const dropped = b.rate('client_output_buffer_limit_disconnections') ?? 0;
      if (!small || (subscribers === 0 && dropped === 0)) return undefined;
      const publish = b.rates()?.commands.find((c) => c.command === 'publish');
      const out = b.rate('total_net_output_bytes');
      const reconnects = b.rate('total_connections_received');
      return {
        title: `Pub/Sub output limit ${limitText(pubsub)}: subscribers are cut off on bursts${dropped ? ` (${dropped} disconnections/s)` : ''}`,
        detail: `client-output-buffer-limit pubsub is "${pubsub.hard} ${pubsub.soft} ${pubsub.seconds}" (defaults 32mb 8mb 60) with ${subscribers} subscriber(s)${publish ? `; ${publish.callsPerSec} PUBLISH/s` : ''}${out ? ` and ${bytes(out)}/s sent to clients in the sample` : ''}${reconnects ? `; ${reconnects} new connections/s (dropped clients reconnecting)` : ''}${b.num('client_output_buffer_limit_disconnections') !== undefined ? `; ${b.num('client_output_buffer_limit_disconnections')} clients were disconnected for output buffer limits since start` : ''}.`,
        evidence: [
          cfgEv('client-output-buffer-limit', conf(b, 'client-output-buffer-limit') ?? ''),
          ev('redis_client_list', 'subscriber connections', subscribers),
          ...(publish ? [rateEv('publish calls per second', publish.callsPerSec)] : []),
          ...(reconnects ? [rateEv('total_connections_received per second', reconnects)] : []),
          ...(b.num('client_output_buffer_limit_disconnections') !== undefined
            ? [infoEv('client_output_buffer_limit_disconnections', b.num('client_output_buffer_limit_disconnections')!)]
            : []),
        ],
      };
    },
    fix: {
      recommendation:
        'Give Pub/Sub clients room for bursts (the defaults, or more for large messages) and keep subscribers reading fast; the limit is there to drop stuck subscribers, not busy ones.',
      commands: ['CONFIG SET client-output-buffer-limit "pubsub 32mb 8mb 60"', 'CLIENT LIST TYPE pubsub', 'INFO stats'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L2034 ("Instead there is a default limit for pubsub and replica clients") and the default "client-output-buffer-limit pubsub 32mb 8mb 60"; client_output_buffer_limit_disconnections (INFO stats, Redis 7.2+ / Valkey)',
    runbook: 'pubsub-output-buffers',
  },
  {
    id: 'config.obuf-normal-unlimited-big-replies',
    directives: ['client-output-buffer-limit'],
    category: 'memory',
    severity: 'info',
    rationale: 'Normal clients have no output limit by default; one reading huge replies slowly (KEYS, HGETALL of a big key, MONITOR) holds that memory.',
    when(b) {
      const normal = outputBufferLimits(conf(b, 'client-output-buffer-limit')).normal;
      const biggest = Math.max(b.num('client_recent_max_output_buffer') ?? 0, b.data<ClientSummary>('redis_client_list')?.largestOutputBuffers[0]?.omem ?? 0);
      if (!normal || normal.hard !== 0 || normal.soft !== 0 || biggest <= 64 * 1048576) return undefined;
      return {
        title: `A client holds ${bytes(biggest)} of replies with no normal-client output limit`,
        detail: `client-output-buffer-limit normal is "0 0 0" and a client's output buffer reached ${bytes(biggest)}.`,
        evidence: [cfgEv('client-output-buffer-limit', conf(b, 'client-output-buffer-limit') ?? ''), infoEv('largest client output buffer', biggest)],
      };
    },
    fix: {
      recommendation: 'If such clients are not legitimate, cap normal clients.',
      commands: ['CLIENT LIST', 'CONFIG SET client-output-buffer-limit "normal 256mb 128mb 60"'],
    },
    source: 'redis/redis@7.0.15 redis.conf L2029 ("By default normal clients are not limited because they don\'t receive data")',
    runbook: 'pubsub-output-buffers',
  },
  {
    id: 'config.query-buffer-limit-high',
    directives: ['client-query-buffer-limit'],
    category: 'memory',
    severity: 'info',
    rationale: 'A client that desynchronises the protocol or sends a huge MULTI can then allocate more than 1 GB on its own.',
    when: whenValue(
      'client-query-buffer-limit',
      (v) => Number(v) > 1073741824,
      (v) => ({ title: `client-query-buffer-limit ${bytes(Number(v))}`, detail: `client-query-buffer-limit is ${bytes(Number(v))} (default 1 GB).` }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET client-query-buffer-limit 1gb'] },
    source: 'redis/redis@7.0.15 redis.conf L2052 ("the query buffer. However you can configure it here if you have very special")',
  },
  {
    id: 'config.proto-max-bulk-len-high',
    directives: ['proto-max-bulk-len'],
    category: 'memory',
    severity: 'info',
    rationale: 'Single values over 512 MB are then accepted: huge allocations and stalls in replication and persistence.',
    when: whenValue(
      'proto-max-bulk-len',
      (v) => Number(v) > 536870912,
      (v) => ({ title: `proto-max-bulk-len ${bytes(Number(v))}: values over 512 MB accepted`, detail: `proto-max-bulk-len is ${bytes(Number(v))}.` }),
    ),
    fix: { recommendation: 'Use the default.', commands: ['CONFIG SET proto-max-bulk-len 512mb'] },
    source: 'redis/redis@7.0.15 redis.conf L2078 ("here, but must be 1mb or greater")',
  },
  {
    id: 'config.tracking-table-unbounded',
    directives: ['tracking-table-max-keys'],
    category: 'memory',
    severity: 'warning',
    rationale: 'The client-side caching invalidation table then grows without limit on read-heavy workloads.',
    when: whenValue(
      'tracking-table-max-keys',
      (v, b) => Number(v) === 0 && (b.num('tracking_clients') ?? 0) > 0,
      (_v, b) => ({
        title: `tracking-table-max-keys 0 with ${b.num('tracking_clients')} tracking client(s)`,
        detail: `The invalidation table tracks ${b.num('tracking_total_keys') ?? 'unknown'} keys and has no limit.`,
        evidence: [infoEv('tracking_clients', b.num('tracking_clients') ?? 0), infoEv('tracking_total_keys', b.num('tracking_total_keys') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Bound the table.', commands: ['CONFIG SET tracking-table-max-keys 1000000'] },
    source: 'redis/redis@7.0.15 redis.conf L845 ("If you set the value to 0, it means there are no limits")',
  },
  {
    id: 'config.lfu-tuning',
    directives: ['lfu-log-factor', 'lfu-decay-time'],
    category: 'memory',
    severity: 'info',
    rationale: 'With decay 0 counters never age (once-hot keys are never evicted); factor 0 saturates after about 100 hits, over 100 needs about 10 million.',
    when(b) {
      if (!/lfu/.test(conf(b, 'maxmemory-policy') ?? '')) return undefined;
      const factor = confNum(b, 'lfu-log-factor') ?? 10;
      const decay = confNum(b, 'lfu-decay-time') ?? 1;
      if (!(decay === 0 || factor < 1 || factor > 100)) return undefined;
      return {
        title: `LFU counters mis-tuned: lfu-log-factor ${factor}, lfu-decay-time ${decay}`,
        detail: `maxmemory-policy is ${conf(b, 'maxmemory-policy')} with lfu-log-factor ${factor} and lfu-decay-time ${decay}.`,
        evidence: [cfgEv('lfu-log-factor', factor), cfgEv('lfu-decay-time', decay)],
      };
    },
    fix: { recommendation: 'Use the defaults.', commands: ['CONFIG SET lfu-log-factor 10', 'CONFIG SET lfu-decay-time 1'] },
    source: 'redis/redis@7.0.15 redis.conf L2145 ("The default lfu-log-factor is 10"); redis/redis@7.2.6 redis.conf L2192 ("A special value of 0 means we")',
    runbook: 'maxmemory-policies',
  },
  {
    id: 'config.hash-listpack-disabled',
    directives: ['hash-max-listpack-entries', 'hash-max-listpack-value'],
    category: 'memory',
    severity: 'info',
    rationale: 'Small hashes then use a real hash table, several times the memory of the compact encoding.',
    when(b) {
      const entries = confNum(b, 'hash-max-listpack-entries', 'hash-max-ziplist-entries') ?? 512;
      const value = confNum(b, 'hash-max-listpack-value', 'hash-max-ziplist-value') ?? 64;
      if (entries >= 16 && value >= 16) return undefined;
      return {
        title: `Compact hash encoding effectively off (hash-max-listpack-entries ${entries}, hash-max-listpack-value ${value})`,
        detail: `hash-max-listpack-entries is ${entries} and hash-max-listpack-value is ${value}.`,
        evidence: [cfgEv('hash-max-listpack-entries', entries), cfgEv('hash-max-listpack-value', value)],
      };
    },
    fix: {
      recommendation: 'Use the defaults (existing hashes convert only when rewritten).',
      commands: ['CONFIG SET hash-max-listpack-entries 512', 'CONFIG SET hash-max-listpack-value 64'],
    },
    source: 'valkey-io/valkey-doc@9.0.2 topics/memory-optimization.md ("up to 10 times less memory (with 5 times less memory used being the average saving)")',
  },
  {
    id: 'config.activerehashing-off',
    directives: ['activerehashing'],
    category: 'memory',
    severity: 'info',
    rationale: 'Main dictionaries then only rehash when accessed, so an idle server keeps both old and new tables in memory.',
    when: whenValue(
      'activerehashing',
      (v) => v === 'no',
      (_v, b) => ({
        title: 'activerehashing no: hash tables rehash only on access',
        detail: `activerehashing is no${b.num('mem_overhead_db_hashtable_rehashing') ? `; ${bytes(b.num('mem_overhead_db_hashtable_rehashing'))} are held by tables being rehashed` : ''}.`,
      }),
    ),
    fix: { recommendation: 'Keep it on unless hard sub-millisecond latency requirements forbid it.', commands: ['CONFIG SET activerehashing yes'] },
    source: 'redis/redis@7.0.15 redis.conf L1997 ("use \\"activerehashing no\\" if you have hard latency requirements")',
  },
  {
    id: 'config.oom-score-adj-off',
    // Not "oom ...": a healthy answer must not read as an out-of-memory diagnosis.
    name: 'kernel kill priority',
    directives: ['oom-score-adj'],
    category: 'memory',
    severity: 'info',
    rationale: 'Under memory pressure the kernel may then kill the main process rather than a disposable fork child.',
    when(b) {
      const rss = b.num('used_memory_rss') ?? 0;
      const total = b.num('total_system_memory') ?? 0;
      if (conf(b, 'oom-score-adj') !== 'no' || !total || rss / total <= 0.5) return undefined;
      return {
        title: `oom-score-adj no while the server holds ${percent(rss / total)} of RAM`,
        detail: `RSS is ${bytes(rss)} of ${bytes(total)} and oom-score-adj is no.`,
        evidence: [cfgEv('oom-score-adj', 'no'), infoEv('used_memory_rss', rss), infoEv('total_system_memory', total)],
      };
    },
    fix: {
      recommendation: 'Let the server steer the OOM killer towards fork children first.',
      commands: ['CONFIG SET oom-score-adj relative', 'CONFIG SET oom-score-adj-values "0 200 800"'],
    },
    source: 'redis/redis@7.0.15 redis.conf L1320 ("Enabling this feature makes Redis actively control the oom_score_adj value")',
  },
  {
    id: 'config.oom-score-adj-values-misordered',
    name: 'kernel kill priority order',
    directives: ['oom-score-adj-values'],
    category: 'memory',
    severity: 'info',
    rationale: 'The values are for master, replica and background child; out of order, the process most worth keeping is killed first.',
    when(b) {
      if ((conf(b, 'oom-score-adj') ?? 'no') === 'no') return undefined;
      const [master, replica, child] = (conf(b, 'oom-score-adj-values') ?? '').split(/\s+/).map(Number);
      if (!(master > replica || replica > child || master > child)) return undefined;
      return {
        title: `oom-score-adj-values "${conf(b, 'oom-score-adj-values')}" out of order`,
        detail: `master ${master}, replica ${replica}, child ${child}: the kernel's preference is inverted.`,
        evidence: [cfgEv('oom-score-adj-values', conf(b, 'oom-score-adj-values') ?? '')],
      };
    },
    fix: { recommendation: 'Order them master < replica < child.', commands: ['CONFIG SET oom-score-adj-values "0 200 800"'] },
    source: 'redis/redis@7.0.15 redis.conf L1344 ("oom-score-adj-values 0 200 800")',
  },
  {
    id: 'config.repl-backlog-ttl',
    directives: ['repl-backlog-ttl'],
    category: 'memory',
    severity: 'info',
    appliesTo: { role: 'master' },
    rationale: 'With 0 the backlog is never released after the replicas go away.',
    when: whenValue(
      'repl-backlog-ttl',
      (v, b) => Number(v) === 0 && (b.num('connected_slaves') ?? 0) === 0 && (b.num('mem_replication_backlog') ?? 0) > 64 * 1048576,
      (_v, b) => ({
        title: `repl-backlog-ttl 0: ${bytes(b.num('mem_replication_backlog'))} backlog kept with no replica`,
        detail: `The replication backlog holds ${bytes(b.num('mem_replication_backlog'))} and no replica is connected.`,
        evidence: [infoEv('mem_replication_backlog', b.num('mem_replication_backlog') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Release the backlog an hour after the last replica leaves.', commands: ['CONFIG SET repl-backlog-ttl 3600'] },
    source: 'redis/redis@7.0.15 redis.conf L712 ("A value of 0 means to never release the backlog.")',
  },
  {
    id: 'config.import-mode-left-on',
    directives: ['import-mode'],
    category: 'memory',
    severity: 'warning',
    appliesTo: { redis: false, valkey: '8.1' },
    rationale: 'Import mode pauses expiration and eviction for the whole server, so memory grows and expired keys stay readable.',
    when: whenValue(
      'import-mode',
      (v) => v === 'yes',
      (_v, b) => ({
        title: 'import-mode yes: expiry and eviction are paused',
        detail: `import-mode is yes; ${b.rate('expired_keys') ?? 'unknown'} keys/s expired during the sample.`,
        evidence: [rateEv('expired_keys per second', b.rate('expired_keys') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Turn it off once the migration is done.', commands: ['CONFIG SET import-mode no'] },
    source: 'valkey-io/valkey valkey.conf 9.x (index snapshot 00c3db1d), section REPLICATION: "Make the primary forbid expiration and eviction."',
  },
  {
    id: 'config.replica-maxmemory-too-small',
    directives: ['maxmemory'],
    category: 'memory',
    severity: 'warning',
    appliesTo: { role: 'replica' },
    rationale: 'Replicas do not evict (they mirror the master), so a replica sized by its maxmemory runs out of RAM before the master reaches its own limit.',
    when(b) {
      const max = maxmemory(b);
      const used = b.num('used_memory') ?? 0;
      if (!max || used <= max || role(b) !== 'replica' || conf(b, 'replica-ignore-maxmemory', 'slave-ignore-maxmemory') === 'no') return undefined;
      return {
        title: `Replica holds ${bytes(used)}, above its maxmemory ${bytes(max)}`,
        detail: `This replica uses ${bytes(used)} with maxmemory ${bytes(max)}; it ignores the limit and will keep growing with the master.`,
        evidence: [cfgEv('maxmemory', max), infoEv('used_memory', used)],
      };
    },
    fix: { recommendation: 'Size replicas at least as large as the master.', commands: ['CONFIG SET maxmemory <at least the master\u2019s maxmemory>'] },
    source: 'redis/redis@7.0.15 redis.conf L1181 ("memory than the one set via maxmemory (there are certain buffers that may")',
    runbook: 'capacity-planning',
  },
  {
    id: 'config.diskless-load-swapdb-oom',
    name: 'swapdb loading headroom',
    directives: ['repl-diskless-load'],
    category: 'memory',
    severity: 'critical',
    appliesTo: { role: 'replica' },
    rationale: 'With swapdb the replica keeps its old dataset while it loads the new one from the socket; without room for both it is OOM-killed mid-sync.',
    when(b) {
      if (conf(b, 'repl-diskless-load') !== 'swapdb') return undefined;
      const used = b.num('used_memory') ?? 0;
      const limit = Math.min(...[maxmemory(b), b.num('total_system_memory') ?? 0].filter((n) => n > 0));
      if (!Number.isFinite(limit) || used * 2 <= limit * 0.9) return undefined;
      return {
        title: `repl-diskless-load swapdb needs room for two copies (${bytes(used * 2)}) against ${bytes(limit)}`,
        detail: `The dataset is ${bytes(used)}; a full sync would hold it twice.`,
        evidence: [cfgEv('repl-diskless-load', 'swapdb'), infoEv('used_memory', used), infoEv('memory limit', limit)],
      };
    },
    fix: { recommendation: 'Load into an empty database or through disk.', commands: ['CONFIG SET repl-diskless-load disabled'] },
    source: 'redis/redis@7.0.15 redis.conf L652 ("Note that this requires sufficient memory, if you don\'t have it,")',
  },
  {
    id: 'config.dual-channel-off-primary-buffers',
    directives: ['dual-channel-replication-enabled'],
    category: 'replication',
    severity: 'info',
    appliesTo: { redis: false, valkey: '8.0', role: 'master' },
    rationale:
      'Without dual-channel replication the primary buffers the write stream for the whole full sync; big datasets with heavy writes then hit the replica buffer limit and the sync restarts.',
    when(b) {
      const buffers = b.num('mem_total_replication_buffers') ?? 0;
      const hard = outputBufferLimits(conf(b, 'client-output-buffer-limit')).replica?.hard ?? 0;
      if (conf(b, 'dual-channel-replication-enabled') !== 'no' || !hard || buffers <= hard / 2) return undefined;
      return {
        title: `Replication buffers at ${bytes(buffers)}, over half the replica limit (${bytes(hard)})`,
        detail: `mem_total_replication_buffers is ${bytes(buffers)} with the replica hard limit ${bytes(hard)} and dual-channel replication off.`,
        evidence: [infoEv('mem_total_replication_buffers', buffers), cfgEv('client-output-buffer-limit', conf(b, 'client-output-buffer-limit') ?? '')],
      };
    },
    fix: {
      recommendation: 'Let replicas buffer the stream themselves during full syncs (both sides Valkey 8+).',
      commands: ['CONFIG SET dual-channel-replication-enabled yes'],
    },
    source: 'valkey-io/valkey@8.0.1 valkey.conf L684 ("between a primary and its replicas. When enabled, it reduces both memory and CPU load")',
    runbook: 'full-resync-backlog',
  },
];
