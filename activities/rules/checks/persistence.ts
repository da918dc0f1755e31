import { bytes } from '../baseline';
import { ev, fail, finding, pass, skip, type Check } from '../check';

export const rdbFailure: Check = {
  id: 'persistence.rdb-failure',
  name: 'RDB snapshots',
  category: 'persistence',
  run(b) {
    const status = b.str('rdb_last_bgsave_status');
    if (status === undefined) return skip('rdb_last_bgsave_status not available');
    const misconf = b.errorCount('MISCONF');
    if (status === 'ok' && misconf === 0) return pass();
    const stopWrites = b.config('stop-writes-on-bgsave-error') ?? 'yes';
    const dir = b.config('dir') ?? '(CONFIG GET dir)';
    const writesBlocked = status === 'err' && stopWrites === 'yes';
    return fail(
      finding(this, {
        title: writesBlocked ? 'RDB snapshot (BGSAVE) failing: writes rejected with MISCONF' : 'Last RDB snapshot (BGSAVE) failed',
        severity: writesBlocked || misconf > 0 ? 'critical' : 'warning',
        detail: `The last background save failed (rdb_last_bgsave_status:${status}).${writesBlocked ? ` Because stop-writes-on-bgsave-error is yes, Redis refuses every write with "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk" while reads keep working${misconf ? ` (${misconf} writes rejected so far)` : ''}.` : ''} A failing BGSAVE almost always means the data directory ${dir} is not writable by the redis user (permissions, read-only mount) or the disk is full; the Redis log names the exact error ("Failed opening the RDB file … Permission denied" / "No space left on device").`,
        evidence: [
          ev('redis_info', 'rdb_last_bgsave_status', status),
          ev('redis_info', 'errorstat_MISCONF', misconf),
          ev('redis_config_get', 'stop-writes-on-bgsave-error', stopWrites),
          ev('redis_config_get', 'dir', dir),
          ev('redis_info', 'rdb_changes_since_last_save', b.num('rdb_changes_since_last_save') ?? 'unknown'),
        ],
        recommendation: `Fix the cause on the host: check permissions and ownership of the directory ${dir} (it must be writable by the redis user) and free disk space (df -h), then run BGSAVE and confirm rdb_last_bgsave_status:ok; writes resume automatically. Only as a stopgap, and accepting that nothing is persisted, CONFIG SET stop-writes-on-bgsave-error no.`,
        commands: [
          `ls -ld ${dir} && df -h ${dir}`,
          `sudo chown redis:redis ${dir}`,
          'BGSAVE',
          'INFO persistence',
          'CONFIG SET stop-writes-on-bgsave-error no  # stopgap only',
        ],
        runbook: 'rdb-persistence-failures',
      }),
    );
  },
};

export const aofFailure: Check = {
  id: 'persistence.aof-failure',
  name: 'AOF writes and rewrites',
  category: 'persistence',
  run(b) {
    const enabled = b.num('aof_enabled');
    if (enabled === undefined) return skip('aof_enabled not available');
    const rewrite = b.str('aof_last_bgrewrite_status');
    const write = b.str('aof_last_write_status');
    if (rewrite !== 'err' && write !== 'err') return pass();
    const dir = b.config('dir') ?? '(CONFIG GET dir)';
    const appendDir = b.config('appenddirname') ?? 'appendonlydir';
    const current = b.num('aof_current_size');
    const base = b.num('aof_base_size');
    const growth = current !== undefined && base ? current / base : undefined;
    return fail(
      finding(this, {
        title:
          write === 'err'
            ? 'AOF writes failing: appendonly file cannot be written'
            : 'AOF rewrite (BGREWRITEAOF) failing: the append-only file grows without bound',
        severity: write === 'err' ? 'critical' : 'warning',
        detail: `${rewrite === 'err' ? 'The last AOF rewrite failed (aof_last_bgrewrite_status:err), so the append-only file is never compacted and keeps growing with every write' : ''}${write === 'err' ? `${rewrite === 'err' ? '; and ' : ''}the last AOF write failed (aof_last_write_status:err): with appendfsync the server will refuse writes` : ''}.${current !== undefined ? ` Current AOF size ${bytes(current)}${growth ? `, ${growth.toFixed(1)}x the size after the last successful rewrite` : ''}.` : ''} A rewrite writes a new file into ${dir}/${appendDir}: it fails when that directory is not writable by the redis user (permissions) or the disk is full; the Redis log shows the exact error.`,
        evidence: [
          ev('redis_info', 'aof_last_bgrewrite_status', rewrite ?? 'unknown'),
          ev('redis_info', 'aof_last_write_status', write ?? 'unknown'),
          ev('redis_config_get', 'dir', dir),
          ...(current !== undefined ? [ev('redis_info', 'aof_current_size', current)] : []),
        ],
        recommendation: `Check permissions and ownership of ${dir} and ${dir}/${appendDir} (writable by the redis user) and free disk space (df -h); then run BGREWRITEAOF and confirm aof_last_bgrewrite_status:ok and that aof_current_size drops.`,
        commands: [`ls -ld ${dir} ${dir}/${appendDir} && df -h ${dir}`, `sudo chown -R redis:redis ${dir}`, 'BGREWRITEAOF', 'INFO persistence'],
        runbook: 'aof-persistence-failures',
      }),
    );
  },
};

export const staleBackup: Check = {
  id: 'persistence.stale-backup',
  name: 'backup age',
  category: 'persistence',
  run(b) {
    const save = b.config('save');
    const lastSave = b.num('rdb_last_save_time');
    if (save === undefined || lastSave === undefined) return skip('save config or rdb_last_save_time not available');
    if (save.trim() === '') return pass();
    const ageHours = (Date.now() / 1000 - lastSave) / 3600;
    if (ageHours < 48) return pass();
    return fail(
      finding(this, {
        title: `Last successful RDB snapshot is ${ageHours.toFixed(0)} hours old`,
        severity: 'warning',
        detail: `RDB snapshots are configured (save "${save}") but none succeeded in ${ageHours.toFixed(0)} h; a restart would lose everything since.`,
        evidence: [ev('redis_info', 'rdb_last_save_time', lastSave), ev('redis_config_get', 'save', save)],
        recommendation: 'Check why snapshots do not run or fail (INFO persistence, server log) and verify backups are copied off the host.',
        commands: ['INFO persistence', 'BGSAVE'],
        runbook: 'rdb-persistence-failures',
      }),
    );
  },
};

export const noPersistence: Check = {
  id: 'persistence.disabled',
  name: 'persistence configured',
  category: 'persistence',
  run(b) {
    const save = b.config('save');
    const aof = b.config('appendonly');
    if (save === undefined || aof === undefined) return skip('save/appendonly not available');
    if (save.trim() !== '' || aof === 'yes') return pass();
    return fail(
      finding(this, {
        title: 'Persistence is off (no RDB snapshots, no AOF)',
        severity: 'info',
        detail: 'A restart loses the whole dataset. Fine for a pure cache that can be refilled; not for data of record.',
        evidence: [ev('redis_config_get', 'save', '""'), ev('redis_config_get', 'appendonly', aof)],
        recommendation: 'If this data must survive restarts, enable AOF (appendonly yes, appendfsync everysec) or RDB snapshots.',
        commands: ['CONFIG SET appendonly yes', 'CONFIG REWRITE'],
        runbook: 'aof-persistence-failures',
      }),
    );
  },
};

export const persistenceChecks: Check[] = [rdbFailure, aofFailure, staleBackup, noPersistence];
