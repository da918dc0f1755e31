import type { Severity } from '../../../core/types';
import type { ClientSummary } from '../../tools/redis/clients';
import { bytes, percent, type Baseline } from '../baseline';
import { ev, fail, finding, pass, skip, type Check } from '../check';
import { counterRate, perSecond, rateSource, rateText } from '../counter-rate';
import { allocator } from '../audits/info-memory';

function policy(b: Baseline): string {
  return b.config('maxmemory-policy') ?? b.str('maxmemory_policy') ?? 'unknown';
}

export const maxmemorySaturation: Check = {
  id: 'memory.maxmemory-saturation',
  name: 'maxmemory headroom',
  category: 'memory',
  run(b) {
    const used = b.num('used_memory');
    const max = b.num('maxmemory');
    if (used === undefined || max === undefined) return skip('used_memory/maxmemory not available');
    if (max === 0) return pass();
    const ratio = used / max;
    if (ratio < 0.9) return pass();
    const p = policy(b);
    const noeviction = p === 'noeviction';
    return fail(
      finding(this, {
        title: `Memory at ${percent(ratio)} of maxmemory (${p})`,
        severity: noeviction ? 'critical' : 'warning',
        detail: noeviction
          ? `used_memory ${bytes(used)} has reached maxmemory ${bytes(max)} and the policy is noeviction, so Redis rejects writes with "OOM command not allowed when used memory > 'maxmemory'".`
          : `used_memory ${bytes(used)} is at maxmemory ${bytes(max)}; Redis is evicting keys (${p}) to admit writes.`,
        evidence: [ev('redis_info', 'used_memory', used), ev('redis_info', 'maxmemory', max), ev('redis_config_get', 'maxmemory-policy', p)],
        recommendation: noeviction
          ? 'Raise maxmemory if the host has room, or, if this is a cache, switch to an eviction policy (allkeys-lru or allkeys-lfu); if it is a data store, add TTLs to transient keys and remove big keys.'
          : 'Raise maxmemory or reduce the dataset (TTLs, smaller values) so the working set fits.',
        commands: [
          `CONFIG SET maxmemory ${Math.ceil((max * 1.5) / 1048576)}mb`,
          'CONFIG SET maxmemory-policy allkeys-lru',
          'redis-cli --bigkeys',
          'CONFIG REWRITE',
        ],
        runbook: 'oom-maxmemory',
      }),
    );
  },
};

export const oomRejections: Check = {
  id: 'memory.maxmemory-write-errors',
  name: 'write failures at the memory limit',
  category: 'memory',
  run(b) {
    if (!b.section('errorstats') && !b.hasInfo()) return skip('INFO errorstats not available');
    const oom = b.errorCount('OOM');
    if (oom === 0) return pass();
    const p = policy(b);
    const used = b.num('used_memory');
    const max = b.num('maxmemory');
    return fail(
      finding(this, {
        title: `Writes rejected with OOM errors (${oom} since start) under maxmemory-policy ${p}`,
        severity: 'critical',
        detail: `Redis answered ${oom} commands with "OOM command not allowed when used memory > 'maxmemory'". ${p === 'noeviction' ? 'With noeviction nothing is evicted, so every write that needs memory fails while reads still work.' : 'Eviction could not free enough memory (no evictable keys under this policy).'} Memory: ${bytes(used)} used of ${bytes(max)} maxmemory.`,
        evidence: [
          ev('redis_info', 'errorstat_OOM', oom),
          ev('redis_config_get', 'maxmemory-policy', p),
          ev('redis_info', 'used_memory', used ?? 'unknown'),
          ev('redis_info', 'maxmemory', max ?? 'unknown'),
        ],
        recommendation:
          p === 'noeviction'
            ? 'Immediate: raise maxmemory (CONFIG SET maxmemory) if the host has free RAM. If this Redis is a cache, set maxmemory-policy to allkeys-lru or allkeys-lfu so old keys are evicted instead of writes failing. If it stores data that must not be evicted, add TTLs (EXPIRE) to transient keys, delete what is no longer needed (UNLINK), and plan capacity. Persist the change with CONFIG REWRITE.'
            : `Policy ${p} only evicts keys with a TTL (volatile-*) or found none to evict: add TTLs, raise maxmemory, or use an allkeys-* policy.`,
        commands: [
          'INFO memory',
          'CONFIG SET maxmemory <larger, e.g. 2x current>',
          'CONFIG SET maxmemory-policy allkeys-lru',
          'redis-cli --bigkeys',
          'CONFIG REWRITE',
        ],
        runbook: 'oom-maxmemory',
      }),
    );
  },
};

