import { versionAtLeast } from '../../../core/server-identity';
import { bytes, percent, type Baseline } from '../baseline';
import { ev, fail, finding, pass, skip } from '../check';
import { audited, type InfoAuditEntry } from './info-rule';

/**
 * INFO memory (research/info-audit.md §3) and MEMORY DOCTOR's conditions on it
 * (getMemoryDoctorReport() in src/object.c, redis/redis 7.0.15-7.4.1 and valkey-io/valkey 8.0.1/9.x;
 * research/doctor-logic.md §2). The doctor runs no check on an instance under 5 MiB ("empty"), and
 * each overhead ratio needs both the ratio and 10 MiB of bytes to count.
 */

const MiB = 1048576;
const S70 = 'redis/redis 7.0.15 src/server.c genRedisInfoString()';
const DOCTOR = 'redis/redis 7.0.15-7.4.1 and valkey-io/valkey 8.0.1 src/object.c getMemoryDoctorReport()';
/** getMemoryDoctorReport: "empty" below 5 MiB of used_memory, and no other check runs. */
const DOCTOR_EMPTY = 5 * MiB;
/** Each overhead ratio needs this many bytes too (10<<20 in object.c). */
const DOCTOR_BYTES = 10 * MiB;

/** The allocator, from mem_allocator ("jemalloc-5.3.0", "libc"); undefined when not captured. */
export function allocator(b: Baseline): string | undefined {
  return b.str('mem_allocator');
}

/** jemalloc statistics (allocator_*) and active defrag exist only with jemalloc. */
const notJemalloc = (b: Baseline) => {
  const name = allocator(b);
  return name !== undefined && !/jemalloc/i.test(name);
};

/**
 * 7.4 and Valkey 8+ compute allocator_frag from jemalloc small bins only (the part active defrag
 * can fix); 7.0/7.2 from active/allocated pages (getMemoryOverheadData, object.c).
 */
function smallBinsFormula(b: Baseline): boolean {
  const server = b.server();
  return server !== undefined && (server.kind === 'valkey' || versionAtLeast(server.version, 7, 4));
}

/** A doctor overhead ratio: both the ratio and its bytes over the doctor's limits, on a non-empty instance. */
function overRatio(b: Baseline, ratioField: string, bytesField: string, limit: number): { ratio: number; bytes: number } | 'absent' | undefined {
  const ratio = b.num(ratioField);
  const extra = b.num(bytesField);
  const used = b.num('used_memory');
  if (ratio === undefined || extra === undefined || used === undefined) return 'absent';
  if (used < DOCTOR_EMPTY || ratio <= limit || extra <= DOCTOR_BYTES) return undefined;
  return { ratio, bytes: extra };
}

