import type { Baseline } from '../baseline';

/**
 * LATENCY DOCTOR's advice, per latency event, recomputed from LATENCY LATEST and CONFIG so the
 * answer can give it even when the doctor's text is cut. Source: createLatencyReport() and
 * analyzeLatencyForEvent() in src/latency.c (redis/redis 7.0.15 and 7.4.1, valkey-io/valkey 8.0.1
 * and 9.x; research/doctor-logic.md §3). The fork rate is the one server.c computes at each fork
 * (stat_fork_rate = used_memory * 1e6 / latest_fork_usec / 2^30, in GB/s).
 */

export type Advice =
  | 'better_vm'
  | 'slowlog_enabled'
  | 'slowlog_tuning'
  | 'slowlog_inspect'
  | 'scheduler'
  | 'local_disk'
  | 'ssd'
  | 'data_writeback'
  | 'disk_contention'
  | 'no_appendfsync'
  | 'relax_fsync_policy'
  | 'write_load_info'
  | 'hz'
  | 'large_objects'
  | 'mass_eviction'
  | 'disable_thp';

/** Which advice each event raises in createLatencyReport(); events not listed raise none. */
export const EVENT_ADVICE: Record<string, Advice[]> = {
  command: ['slowlog_inspect', 'large_objects'],
  'fast-command': ['scheduler'],
  'aof-write-pending-fsync': ['local_disk', 'disk_contention', 'ssd', 'data_writeback'],
  'aof-write-active-child': ['no_appendfsync', 'data_writeback', 'ssd'],
  'aof-write-alone': ['local_disk', 'data_writeback', 'ssd'],
  'aof-fsync-always': ['relax_fsync_policy'],
  'aof-fstat': ['disk_contention', 'local_disk'],
  'rdb-unlink-temp-file': ['disk_contention', 'local_disk'],
  'aof-rewrite-diff-write': ['write_load_info', 'data_writeback', 'ssd', 'local_disk'],
  'aof-rename': ['write_load_info', 'data_writeback', 'ssd', 'local_disk'],
  'expire-cycle': ['hz', 'large_objects'],
  'eviction-del': ['large_objects'],
  'eviction-cycle': ['mass_eviction'],
};

/** The advice in our words, with the command that acts on it when there is one. */
export const ADVICE: Record<Advice, { text: string; command?: string }> = {
  better_vm: {
    text: 'fork() is slow on this host: on a VM, move to an instance type or hypervisor with fast fork (Xen is known to be slow), or snapshot from a replica instead',
  },
  slowlog_enabled: {
    text: 'the slow log is disabled: enable it to see which commands are slow',
    command: 'CONFIG SET slowlog-log-slower-than <latency-monitor-threshold x 1000>',
  },
  slowlog_tuning: {
    text: 'the slow log threshold is above the latency monitor threshold, so the commands behind these spikes are not in the slow log: lower it',
    command: 'CONFIG SET slowlog-log-slower-than <latency-monitor-threshold x 1000>',
  },
  slowlog_inspect: { text: 'read the slow log to find the slow commands and the clients sending them', command: 'SLOWLOG GET 25' },
  scheduler: {
    text: 'even O(1) commands stalled, which points at the host, not the workload: the OS did not give the server CPU (noisy neighbours, CPU steal, swapping); measure the intrinsic latency of the host',
    command: 'redis-cli --intrinsic-latency 100',
  },
  local_disk: { text: 'keep the AOF and RDB on a local disk; network-attached disks make writes and fsync slow' },
  ssd: { text: 'an SSD shortens fsync, snapshot and rewrite times' },
  data_writeback: { text: 'ext3/ext4 mounted with data=writeback writes faster, at the risk of a half-written AOF tail after a crash' },
  disk_contention: { text: 'other processes (or other instances) compete for the disk: move them or the data directory elsewhere' },
  no_appendfsync: {
    text: 'AOF writes stall while a child is saving: if durability allows, skip fsync during rewrites',
    command: 'CONFIG SET no-appendfsync-on-rewrite yes',
  },
  relax_fsync_policy: {
    text: 'appendfsync always waits for the disk on every write: everysec keeps at most one second of writes at risk',
    command: 'CONFIG SET appendfsync everysec',
  },
  write_load_info: {
    text: 'the AOF rename or final write is slow because of a very large buffer under heavy writes: send fewer write commands, or batch them',
  },
  hz: { text: 'a higher hz makes the active expiry cycle run in smaller steps', command: 'CONFIG SET hz 100' },
  large_objects: {
    text: 'deleting, expiring or evicting large objects blocks the server: split big keys, delete them with UNLINK, and let lazyfree free them in the background',
    command: 'CONFIG SET lazyfree-lazy-user-del yes',
  },
  mass_eviction: {
    text: 'a sudden maxmemory cut, or a big result (SUNIONSTORE, ZUNIONSTORE, SORT ... STORE, RESTORE) creates memory pressure that eviction frees in one blocking go: lower maxmemory in steps and bound such results',
  },
  disable_thp: {
    text: 'the process uses transparent huge pages, which make fork and copy-on-write very slow: disable THP and restart the process',
    command: 'echo never > /sys/kernel/mm/transparent_hugepage/enabled',
  },
};

/** stat_fork_rate of server.c in GB/s, from INFO (current memory, not memory at fork time). */
export function forkRate(b: Baseline): number | undefined {
  const usec = b.num('latest_fork_usec');
  const used = b.num('used_memory');
  if (!usec || used === undefined) return undefined;
  return (used * 1e6) / usec / 1073741824;
}

/** LATENCY DOCTOR's grades of the fork rate (latency.c: < 10 terrible, < 25 poor, < 100 good). */
export function forkGrade(gbPerSecond: number): 'terrible' | 'poor' | 'good' | 'excellent' {
  if (gbPerSecond < 10) return 'terrible';
  if (gbPerSecond < 25) return 'poor';
  if (gbPerSecond < 100) return 'good';
  return 'excellent';
}

/** The doctor prints THP advice when /proc/self/smaps shows anonymous huge pages (THPGetAnonHugePagesSize). */
export const THP_IN_DOCTOR = /anonymous huge pages/i;

/** Advice for the events recorded, filtered by the conditions createLatencyReport() applies. */
export function adviceFor(b: Baseline, events: string[]): Advice[] {
  const advice = new Set<Advice>(events.flatMap((e) => EVENT_ADVICE[e] ?? []));
  const grade = events.includes('fork') ? forkRate(b) : undefined;
  if (grade !== undefined && ['terrible', 'poor'].includes(forkGrade(grade))) advice.add('better_vm');
  if (events.includes('command')) {
    // 7.0/7.2 test slowlog-log-slower-than < 0; 7.4, Valkey 8+ also slowlog-max-len 0 (commandlog in 8.1+).
    const slower = Number(b.config('slowlog-log-slower-than') ?? b.config('commandlog-execution-slower-than') ?? 10000);
    const maxLen = Number(b.config('slowlog-max-len') ?? b.config('commandlog-slow-execution-max-len') ?? 128);
    const threshold = Number(b.config('latency-monitor-threshold') ?? 0);
    if (slower < 0 || maxLen === 0) advice.add('slowlog_enabled');
    else if (threshold > 0 && slower / 1000 > threshold) advice.add('slowlog_tuning');
  }
  if (advice.has('relax_fsync_policy') && b.config('appendfsync') !== 'always') advice.delete('relax_fsync_policy');
  if (advice.has('hz') && Number(b.config('hz') ?? b.num('hz') ?? 10) >= 100) advice.delete('hz');
  return [...advice];
}