export const evictions: Check = {
  id: 'memory.evictions',
  name: 'eviction activity',
  category: 'memory',
  run(b) {
    const rate = counterRate(b, 'evicted_keys');
    if (!rate) return skip('evicted_keys not available');
    if (rate.total === 0) return pass();
    const evicted = rate.total;
    const now = rate.basis === 'now';
    const evictingNow = now && rate.perSecond > 0;
    // Judged by rate (info-audit.md, evicted_keys: RATE > 0): evicting now is the incident. A total
    // since start counts only while its average is still high (a short-lived or just-loaded server).
    const uptime = b.num('uptime_in_seconds') ?? 0;
    const averageSinceStart = uptime > 0 ? evicted / uptime : 0;
    const severity: Severity = evictingNow ? (rate.perSecond >= 10 ? 'warning' : 'info') : evicted > 1000 && averageSinceStart >= 0.1 ? 'warning' : 'info';
    const max = b.num('maxmemory') ?? 0;
    const hits = b.num('keyspace_hits') ?? 0;
    const misses = b.num('keyspace_misses') ?? 0;
    const ratio = hits + misses > 0 ? hits / (hits + misses) : undefined;
    return fail(
      finding(this, {
        title: evictingNow
          ? `Evicting ${perSecond(rate.perSecond)} keys per second right now to stay under maxmemory (${bytes(max)})`
          : `${evicted} keys evicted to stay under maxmemory (${bytes(max)})${now ? ', none in the last few seconds' : ''}`,
        severity,
        detail: `Redis has evicted ${evicted} keys since start (${rateText(rate, ' keys/s')}) under maxmemory-policy ${policy(b)}: the working set is larger than maxmemory ${bytes(max)}, so keys are thrown out and later reads miss${ratio !== undefined ? ` (hit ratio ${percent(ratio)})` : ''}.${now && !evictingNow ? ' No key was evicted during the sample, so the evictions are past (a bulk load or a burst), not ongoing.' : ''}`,
        evidence: [
          ev('redis_info', 'evicted_keys', evicted),
          ev(rateSource(rate), 'evicted_keys per second', perSecond(rate.perSecond)),
          ev('redis_info', 'maxmemory', max),
          ev('redis_config_get', 'maxmemory-policy', policy(b)),
          ...(ratio !== undefined ? [ev('redis_info', 'keyspace_hits/(hits+misses)', percent(ratio))] : []),
        ],
        recommendation:
          'Give the cache enough memory for its working set (raise maxmemory, or scale out), shorten TTLs of rarely read keys, and shrink large values. Consider allkeys-lfu if a small set of keys is hot. Track evicted_keys as a rate.',
        commands: ['INFO stats', 'CONFIG GET maxmemory*', 'CONFIG SET maxmemory <larger>', 'CONFIG SET maxmemory-policy allkeys-lfu'],
        runbook: 'evictions-hit-ratio',
      }),
    );
  },
};

/** Hits and misses over the sample window when enough lookups happened in it, else since start. */
function lookups(b: Baseline): { hits: number; misses: number; basis: 'now' | 'since start' } | undefined {
  const hits = b.num('keyspace_hits');
  const misses = b.num('keyspace_misses');
  if (hits === undefined || misses === undefined) return undefined;
  const rates = b.rates();
  const hitRate = rates?.perSecond.keyspace_hits;
  const missRate = rates?.perSecond.keyspace_misses;
  const others = (rates?.perSecond.total_commands_processed ?? 0) * (rates?.intervalSeconds ?? 0);
  if (rates && hitRate !== undefined && missRate !== undefined && others >= 100) {
    // The agent's own key sampling (TYPE, MEMORY USAGE…) counts as hits in the window: take it out.
    const windowHits = Math.max(0, Math.round(hitRate * rates.intervalSeconds) - rates.ownCommands);
    const windowMisses = Math.round(missRate * rates.intervalSeconds);
    if (windowHits + windowMisses >= 100) return { hits: windowHits, misses: windowMisses, basis: 'now' };
  }
  return { hits, misses, basis: 'since start' };
}

