import { bytes, percent } from '../baseline';
import { ev, fail, finding, pass, skip } from '../check';
import { counterRate, perSecond, rateSource } from '../counter-rate';
import { audited, type InfoAuditEntry } from './info-rule';

/** INFO persistence (research/info-audit.md §4), plus the fork counters of INFO stats/cpu. */

const MiB = 1048576;
const S70 = 'redis/redis 7.0.15 src/server.c genRedisInfoString()';

/** Durations of background children, in seconds, and how long is too long (info-audit.md §4). */
const CHILD_DURATIONS: Array<{ field: string; limit: number; what: string }> = [
  { field: 'rdb_current_bgsave_time_sec', limit: 600, what: 'the running BGSAVE' },
  { field: 'aof_current_rewrite_time_sec', limit: 600, what: 'the running AOF rewrite' },
  { field: 'rdb_last_bgsave_time_sec', limit: 300, what: 'the last BGSAVE' },
  { field: 'aof_last_rewrite_time_sec', limit: 600, what: 'the last AOF rewrite' },
];

export const persistenceRules: InfoAuditEntry[] = [
  {
    section: 'persistence',
    fields: ['loading', 'loading_eta_seconds', 'loading_rdb_used_mem'],
    versions: 'all',
    judge: 'state',
    bad: 'loading 1; ETA > 300 s; loading_rdb_used_mem > maxmemory',
    source: S70,
    judgedBy: 'availability.loading',
  },
  {
    section: 'persistence',
    fields: ['rdb_last_bgsave_status'],
    versions: 'all',
    judge: 'state',
    bad: 'err (writes refused with MISCONF)',
    source: `${S70}; redis.conf stop-writes-on-bgsave-error`,
    judgedBy: 'persistence.rdb-failure',
  },
  {
    section: 'persistence',
    fields: ['rdb_changes_since_last_save', 'rdb_last_save_time'],
    versions: 'all',
    judge: 'abs',
    bad: 'no successful save for long while writes happen',
    source: S70,
    judgedBy: 'persistence.stale-backup',
  },
  {
    section: 'persistence',
    fields: ['aof_enabled'],
    versions: 'all',
    judge: 'state',
    bad: '0 with save "" (no persistence)',
    source: S70,
    judgedBy: 'persistence.disabled',
  },
  {
    section: 'persistence',
    fields: ['aof_last_bgrewrite_status', 'aof_last_write_status', 'aof_rewrites_consecutive_failures'],
    versions: 'all (consecutive failures 7.0+)',
    judge: 'state',
    bad: 'err; failures >= 1',
    source: S70,
    judgedBy: 'persistence.aof-failure',
  },
  {
    section: 'persistence',
    fields: ['aof_buffer_length'],
    versions: 'all',
    judge: 'abs',
    bad: '> 16 MiB sustained',
    source: S70,
    judgedBy: 'persistence.aof-buffer',
  },
  {
    section: 'persistence',
    fields: ['rdb_last_load_keys_loaded', 'current_fork_perc'],
    versions: '7.0+',
    judge: 'rate',
    bad: 'far fewer keys loaded than expected after a restart; a save progressing under 1%/s',
    source: S70,
    notJudged: 'needs the dataset size expected before the restart, or the progress rate of current_fork_perc (not sampled by redis_info_rates)',
  },
  audited({
    id: 'persistence.async-loading',
    name: 'asynchronous loading',
    category: 'replication',
    section: 'persistence',
    fields: ['async_loading'],
    versions: '7.0+',
    judge: 'state',
    bad: '1 (a replica holds the old and the new dataset at once)',
    source: `${S70}; redis.conf repl-diskless-load swapdb`,
    run(b) {
      const loading = b.num('async_loading');
      if (loading === undefined) return skip('async_loading needs Redis 7.0+');
      if (loading !== 1) return pass();
      return fail(
        finding(this, {
          title: 'Replica is loading a new dataset while serving the old one (async_loading)',
          severity: 'warning',
          detail: `With repl-diskless-load swapdb the replica keeps serving its old data while it loads the new copy from the master, so it holds both: memory can reach twice the dataset (${bytes(b.num('used_memory'))} now).`,
          evidence: [
            ev('redis_info', 'async_loading', 1),
            ev('redis_config_get', 'repl-diskless-load', b.config('repl-diskless-load') ?? 'unknown'),
            ev('redis_info', 'used_memory', b.num('used_memory') ?? 'unknown'),
          ],
          recommendation: 'Leave room for two copies during full syncs, or set repl-diskless-load disabled on memory-tight replicas.',
          commands: ['INFO replication', 'CONFIG GET repl-diskless-load'],
          runbook: 'full-resync-backlog',
        }),
      );
    },
  }),
  audited({
    id: 'persistence.copy-on-write',
    name: 'copy-on-write during saves',
    category: 'memory',
    section: 'persistence',
    fields: ['current_cow_peak', 'current_cow_size', 'rdb_last_cow_size', 'aof_last_cow_size'],
    versions: 'all (current_cow_peak 7.0+)',
    judge: 'ratio',
    bad: '> 50% of used_memory',
    source: `${S70}; research/info-audit.md §4 current_cow_peak`,
    run(b) {
      const used = b.num('used_memory');
      const fields = ['current_cow_peak', 'current_cow_size', 'rdb_last_cow_size', 'aof_last_cow_size'];
      const seen = fields.map((f) => ({ f, v: b.num(f) })).filter((x): x is { f: string; v: number } => x.v !== undefined);
      if (used === undefined || seen.length === 0) return skip('copy-on-write fields not available');
      const worst = seen.sort((x, y) => y.v - x.v)[0];
      if (worst.v < 10 * MiB || worst.v <= 0.5 * used) return pass();
      return fail(
        finding(this, {
          title: `A save child copied ${bytes(worst.v)} on write, ${percent(worst.v / used)} of the dataset`,
          severity: 'warning',
          detail: `While a fork child writes the RDB or rewrites the AOF, every page the parent modifies is copied. ${worst.f} is ${bytes(worst.v)} for ${bytes(used)} of data: heavy writes during saves (or transparent huge pages, which copy 2 MB per touch) nearly double memory and can trigger the OOM killer.`,
          evidence: seen.map((x) => ev('redis_info', x.f, x.v)).concat([ev('redis_info', 'used_memory', used)]),
          recommendation:
            'Leave host memory for copy-on-write, disable transparent huge pages, and save from a replica (or less often) on write-heavy masters.',
          commands: ['INFO persistence', 'cat /sys/kernel/mm/transparent_hugepage/enabled', 'CONFIG GET save'],
          runbook: 'rdb-persistence-failures',
        }),
      );
    },
  }),
  audited({
    id: 'persistence.slow-child',
    name: 'save and rewrite duration',
    category: 'persistence',
    section: 'persistence',
    fields: [...CHILD_DURATIONS.map((d) => d.field), 'rdb_bgsave_in_progress', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled'],
    versions: 'all',
    judge: 'abs',
    bad: 'a BGSAVE over 300 s (running over 600 s, or over twice the last one), an AOF rewrite over 600 s',
    source: `${S70}; research/info-audit.md §4`,
    run(b) {
      const seen = CHILD_DURATIONS.map((d) => ({ ...d, value: b.num(d.field) })).filter((d) => d.value !== undefined);
      if (seen.length === 0) return skip('save durations not available');
      // A running save twice as long as the last one (and over a minute) is stuck, whatever the limit.
      const last = b.num('rdb_last_bgsave_time_sec') ?? -1;
      const slow = seen.filter((d) => d.value! > d.limit || (d.field === 'rdb_current_bgsave_time_sec' && last > 0 && d.value! > 60 && d.value! > 2 * last));
      if (slow.length === 0) return pass();
      return fail(
        finding(this, {
          title: `Background saves are slow: ${slow.map((d) => `${d.what} ${d.value} s`).join(', ')}`,
          severity: 'warning',
          detail: `A child that runs for minutes keeps the copy-on-write window open (memory grows with every write) and widens the data-loss window; on replicas it delays full syncs. Usually the disk is slow or shared, or the dataset is too big for one instance.`,
          evidence: slow.map((d) => ev('redis_info', d.field, d.value!)),
          recommendation: 'Check disk throughput during the save (iostat), move the data directory to a faster local disk, or shard the dataset.',
          commands: ['INFO persistence', 'iostat -x 1 5'],
          runbook: 'rdb-persistence-failures',
        }),
      );
    },
  }),
  audited({
    id: 'persistence.fork-storm',
    name: 'fork frequency',
    category: 'persistence',
    section: 'persistence',
    fields: ['total_forks', 'rdb_saves', 'aof_rewrites', 'used_cpu_user_children', 'used_cpu_sys_children'],
    versions: 'all (rdb_saves, aof_rewrites 7.0+)',
    judge: 'rate',
    bad: 'more than 1 fork per minute (snapshot points too aggressive)',
    source: `${S70}; research/info-audit.md §4 rdb_saves, §5 total_forks, §7 used_cpu_*_children`,
    run(b) {
      const forks = counterRate(b, 'total_forks');
      if (!forks) return skip('total_forks not available');
      if (forks.basis !== 'now') return skip('fork frequency needs the rate sample (redis_info_rates)');
      const perMinute = forks.perSecond * 60;
      // One fork in a short window may be a single save; two or more, or one with a high average since start, is a pattern.
      const inWindow = Math.round(forks.perSecond * forks.seconds);
      const uptime = b.num('uptime_in_seconds') ?? 0;
      const averagePerMinute = uptime > 0 ? (forks.total / uptime) * 60 : 0;
      // A child still running counts as a fork in progress: on a loaded host one save outlasts the window.
      const childRunning = b.num('rdb_bgsave_in_progress') === 1 || b.num('aof_rewrite_in_progress') === 1;
      const recurring = inWindow >= 2 || ((inWindow >= 1 || childRunning) && forks.total >= 2 && averagePerMinute > 1);
      if (!recurring) return pass();
      // Full syncs fork too (an RDB for the replica): when they account for the forks,
      // replication.full-resyncs explains them.
      const syncs = b.rate('sync_full') ?? 0;
      if (syncs >= 0.5 * forks.perSecond) return pass();
      const saves = counterRate(b, 'rdb_saves');
      const rewrites = counterRate(b, 'aof_rewrites');
      const rates = b.rates();
      const childCpu = (rates?.cpuPercent.used_cpu_user_children ?? 0) + (rates?.cpuPercent.used_cpu_sys_children ?? 0);
      const save = b.config('save') ?? '(CONFIG GET save)';
      const forkMs = (b.num('latest_fork_usec') ?? 0) / 1000;
      const byRewrites = (rewrites?.perSecond ?? 0) > (saves?.perSecond ?? 0);
      return fail(
        finding(this, {
          title: `The server forks ${Math.max(perMinute, averagePerMinute).toFixed(0)} times a minute for ${byRewrites ? 'AOF rewrites' : 'RDB snapshots'} (save "${save}")`,
          severity: 'warning',
          detail: `${inWindow} fork(s) in the last ${forks.seconds.toFixed(0)} s${childRunning ? ' with a child still running' : ''} (${forks.total} since start, ${averagePerMinute.toFixed(0)} a minute on average). Each fork freezes the server for ${forkMs.toFixed(1)} ms now (and longer as the dataset grows), copies memory on write while the child runs, and keeps the disk busy: ${byRewrites ? 'auto-aof-rewrite-percentage / -min-size are set so low that the AOF is rewritten continuously' : `the save points "${save}" trigger a new snapshot as soon as the previous one ends under this write rate`}.${childCpu ? ` Save children use ${childCpu.toFixed(0)}% CPU.` : ''}`,
          evidence: [
            ev(rateSource(forks), 'total_forks per minute', perMinute.toFixed(1)),
            ev('redis_info', 'total_forks', forks.total),
            ...(saves ? [ev(rateSource(saves), 'rdb_saves per second', perSecond(saves.perSecond))] : []),
            ...(rewrites ? [ev(rateSource(rewrites), 'aof_rewrites per second', perSecond(rewrites.perSecond))] : []),
            ev('redis_config_get', 'save', save),
            ev('redis_info', 'latest_fork_usec', b.num('latest_fork_usec') ?? 'unknown'),
            ...(childCpu ? [ev('redis_info_rates', 'child CPU %', childCpu.toFixed(0))] : []),
          ],
          recommendation: byRewrites
            ? 'Raise auto-aof-rewrite-percentage (default 100) and auto-aof-rewrite-min-size (default 64mb) so rewrites happen when the file has doubled, not continuously.'
            : 'Use save points that snapshot at most every few minutes (the defaults are "3600 1 300 100 60 10000"), or rely on AOF everysec for durability and snapshot from a replica.',
          commands: byRewrites
            ? ['CONFIG SET auto-aof-rewrite-percentage 100', 'CONFIG SET auto-aof-rewrite-min-size 64mb', 'CONFIG REWRITE']
            : ['CONFIG SET save "3600 1 300 100 60 10000"', 'CONFIG REWRITE', 'INFO persistence'],
          runbook: 'rdb-persistence-failures',
        }),
      );
    },
  }),
  audited({
    id: 'persistence.aof-growth',
    name: 'AOF growth',
    category: 'persistence',
    section: 'persistence',
    fields: ['aof_current_size', 'aof_base_size'],
    versions: 'all (AOF on)',
    judge: 'ratio',
    bad: 'growth since the last rewrite > 2 x auto-aof-rewrite-percentage above auto-aof-rewrite-min-size',
    source: `${S70}; redis.conf 7.0.15 auto-aof-rewrite-percentage / auto-aof-rewrite-min-size`,
    run(b) {
      const current = b.num('aof_current_size');
      const base = b.num('aof_base_size');
      if (b.num('aof_enabled') !== 1) return pass();
      if (current === undefined || base === undefined) return skip('aof_current_size not available');
      const percentage = Number(b.config('auto-aof-rewrite-percentage') ?? 100);
      const minSize = Number(b.config('auto-aof-rewrite-min-size') ?? 64 * MiB);
      if (!base || current < minSize || percentage === 0) return pass();
      const growth = (current / base - 1) * 100;
      if (growth <= 2 * percentage) return pass();
      const perSec = b.rates()?.growthPerSecond.aof_current_size;
      return fail(
        finding(this, {
          title: `AOF grew ${growth.toFixed(0)}% since its last rewrite (${bytes(current)}); rewrites are not keeping up`,
          severity: 'warning',
          detail: `A rewrite should start at ${percentage}% growth, yet the file is at ${growth.toFixed(0)}%${perSec ? ` and grows ${bytes(perSec)}/s` : ''}: rewrites fail, are delayed by a running BGSAVE, or cannot finish under this write rate. A long AOF means a long restart (it is replayed at load).`,
          evidence: [
            ev('redis_info', 'aof_current_size', current),
            ev('redis_info', 'aof_base_size', base),
            ev('redis_config_get', 'auto-aof-rewrite-percentage', percentage),
            ...(perSec !== undefined ? [ev('redis_info_rates', 'aof_current_size growth (bytes/s)', perSec)] : []),
          ],
          recommendation: 'Check aof_last_bgrewrite_status and the log for rewrite errors, then run BGREWRITEAOF and watch aof_current_size drop.',
          commands: ['INFO persistence', 'BGREWRITEAOF'],
          runbook: 'aof-persistence-failures',
        }),
      );
    },
  }),
  audited({
    id: 'persistence.aof-fsync-delays',
    name: 'AOF fsync delays',
    category: 'persistence',
    section: 'persistence',
    fields: ['aof_delayed_fsync', 'aof_pending_bio_fsync'],
    versions: 'all (AOF on)',
    judge: 'abs',
    bad: 'aof_delayed_fsync > 0 (a write waited over 2 s for fsync)',
    source: `${S70}; src/aof.c flushAppendOnlyFile ("Asynchronous AOF fsync is taking too long (disk is busy?)")`,
    run(b) {
      if (b.num('aof_enabled') !== 1) return pass();
      const delayed = b.num('aof_delayed_fsync');
      if (delayed === undefined) return skip('aof_delayed_fsync not available');
      if (delayed === 0) return pass();
      return fail(
        finding(this, {
          title: `The disk stalled AOF writes ${delayed} times (fsync over 2 s)`,
          severity: 'warning',
          detail: `With appendfsync ${b.config('appendfsync') ?? 'everysec'}, a write that finds the previous fsync still running after 2 s blocks the server until it ends ("Asynchronous AOF fsync is taking too long (disk is busy?)" in the log). It happened ${delayed} times since start: each is a latency spike, and up to 2 s of writes were at risk.${b.num('aof_pending_bio_fsync') ? ` ${b.num('aof_pending_bio_fsync')} fsync(s) are queued now.` : ''}`,
          evidence: [
            ev('redis_info', 'aof_delayed_fsync', delayed),
            ev('redis_info', 'aof_pending_bio_fsync', b.num('aof_pending_bio_fsync') ?? 0),
            ev('redis_config_get', 'appendfsync', b.config('appendfsync') ?? 'unknown'),
          ],
          recommendation:
            'Give the AOF a faster local disk without contention; set no-appendfsync-on-rewrite yes if durability allows, so rewrites do not compete with fsync.',
          commands: ['iostat -x 1 5', 'CONFIG SET no-appendfsync-on-rewrite yes', 'LATENCY LATEST'],
          runbook: 'aof-persistence-failures',
        }),
      );
    },
  }),
];