export const memoryRules: InfoAuditEntry[] = [
  {
    section: 'memory',
    fields: ['used_memory', 'maxmemory', 'maxmemory_policy'],
    versions: 'all',
    judge: 'ratio',
    bad: 'used/maxmemory > 0.9, >= 1 with noeviction',
    source: `${S70}; redis.conf maxmemory`,
    judgedBy: 'memory.maxmemory-saturation',
  },
  {
    section: 'memory',
    fields: ['used_memory_rss', 'total_system_memory', 'maxmemory'],
    versions: 'all',
    judge: 'ratio',
    bad: 'RSS > 90% of host RAM; maxmemory 0',
    source: S70,
    judgedBy: 'memory.host-memory',
  },
  {
    section: 'memory',
    fields: ['mem_fragmentation_ratio', 'mem_fragmentation_bytes', 'mem_allocator'],
    versions: 'all',
    judge: 'ratio',
    bad: `> 1.4 and > 10 MiB (${DOCTOR} high_frag; use jemalloc); < 1 with used > 100 MiB (swap)`,
    source: `${DOCTOR}; valkey-doc 9.0.2 commands/info.md`,
    judgedBy: 'memory.fragmentation, memory.swapping',
  },
  {
    section: 'memory',
    fields: ['used_memory_peak', 'used_memory_peak_perc'],
    versions: 'all',
    judge: 'ratio',
    bad: 'peak/used > 1.5 (big_peak)',
    source: DOCTOR,
    judgedBy: 'memory.past-peak',
  },
  audited({
    id: 'memory.allocator-fragmentation',
    name: 'allocator fragmentation',
    category: 'memory',
    section: 'memory',
    fields: ['allocator_frag_ratio', 'allocator_frag_bytes'],
    versions: 'all (7.4+ and Valkey 8+: small bins only)',
    judge: 'ratio',
    bad: '> 1.1 and > 10 MiB (high_alloc_frag); > 1.5 and > 100 MiB for active defrag',
    source: `${DOCTOR} high_alloc_frag; getMemoryOverheadData(); src/defrag.c computeDefragCycles (active-defrag-ignore-bytes 100mb)`,
    run(b) {
      if (notJemalloc(b)) return skip(`allocator_frag_* are jemalloc statistics; this server uses ${allocator(b)}`);
      const over = overRatio(b, 'allocator_frag_ratio', 'allocator_frag_bytes', 1.1);
      if (over === 'absent') return skip('allocator_frag_ratio not available');
      if (!over) return pass();
      const defrag = b.config('activedefrag') ?? 'unknown';
      const serious = over.ratio > 1.5 && over.bytes > 100 * MiB;
      return fail(
        finding(this, {
          title: `Allocator fragmentation: ${bytes(over.bytes)} of free space inside allocated pages (allocator_frag_ratio ${over.ratio})`,
          severity: serious && defrag !== 'yes' ? 'warning' : 'info',
          detail: `The allocator holds ${bytes(over.bytes)} in partly used pages (${smallBinsFormula(b) ? 'counted in jemalloc small bins, the part active defragmentation can move' : 'active minus allocated bytes'}). MEMORY DOCTOR reports this above 1.1 and 10 MB; it follows a peak or a workload that frees many small values of mixed sizes. Active defragmentation is ${defrag === 'yes' ? 'on' : 'off'}${defrag === 'yes' ? '' : ', and it is the fix: it moves values into fuller pages while the server runs'}.`,
          evidence: [
            ev('redis_info', 'allocator_frag_ratio', over.ratio),
            ev('redis_info', 'allocator_frag_bytes', over.bytes),
            ev('redis_config_get', 'activedefrag', defrag),
            ev('redis_info', 'mem_allocator', allocator(b) ?? 'unknown'),
          ],
          recommendation:
            'Enable active defragmentation; it starts once fragmentation passes active-defrag-threshold-lower (10%) and active-defrag-ignore-bytes (100mb) and uses between active-defrag-cycle-min and -max percent of CPU.',
          commands: ['CONFIG SET activedefrag yes', 'INFO memory', 'MEMORY DOCTOR', 'CONFIG REWRITE'],
          runbook: 'memory-fragmentation',
        }),
      );
    },
  }),
  audited({
    id: 'memory.allocator-rss',
    name: 'allocator resident overhead',
    category: 'memory',
    section: 'memory',
    fields: ['allocator_rss_ratio', 'allocator_rss_bytes', 'allocator_muzzy'],
    versions: 'all (allocator_muzzy 7.4+, Valkey 8+)',
    judge: 'ratio',
    bad: '> 1.1 and > 10 MiB (high_alloc_rss)',
    source: `${DOCTOR} high_alloc_rss`,
    run(b) {
      if (notJemalloc(b)) return skip(`allocator_rss_* are jemalloc statistics; this server uses ${allocator(b)}`);
      const over = overRatio(b, 'allocator_rss_ratio', 'allocator_rss_bytes', 1.1);
      if (over === 'absent') return skip('allocator_rss_ratio not available');
      if (!over) return pass();
      return fail(
        finding(this, {
          title: `Allocator keeps ${bytes(over.bytes)} of freed pages resident (allocator_rss_ratio ${over.ratio})`,
          severity: 'info',
          detail: `jemalloc holds ${bytes(over.bytes)} of pages that no allocation uses but that are still in RSS (resident minus active). MEMORY DOCTOR reports this above 1.1 and 10 MB; it usually follows a peak or a mass delete. The pages go back to the OS over time${b.num('allocator_muzzy') ? ` (${bytes(b.num('allocator_muzzy'))} already marked as free, allocator_muzzy)` : ''}, or at once with MEMORY PURGE. It is not data and not a leak.`,
          evidence: [
            ev('redis_info', 'allocator_rss_ratio', over.ratio),
            ev('redis_info', 'allocator_rss_bytes', over.bytes),
            ev('redis_info', 'used_memory_rss', b.num('used_memory_rss') ?? 'unknown'),
          ],
          recommendation: 'Run MEMORY PURGE to hand the free pages back to the OS now; nothing else is needed unless RSS matters for the host.',
          commands: ['MEMORY PURGE', 'INFO memory'],
          runbook: 'memory-fragmentation',
        }),
      );
    },
  }),
  audited({
    id: 'memory.process-rss',
    name: 'non-allocator RSS',
    category: 'memory',
    section: 'memory',
    fields: ['rss_overhead_ratio', 'rss_overhead_bytes'],
    versions: 'all',
    judge: 'ratio',
    bad: '> 1.1 and > 10 MiB (high_proc_rss)',
    source: `${DOCTOR} high_proc_rss`,
    run(b) {
      const over = overRatio(b, 'rss_overhead_ratio', 'rss_overhead_bytes', 1.1);
      if (over === 'absent') return skip('rss_overhead_ratio not available');
      if (!over) return pass();
      const lua = b.num('used_memory_vm_total') ?? b.num('used_memory_lua') ?? 0;
      const modules = Object.keys(b.section('modules') ?? {}).length;
      return fail(
        finding(this, {
          title: `${bytes(over.bytes)} of process memory outside the allocator (rss_overhead_ratio ${over.ratio})`,
          severity: 'info',
          detail: `The process RSS exceeds what the allocator holds by ${bytes(over.bytes)}. MEMORY DOCTOR reports this above 1.1 and 10 MB and names the usual owners: the Lua VM (${bytes(lua)} now), modules (${modules} loaded), and, during a fork, pages touched by copy-on-write or transparent huge pages.`,
          evidence: [
            ev('redis_info', 'rss_overhead_ratio', over.ratio),
            ev('redis_info', 'rss_overhead_bytes', over.bytes),
            ev('redis_info', 'used_memory_vm_total', lua),
            ev('redis_info', 'modules loaded', modules),
          ],
          recommendation: 'Check Lua memory (SCRIPT FLUSH if the script cache is bloated), the loaded modules, and whether transparent huge pages are on.',
          commands: ['INFO memory', 'MODULE LIST', 'cat /sys/kernel/mm/transparent_hugepage/enabled'],
          runbook: 'memory-fragmentation',
        }),
      );
    },
  }),
  audited({
    id: 'memory.overhead',
    name: 'memory overhead',
    category: 'memory',
    section: 'memory',
    fields: ['used_memory_overhead', 'used_memory_dataset_perc', 'used_memory_startup'],
    versions: 'all',
    judge: 'ratio',
    bad: 'overhead > 50% of used memory on an instance over 1 GiB',
    source: 'redis/redis 7.0.15 src/object.c getMemoryOverheadData(); research/info-audit.md §3 used_memory_overhead',
    run(b) {
      const used = b.num('used_memory');
      const overhead = b.num('used_memory_overhead');
      if (used === undefined || overhead === undefined) return skip('used_memory_overhead not available');
      if (used < 1024 * MiB || overhead / used <= 0.5) return pass();
      const clients = (b.num('mem_clients_normal') ?? 0) + (b.num('mem_clients_slaves') ?? 0);
      const repl = b.num('mem_replication_backlog') ?? 0;
      return fail(
        finding(this, {
          title: `Overhead is ${percent(overhead / used)} of used memory (${bytes(overhead)} of ${bytes(used)})`,
          severity: 'info',
          detail: `Only ${b.str('used_memory_dataset_perc') ?? 'a minority'} of memory holds data. The rest is per-key bookkeeping (many tiny keys), client buffers (${bytes(clients)}) or the replication backlog (${bytes(repl)}).`,
          evidence: [
            ev('redis_info', 'used_memory_overhead', overhead),
            ev('redis_info', 'used_memory', used),
            ev('redis_info', 'mem_clients_normal+slaves', clients),
            ev('redis_info', 'mem_replication_backlog', repl),
          ],
          recommendation:
            'If buffers dominate, see the client findings; if keys do, group small values into hashes (one hash of up to a few hundred fields per id range) to save the per-key overhead.',
          commands: ['MEMORY STATS', 'MEMORY DOCTOR'],
          runbook: 'capacity-planning',
        }),
      );
    },
  }),
  audited({
    id: 'memory.lua-memory',
    name: 'Lua memory',
    category: 'memory',
    section: 'memory',
    fields: ['used_memory_vm_total', 'used_memory_lua', 'used_memory_vm_eval'],
    versions: 'all (used_memory_vm_* 7.0+)',
    judge: 'abs',
    bad: '> 100 MiB',
    source: `${S70}; research/info-audit.md §3 used_memory_vm_total`,
    run(b) {
      const lua = b.num('used_memory_vm_total') ?? b.num('used_memory_lua');
      if (lua === undefined) return skip('Lua memory fields not available');
      if (lua <= 100 * MiB) return pass();
      return fail(
        finding(this, {
          title: `The Lua VM uses ${bytes(lua)}`,
          severity: 'warning',
          detail: `Lua memory (scripts and functions) is ${bytes(lua)}. It counts in RSS but not against maxmemory eviction, and grows with scripts that build big tables or with a script cache of thousands of generated scripts (${b.num('number_of_cached_scripts') ?? 0} cached).`,
          evidence: [ev('redis_info', 'used_memory_vm_total', lua), ev('redis_info', 'number_of_cached_scripts', b.num('number_of_cached_scripts') ?? 0)],
          recommendation: 'Flush a bloated script cache and keep scripts small: pass data through KEYS/ARGV, do not accumulate large tables inside scripts.',
          commands: ['SCRIPT FLUSH ASYNC', 'FUNCTION LIST', 'INFO memory'],
          runbook: 'lua-busy-scripts',
        }),
      );
    },
  }),
  {
    section: 'memory',
    fields: ['number_of_cached_scripts', 'used_memory_scripts_eval'],
    versions: '7.0+',
    judge: 'abs',
    bad: '> 1000 cached scripts (many_scripts)',
    source: `${DOCTOR} many_scripts`,
    judgedBy: 'memory.script-cache',
  },
  audited({
    id: 'memory.not-counted-for-evict',
    name: 'memory outside eviction accounting',
    category: 'memory',
    section: 'memory',
    fields: ['mem_not_counted_for_evict', 'maxmemory'],
    versions: 'all',
    judge: 'ratio',
    bad: '> 10% of maxmemory',
    source: `${S70}; src/evict.c freeMemoryGetNotCountedMemory (replica output buffers and AOF buffers)`,
    run(b) {
      const notCounted = b.num('mem_not_counted_for_evict');
      const max = b.num('maxmemory');
      if (notCounted === undefined || max === undefined) return skip('mem_not_counted_for_evict not available');
      if (max === 0 || notCounted <= 0.1 * max) return pass();
      return fail(
        finding(this, {
          title: `${bytes(notCounted)} of buffers are not counted against maxmemory (${percent(notCounted / max)} of it)`,
          severity: 'warning',
          detail:
            'Replica output buffers and AOF buffers are left out of eviction accounting, so the process can use this much more than maxmemory: with a tight host memory margin that ends with the OOM killer.',
          evidence: [
            ev('redis_info', 'mem_not_counted_for_evict', notCounted),
            ev('redis_info', 'maxmemory', max),
            ev('redis_info', 'mem_clients_slaves', b.num('mem_clients_slaves') ?? 0),
            ev('redis_info', 'mem_aof_buffer', b.num('mem_aof_buffer') ?? 0),
          ],
          recommendation: 'Find why the buffers are large (lagging replicas, a slow AOF disk) and leave host memory headroom above maxmemory for them.',
          commands: ['INFO replication', 'INFO persistence', 'CLIENT LIST TYPE replica'],
          runbook: 'capacity-planning',
        }),
      );
    },
  }),
  audited({
    id: 'memory.replication-buffer',
    name: 'replication buffer',
    category: 'replication',
    section: 'memory',
    fields: ['mem_total_replication_buffers', 'repl_backlog_size'],
    versions: '7.0+',
    judge: 'ratio',
    bad: '> 2 x repl_backlog_size (a replica holds back the shared buffer)',
    source: `${S70}; valkey-doc 9.0.2 commands/info.md mem_total_replication_buffers (shared replication buffer since 7.0)`,
    run(b) {
      const total = b.num('mem_total_replication_buffers');
      const backlog = b.num('repl_backlog_size');
      if (total === undefined || backlog === undefined) return skip('mem_total_replication_buffers needs Redis 7.0+');
      if (!backlog || total <= 2 * backlog || total < DOCTOR_BYTES) return pass();
      return fail(
        finding(this, {
          title: `Replication buffer holds ${bytes(total)}, ${(total / backlog).toFixed(1)}x the backlog size`,
          severity: 'warning',
          detail: `Since 7.0 replicas and the backlog share one replication buffer; it grows past repl-backlog-size (${bytes(backlog)}) only while a replica has not yet received that part of the stream. A replica is lagging (slow link, slow replica, or a full sync in progress) and the master keeps ${bytes(total - backlog)} for it; at the replica output-buffer limit the replica is dropped and must fully resync.`,
          evidence: [
            ev('redis_info', 'mem_total_replication_buffers', total),
            ev('redis_info', 'repl_backlog_size', backlog),
            ev('redis_info', 'connected_slaves', b.num('connected_slaves') ?? 0),
          ],
          recommendation:
            'Find the lagging replica (INFO replication lag and offsets, CLIENT LIST TYPE replica omem) and fix its network or load; raise client-output-buffer-limit replica only if bursts are legitimate.',
          commands: ['INFO replication', 'CLIENT LIST TYPE replica', 'CONFIG GET client-output-buffer-limit'],
          runbook: 'full-resync-backlog',
        }),
      );
    },
  }),
  {
    section: 'memory',
    fields: ['mem_clients_slaves'],
    versions: 'all',
    judge: 'abs',
    bad: '> 10 MiB in total, not per replica since 7.0 (big_replica_buf)',
    source: `${DOCTOR} big_replica_buf`,
    judgedBy: 'connections.replica-buffers',
  },
  {
    section: 'memory',
    fields: ['mem_clients_normal', 'connected_clients'],
    versions: 'all',
    judge: 'ratio',
    bad: '> 200 KiB per client on average (big_client_buf), split by what holds it',
    source: `${DOCTOR} big_client_buf`,
    judgedBy: 'connections.output-buffers, clients.query-buffer, clients.transaction',
  },
  {
    section: 'memory',
    fields: ['mem_cluster_links', 'mem_replicas_repl_buffer'],
    versions: 'all (mem_replicas_repl_buffer Valkey 9.1)',
    judge: 'rate',
    bad: 'cluster link buffers growing (cluster-link-sendbuf-limit); a replica-side buffer spike during dual-channel sync',
    source: 'redis.conf 7.0.15 cluster-link-sendbuf-limit; valkey-doc main commands/info.md mem_replicas_repl_buffer',
    notJudged: 'needs their growth rate (not among the gauges redis_info_rates samples) and, for the replica buffer, a threshold the sources do not give',
  },
  audited({
    id: 'persistence.aof-buffer',
    name: 'AOF buffer',
    category: 'persistence',
    section: 'memory',
    fields: ['mem_aof_buffer', 'aof_buffer_length'],
    versions: 'all',
    judge: 'abs',
    bad: '> 64 MiB (the disk cannot keep up with writes)',
    source: `${S70}; research/info-audit.md §3 mem_aof_buffer`,
    run(b) {
      const buffer = b.num('mem_aof_buffer');
      if (buffer === undefined) return skip('mem_aof_buffer not available');
      if (buffer <= 64 * MiB) return pass();
      return fail(
        finding(this, {
          title: `AOF buffer holds ${bytes(buffer)} not yet written to disk`,
          severity: 'warning',
          detail:
            'Writes are accumulating in the AOF buffer faster than the disk takes them: latency spikes follow, and the buffer counts in RSS but not against maxmemory.',
          evidence: [ev('redis_info', 'mem_aof_buffer', buffer), ev('redis_config_get', 'appendfsync', b.config('appendfsync') ?? 'unknown')],
          recommendation: 'Move the AOF to a faster local disk, reduce disk contention, or relax appendfsync to everysec.',
          commands: ['INFO persistence', 'CONFIG SET appendfsync everysec', 'iostat -x 1 5'],
          runbook: 'aof-persistence-failures',
        }),
      );
    },
  }),
  audited({
    id: 'memory.lazyfree-backlog',
    name: 'lazy free queue',
    category: 'memory',
    section: 'memory',
    fields: ['lazyfree_pending_objects', 'lazyfreed_objects'],
    versions: 'all',
    judge: 'abs',
    bad: '> 0 pending; >= 100000 pending is a backlog',
    source: `${S70}; src/lazyfree.c (objects handed to the background thread)`,
    run(b) {
      const pending = b.num('lazyfree_pending_objects');
      if (pending === undefined) return skip('lazyfree_pending_objects not available');
      if (pending === 0) return pass();
      const drain = b.rate('lazyfreed_objects');
      return fail(
        finding(this, {
          title: `${pending} objects waiting to be freed in the background${drain ? ` (freeing ${Math.round(drain)}/s)` : ''}`,
          severity: pending >= 100_000 ? 'warning' : 'info',
          detail: `UNLINK, FLUSHALL ASYNC and lazyfree-lazy-* hand big values to a background thread; ${pending} are still queued, so their memory is not yet back${drain ? `, about ${Math.ceil(pending / drain)} s at the current pace` : ''}. Until then used_memory stays high and eviction may remove live keys to make room.`,
          evidence: [
            ev('redis_info', 'lazyfree_pending_objects', pending),
            ...(drain !== undefined ? [ev('redis_info_rates', 'lazyfreed_objects per second', drain)] : []),
          ],
          recommendation:
            'Let the queue drain before judging memory; avoid deleting many big keys at once (spread the deletes) and watch lazyfree_pending_objects fall.',
          commands: ['INFO memory', 'INFO stats'],
          runbook: 'big-keys',
        }),
      );
    },
  }),
  audited({
    id: 'memory.rehashing',
    name: 'hash table rehashing memory',
    category: 'memory',
    section: 'memory',
    fields: ['mem_overhead_db_hashtable_rehashing'],
    versions: '7.4+, Valkey 8+',
    judge: 'ratio',
    bad: '> 50% of the headroom left under maxmemory',
    source: 'redis/redis 7.4.1 src/server.c genRedisInfoString(); valkey-doc 9.0.2 commands/info.md',
    run(b) {
      const rehashing = b.num('mem_overhead_db_hashtable_rehashing');
      const max = b.num('maxmemory');
      const used = b.num('used_memory');
      if (rehashing === undefined || max === undefined || used === undefined) return skip('mem_overhead_db_hashtable_rehashing needs 7.4+ or Valkey 8+');
      if (!max || rehashing < MiB || rehashing <= 0.5 * Math.max(0, max - used)) return pass();
      return fail(
        finding(this, {
          title: `A keyspace rehash holds ${bytes(rehashing)}, most of the room left under maxmemory`,
          severity: 'info',
          detail: `The main dictionary is being resized and the new table takes ${bytes(rehashing)} while ${bytes(Math.max(0, max - used))} is left under maxmemory: the rehash can push the server over the limit and trigger a burst of evictions or OOM errors.`,
          evidence: [
            ev('redis_info', 'mem_overhead_db_hashtable_rehashing', rehashing),
            ev('redis_info', 'used_memory', used),
            ev('redis_info', 'maxmemory', max),
          ],
          recommendation: 'Keep more headroom under maxmemory on instances whose key count grows in steps.',
          commands: ['INFO memory', 'MEMORY STATS'],
          runbook: 'capacity-planning',
        }),
      );
    },
  }),
];