export const hitRatio: Check = {
  id: 'memory.hit-ratio',
  name: 'cache hit ratio',
  category: 'memory',
  run(b) {
    const seen = lookups(b);
    if (!seen) return skip('keyspace_hits/misses not available');
    const { hits, misses } = seen;
    const total = hits + misses;
    // info-audit.md, keyspace_hits: Δhits/(Δhits+Δmisses) < 0.8 on a cache.
    if (total < (seen.basis === 'now' ? 100 : 1000)) return pass();
    const ratio = hits / total;
    if (ratio >= 0.8) return pass();
    const evicted = b.num('evicted_keys') ?? 0;
    const window = seen.basis === 'now' ? 'during the sample' : 'since start';
    return fail(
      finding(this, {
        title: `Low cache hit ratio: ${percent(ratio)} (${misses} misses of ${total} lookups ${window})`,
        severity: ratio < 0.5 ? 'warning' : 'info',
        detail: `Only ${percent(ratio)} of key lookups ${window} found the key. ${evicted > 0 ? `${evicted} keys were evicted, so the miss rate comes from the cache being too small for its working set.` : 'No keys were evicted: misses come from keys that expired or were never written (check TTLs and cache-fill logic).'}`,
        evidence: [
          ev(seen.basis === 'now' ? 'redis_info_rates' : 'redis_info', `keyspace_hits ${window}`, hits),
          ev(seen.basis === 'now' ? 'redis_info_rates' : 'redis_info', `keyspace_misses ${window}`, misses),
          ev('redis_info', 'evicted_keys', evicted),
        ],
        recommendation:
          evicted > 0
            ? 'Size maxmemory to the working set, or reduce what is cached; watch the hit ratio and evicted_keys rate together.'
            : 'Review TTLs and whether the application populates keys it reads; a miss storm may follow a flush or a deploy.',
        commands: ['INFO stats', 'INFO keyspace'],
        runbook: 'evictions-hit-ratio',
      }),
    );
  },
};

export const hostMemory: Check = {
  id: 'memory.host-memory',
  name: 'host memory',
  category: 'memory',
  run(b) {
    const used = b.num('used_memory_rss') ?? b.num('used_memory');
    const total = b.num('total_system_memory');
    if (used === undefined || !total) return skip('total_system_memory not available');
    const max = b.num('maxmemory') ?? 0;
    const ratio = used / total;
    if (ratio > 0.9) {
      return fail(
        finding(this, {
          title: `Redis uses ${percent(ratio)} of host RAM`,
          severity: 'critical',
          detail: `RSS ${bytes(used)} of ${bytes(total)} total: the kernel OOM killer may terminate Redis, and a fork for BGSAVE/AOF rewrite can fail.`,
          evidence: [ev('redis_info', 'used_memory_rss', used), ev('redis_info', 'total_system_memory', total)],
          recommendation: 'Set maxmemory to leave headroom (about 60-75% of RAM when persistence forks), reduce the dataset, or move to a bigger host.',
          commands: ['INFO memory', 'CONFIG SET maxmemory <bytes>'],
          runbook: 'capacity-planning',
        }),
      );
    }
    if (max === 0) {
      return fail(
        finding(this, {
          title: 'No maxmemory limit set',
          severity: 'info',
          detail: `maxmemory is 0 (unlimited): Redis can grow until it exhausts the host's ${bytes(total)} of RAM, and no eviction policy ever applies.`,
          evidence: [ev('redis_info', 'maxmemory', 0), ev('redis_info', 'total_system_memory', total)],
          recommendation: 'Set maxmemory to a deliberate limit with an eviction policy that matches the usage (allkeys-lru for caches).',
          commands: ['CONFIG SET maxmemory <bytes>', 'CONFIG REWRITE'],
          runbook: 'capacity-planning',
        }),
      );
    }
    return pass();
  },
};

export const swapping: Check = {
  id: 'memory.swapping',
  name: 'swap',
  category: 'memory',
  run(b) {
    const ratio = b.num('mem_fragmentation_ratio');
    const used = b.num('used_memory');
    if (ratio === undefined || used === undefined) return skip('mem_fragmentation_ratio not available');
    if (ratio >= 0.9 || used < 64 * 1048576) return pass();
    // Memory allocated but not yet written is not resident either: a query buffer sized for a big
    // argument still arriving (qbuf-free). That gap is not swap.
    const rss = b.num('used_memory_rss') ?? ratio * used;
    const untouched = (b.data<ClientSummary>('redis_client_list')?.largestQueryBuffers ?? []).reduce((n, c) => n + c.qbufFree, 0);
    if (untouched > 0 && rss >= 0.9 * (used - untouched)) return pass();
    return fail(
      finding(this, {
        title: `RSS below used memory (fragmentation ratio ${ratio}): Redis may be swapping`,
        severity: 'warning',
        detail: `mem_fragmentation_ratio ${ratio} < 1 means part of Redis memory is not resident; pages swapped out make commands take milliseconds instead of microseconds.`,
        evidence: [ev('redis_info', 'mem_fragmentation_ratio', ratio), ev('redis_info', 'used_memory', used)],
        recommendation: 'Check swap usage of the Redis process (grep VmSwap /proc/<pid>/status); lower maxmemory or add RAM, and set vm.swappiness low.',
        commands: ['INFO memory', 'grep VmSwap /proc/$(pidof redis-server)/status'],
        runbook: 'memory-fragmentation',
      }),
    );
  },
};

