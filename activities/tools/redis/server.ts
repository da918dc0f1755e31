import { z } from 'zod';
import { noArgs } from '../define';
import { redisTool } from './tool';
import { numeric, parseInfoPairs, type InfoSections } from '../../../core/redis-replies';
import { onTarget, readConfig, readInfo, redactConfig } from './target';
import { serverIdentity } from '../../../core/server-identity';
import { parseClusterInfo } from '../../../core/cluster/topology';

/** Server-level tools: INFO, CONFIG GET, keyspace, cluster. */

/** Build details and clocks diagnosis never reads (arch_bits, multiplexing_api, configured_hz, io_threads_active and mem_allocator it does). */
const NOISE =
  /^(redis_git_sha1|redis_git_dirty|redis_build_id|monotonic_clock|atomicvar_api|gcc_version|run_id|lru_clock|server_time_usec|listener\d+|executable|process_supervised)$/;
const KEEP_HUMAN = new Set(['used_memory_human', 'used_memory_rss_human', 'maxmemory_human', 'used_memory_peak_human', 'total_system_memory_human']);

function compactValue(value: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(value) && value.length < 16 ? Number(value) : value;
}

/** Top-N command statistics by total time; the full list runs to hundreds of lines. */
function topCommandStats(section: Record<string, string>, limit: number): Record<string, Record<string, number | string>> {
  return Object.fromEntries(
    Object.entries(section)
      .map(([k, v]) => [k.replace(/^cmdstat_/, ''), parseInfoPairs(v)] as const)
      .sort((a, b) => Number(b[1].usec ?? 0) - Number(a[1].usec ?? 0))
      .slice(0, limit),
  );
}

/** INFO reduced to what diagnosis needs: numbers as numbers, build noise dropped. */
export function compactInfo(sections: InfoSections): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, fields] of Object.entries(sections)) {
    if (name === 'commandstats') {
      out.commandstats = topCommandStats(fields, 15);
      continue;
    }
    if (name === 'latencystats') {
      out.latencystats = Object.fromEntries(
        Object.entries(fields)
          .map(([k, v]) => [k.replace(/^latency_percentiles_usec_/, ''), parseInfoPairs(v)] as const)
          .sort((a, b) => Number(b[1]['p99.9'] ?? b[1].p99 ?? 0) - Number(a[1]['p99.9'] ?? a[1].p99 ?? 0))
          .slice(0, 10),
      );
      continue;
    }
    if (name === 'keyspace' || name === 'errorstats') {
      out[name] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, parseInfoPairs(v)]));
      continue;
    }
    out[name] = Object.fromEntries(
      Object.entries(fields)
        .filter(([k]) => !NOISE.test(k) && (!k.endsWith('_human') || KEEP_HUMAN.has(k)))
        .map(([k, v]) => [k, compactValue(v)]),
    );
  }
  return out;
}

export const INFO_SECTIONS = [
  'all',
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'commandstats',
  'latencystats',
  'errorstats',
  'cluster',
  'keyspace',
] as const;

export const redisInfo = redisTool({
  name: 'redis_info',
  description:
    'Redis INFO, parsed and compacted. section "all" (default) returns every section incl. errorstats and the top commands by total time; or pick one section (memory, clients, stats, persistence, replication, cpu, commandstats, latencystats, errorstats, keyspace, server, cluster).',
  schema: z
    .object({
      section: z.enum(INFO_SECTIONS).default('all').describe('INFO section to read; "all" (default) returns every section, e.g. memory or replication for one'),
    })
    .strict(),
  maxOutputBytes: 16_000,
  handler: async ({ section }, ctx) => onTarget(ctx, async (redis) => compactInfo(await readInfo(redis, section === 'all' ? 'everything' : section))),
  summarize: (data: Record<string, Record<string, unknown>>) => {
    const s = data.server ?? {};
    const m = data.memory ?? {};
    const c = data.clients ?? {};
    return (
      [serverIdentity(s)?.label, m.used_memory_human && `memory ${m.used_memory_human}`, c.connected_clients !== undefined && `${c.connected_clients} clients`]
        .filter(Boolean)
        .join(', ') || `${Object.keys(data).length} section(s)`
    );
  },
});

const DEFAULT_CONFIG_PARAMS = [
  'maxmemory',
  'maxmemory-policy',
  'maxmemory-samples',
  'maxclients',
  'timeout',
  'tcp-keepalive',
  'save',
  'appendonly',
  'appendfsync',
  'dir',
  'dbfilename',
  'appenddirname',
  'stop-writes-on-bgsave-error',
  'auto-aof-rewrite-percentage',
  'auto-aof-rewrite-min-size',
  'no-appendfsync-on-rewrite',
  'slowlog-log-slower-than',
  'slowlog-max-len',
  'latency-monitor-threshold',
  'busy-reply-threshold',
  'lua-time-limit',
  'client-output-buffer-limit',
  'repl-backlog-size',
  'repl-timeout',
  'repl-diskless-sync',
  'min-replicas-to-write',
  'replica-serve-stale-data',
  'replica-read-only',
  'activedefrag',
  'lazyfree-lazy-eviction',
  'lazyfree-lazy-expire',
  'lazyfree-lazy-server-del',
  'lazyfree-lazy-user-del',
  'hz',
  'io-threads',
  'databases',
  'protected-mode',
  'bind',
  'port',
  'requirepass',
  'enable-debug-command',
  'enable-protected-configs',
  'rename-command',
  'notify-keyspace-events',
  'cluster-enabled',
  'logfile',
  'loglevel',
];