export const fragmentation: Check = {
  id: 'memory.fragmentation',
  name: 'memory fragmentation',
  category: 'memory',
  run(b) {
    const ratio = b.num('mem_fragmentation_ratio');
    const fragBytes = b.num('mem_fragmentation_bytes');
    const used = b.num('used_memory');
    const rss = b.num('used_memory_rss');
    if (ratio === undefined) return skip('mem_fragmentation_ratio not available');
    const excess = fragBytes ?? (rss !== undefined && used !== undefined ? rss - used : 0);
    // Like MEMORY DOCTOR, ignore near-empty instances: allocator baseline dominates their RSS.
    if (ratio <= 1.4 || excess < 10 * 1048576 || (used ?? 0) < 5 * 1048576) return pass();
    const allocRatio = b.num('allocator_frag_ratio');
    const peak = b.num('used_memory_peak');
    const defrag = b.config('activedefrag') ?? 'unknown';
    // MEMORY DOCTOR high_frag advises jemalloc; active defrag and MEMORY PURGE need it (config.c isValidActiveDefrag).
    const alloc = allocator(b);
    const libc = alloc !== undefined && !/jemalloc/i.test(alloc);
    return fail(
      finding(this, {
        title: `High memory fragmentation: RSS ${bytes(rss)} for ${bytes(used)} of data (ratio ${ratio})`,
        severity: ratio > 2 && excess >= 64 * 1048576 ? 'warning' : 'info',
        detail: `The process holds ${bytes(excess)} more than the dataset needs. This is not a memory leak: after keys are deleted or expire, the allocator (${alloc ?? 'jemalloc'}) keeps the freed pages${peak && used && peak > used * 1.5 ? `; memory peaked at ${bytes(peak)} before shrinking to ${bytes(used)}` : ''}${allocRatio !== undefined && !libc ? ` (allocator_frag_ratio ${allocRatio})` : ''}. ${libc ? `This server uses ${alloc}, not jemalloc: active defrag is not available and MEMORY PURGE does nothing, which is why MEMORY DOCTOR recommends jemalloc.` : `Active defragmentation is ${defrag === 'yes' ? 'on' : 'off'}.`}`,
        evidence: [
          ev('redis_info', 'mem_fragmentation_ratio', ratio),
          ev('redis_info', 'mem_fragmentation_bytes', excess),
          ev('redis_info', 'used_memory', used ?? 'unknown'),
          ev('redis_info', 'used_memory_rss', rss ?? 'unknown'),
          ev('redis_config_get', 'activedefrag', defrag),
        ],
        recommendation: libc
          ? 'Without jemalloc there is no active defrag: restart the process after failing over to a replica to get the memory back, and run a jemalloc build (the default for Redis and Valkey packages) to avoid it.'
          : 'Enable active defragmentation (CONFIG SET activedefrag yes) to compact memory online, or run MEMORY PURGE to return free pages to the OS right away. A restart (after failover to a replica) also resets RSS.',
        commands: libc
          ? ['INFO memory', 'MEMORY DOCTOR', 'REPLICAOF NO ONE  # on the replica, to fail over before the restart']
          : ['CONFIG SET activedefrag yes', 'MEMORY PURGE', 'INFO memory', 'MEMORY DOCTOR'],
        runbook: 'memory-fragmentation',
      }),
    );
  },
};

export const pastPeak: Check = {
  id: 'memory.past-peak',
  name: 'memory peak',
  category: 'memory',
  run(b) {
    const used = b.num('used_memory');
    const peak = b.num('used_memory_peak');
    if (used === undefined || peak === undefined) return skip('used_memory_peak not available');
    // MEMORY DOCTOR big_peak (object.c getMemoryDoctorReport): peak > 1.5x current, on an instance
    // of at least 5 MB (below that the doctor calls it empty and checks nothing).
    if (used < 5 * 1048576 || peak / used <= 1.5) return pass();
    return fail(
      finding(this, {
        title: `Memory peaked at ${bytes(peak)}, ${(peak / used).toFixed(1)}x today's ${bytes(used)}`,
        severity: 'info',
        detail:
          'A past peak (bulk load, mass delete, big temporary keys) explains RSS above the dataset: the allocator does not always return memory after a peak.',
        evidence: [ev('redis_info', 'used_memory_peak', peak), ev('redis_info', 'used_memory', used)],
        recommendation: 'Plan capacity for the peak, not the average; MEMORY PURGE or active defrag reclaims the gap.',
        commands: ['INFO memory', 'MEMORY PURGE'],
        runbook: 'memory-fragmentation',
      }),
    );
  },
};

/**
 * Dynamically generated scripts: MEMORY DOCTOR flags more than 1000 cached scripts (object.c,
 * getMemoryDoctorReport, "many_scripts"); since Redis 7.4 and Valkey 8 the EVAL cache keeps at most
 * 500 scripts and evicts the rest (evicted_scripts), so there the same fault shows as evictions.
 */
export const scriptCache: Check = {
  id: 'memory.script-cache',
  name: 'Lua script cache',
  category: 'memory',
  run(b) {
    const scripts = b.num('number_of_cached_scripts');
    if (scripts === undefined) return skip('number_of_cached_scripts not available');
    const evicted = b.num('evicted_scripts');
    const evictedRate = b.rate('evicted_scripts');
    if (scripts <= 1000 && !evicted) return pass();
    const evicting = Boolean(evicted);
    return fail(
      finding(this, {
        title: evicting ? `Lua script cache churning: ${evicted} scripts evicted, ${scripts} cached` : `${scripts} Lua scripts cached`,
        severity: 'warning',
        detail: evicting
          ? `The EVAL script cache is full (it keeps ${scripts}) and ${evicted} scripts were evicted${evictedRate ? ` (${evictedRate}/s right now)` : ''}: scripts are generated dynamically (values inlined into the script body), so each call compiles a new script and evicts an old one, costing CPU on every call.`
          : 'Thousands of cached scripts mean scripts are generated dynamically (values inlined into the script body); each one is cached forever and memory grows.',
        evidence: [
          ev('redis_info', 'number_of_cached_scripts', scripts),
          ...(evicting ? [ev('redis_info', 'evicted_scripts', evicted!)] : []),
          ...(evictedRate !== undefined ? [ev('redis_info_rates', 'evicted_scripts per second', evictedRate)] : []),
          ev('redis_info', 'used_memory_scripts', b.num('used_memory_scripts') ?? 'unknown'),
        ],
        recommendation: 'Pass values as KEYS/ARGV instead of building script text; load once with SCRIPT LOAD and call EVALSHA. SCRIPT FLUSH clears the cache.',
        commands: ['INFO memory', 'SCRIPT FLUSH ASYNC'],
        runbook: 'lua-busy-scripts',
      }),
    );
  },
};

export const noevictionWithoutTtl: Check = {
  id: 'memory.policy-fit',
  name: 'eviction policy fit',
  category: 'memory',
  run(b) {
    const p = policy(b);
    const keyspace = b.data<{ totalKeys: number; databases: Array<{ expires: number }> }>('redis_keyspace');
    if (!keyspace) return skip('keyspace not available');
    const expires = keyspace.databases.reduce((n, d) => n + d.expires, 0);
    if (!p.startsWith('volatile-') || keyspace.totalKeys === 0 || expires > 0) return pass();
    return fail(
      finding(this, {
        title: `Policy ${p} but no key has a TTL`,
        severity: 'warning',
        detail: `volatile-* policies evict only keys with an expiry; none of the ${keyspace.totalKeys} keys has one, so at maxmemory writes fail with OOM exactly as under noeviction.`,
        evidence: [ev('redis_config_get', 'maxmemory-policy', p), ev('redis_keyspace', 'keys with TTL', 0)],
        recommendation: 'Use an allkeys-* policy, or set TTLs on cache keys.',
        commands: ['CONFIG SET maxmemory-policy allkeys-lru'],
        runbook: 'oom-maxmemory',
      }),
    );
  },
};

export const memoryChecks: Check[] = [
  oomRejections,
  maxmemorySaturation,
  evictions,
  hitRatio,
  hostMemory,
  swapping,
  fragmentation,
  pastPeak,
  scriptCache,
  noevictionWithoutTtl,
];