export const redisConfigGet = redisTool({
  name: 'redis_config_get',
  description:
    'CONFIG GET for the given parameters or glob patterns (e.g. ["maxmemory*", "save"]). With no parameters returns the settings that matter for diagnosis. Secret values (requirepass, masterauth) are reported only as set/not set.',
  schema: z
    .object({
      parameters: z
        .array(
          z
            .string()
            .min(1)
            .max(64)
            .regex(/^[\w*?.-]+$/, 'a parameter name or glob')
            .describe('A config parameter or glob, e.g. maxmemory-policy or maxmemory*'),
        )
        .max(40)
        .optional()
        .describe('Up to 40 parameters or globs; leave out for the settings that matter for diagnosis'),
    })
    .strict(),
  // CONFIG GET * (the baseline's config audit) is about 200 parameters on Redis 7.
  maxOutputBytes: 24_000,
  handler: async ({ parameters }, ctx) =>
    onTarget(ctx, async (redis) => redactConfig(await readConfig(redis, ...(parameters?.length ? parameters : DEFAULT_CONFIG_PARAMS)))),
  summarize: (data: Record<string, string>) => `${Object.keys(data).length} parameter(s)`,
});

export const redisKeyspace = redisTool({
  name: 'redis_keyspace',
  categories: ['keyspace', 'memory'],
  description: 'Keyspace overview: keys, keys with a TTL (expiry share) and average TTL per database, plus expiry/eviction counters.',
  schema: noArgs,
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis) => {
      const info = await readInfo(redis, 'everything');
      const databases = Object.entries(info.keyspace ?? {}).map(([db, value]) => {
        const p = parseInfoPairs(value);
        const keys = Number(p.keys ?? 0);
        const expires = Number(p.expires ?? 0);
        return { db, keys, expires, expiryShare: keys ? Math.round((expires / keys) * 1000) / 1000 : 0, avgTtlMs: Number(p.avg_ttl ?? 0) };
      });
      const stats = info.stats ?? {};
      return {
        totalKeys: databases.reduce((n, d) => n + d.keys, 0),
        databases,
        expiredKeys: numeric(stats.expired_keys),
        expiredStalePercent: numeric(stats.expired_stale_perc),
        expiredTimeCapReachedCount: numeric(stats.expired_time_cap_reached_count),
        evictedKeys: numeric(stats.evicted_keys),
        keyspaceHits: numeric(stats.keyspace_hits),
        keyspaceMisses: numeric(stats.keyspace_misses),
      };
    }),
  summarize: (data: { totalKeys: number; databases: unknown[] }) => `${data.totalKeys} keys in ${data.databases.length} db(s)`,
});

export const redisClusterInfo = redisTool({
  name: 'redis_cluster_info',
  categories: ['cluster', 'availability', 'replication'],
  description: 'Cluster state when cluster mode is enabled: CLUSTER INFO, and nodes with their role, flags (fail, pfail), link state and slot counts.',
  schema: noArgs,
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis) => {
      const cluster = (await readInfo(redis, 'cluster')).cluster ?? {};
      if (cluster.cluster_enabled !== '1') return { enabled: false, note: 'cluster mode is disabled on this instance (standalone or replication setup)' };
      const info = parseClusterInfo(String(await redis.call('CLUSTER', 'INFO')));
      const nodes = String(await redis.call('CLUSTER', 'NODES'))
        .split(/\r?\n/)
        .filter(Boolean)
        .map((line) => {
          const parts = line.split(' ');
          const slots = parts.slice(8);
          const slotCount = slots
            .filter((s) => !s.startsWith('['))
            .reduce((n, s) => {
              const [a, b] = s.split('-').map(Number);
              return n + (b === undefined ? 1 : b - a + 1);
            }, 0);
          return {
            id: parts[0].slice(0, 12),
            address: parts[1],
            flags: parts[2],
            master: parts[3] === '-' ? undefined : parts[3].slice(0, 12),
            linkState: parts[7],
            slots: slotCount,
            migrating: slots.filter((s) => s.startsWith('[')).length,
          };
        });
      return { enabled: true, info, nodes };
    }),
  summarize: (data: { enabled: boolean; info?: Record<string, unknown> }) => (data.enabled ? `cluster_state ${data.info?.cluster_state}` : 'cluster disabled'),
});
