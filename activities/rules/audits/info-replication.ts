import { bytes } from '../baseline';
import { ev, fail, finding, pass, skip } from '../check';
import { audited, type InfoAuditEntry } from './info-rule';

/** INFO replication (research/info-audit.md §6). */

const S70 = 'redis/redis 7.0.15 src/server.c genRedisInfoString()';

export const replicationRules: InfoAuditEntry[] = [
  {
    section: 'replication',
    fields: ['master_link_status', 'master_link_down_since_seconds'],
    versions: 'all',
    judge: 'state',
    bad: 'down',
    source: S70,
    judgedBy: 'replication.master-link',
  },
  {
    section: 'replication',
    fields: ['min_slaves_good_slaves', 'connected_slaves'],
    versions: 'all',
    judge: 'ratio',
    bad: 'fewer good replicas than min-replicas-to-write (writes refused)',
    source: S70,
    judgedBy: 'replication.replica-loss',
  },
  {
    section: 'replication',
    fields: ['slaveN'],
    versions: 'all',
    judge: 'state',
    bad: 'state not online; lag > 10 s; offset behind by > half the backlog',
    source: `${S70}; redis.conf min-replicas-max-lag`,
    judgedBy: 'replication.lag',
  },
  {
    section: 'replication',
    fields: ['slave_read_only', 'slave_priority'],
    versions: 'all',
    judge: 'abs',
    bad: 'slave_read_only 0; slave_priority 0 (never promoted)',
    source: 'redis.conf 7.0.15 replica-read-only, replica-priority',
    judgedBy: 'CONFIG audit (replica-read-only; replica-priority)',
  },
  {
    section: 'replication',
    fields: ['role', 'repl_backlog_active', 'repl_backlog_histlen', 'replicas_repl_buffer_size', 'replica_announced'],
    versions: 'all (replicas_repl_buffer_size Valkey 8+)',
    judge: 'state',
    bad: 'an unexpected role; no backlog on a master with replicas; a hidden replica',
    source: `${S70}; valkey-io/valkey 8.0.1 genValkeyInfoString`,
    notJudged: 'needs the role and replica set the deployment expects; the sources give no threshold for the dual-channel buffer',
  },
  {
    section: 'replication',
    fields: ['total_net_repl_output_bytes', 'master_repl_offset'],
    versions: '7.0+',
    judge: 'rate',
    bad: 'the write stream outgrows the backlog',
    source: S70,
    judgedBy: 'replication.backlog-coverage',
  },
  audited({
    id: 'replication.promoted',
    name: 'recent promotion',
    category: 'replication',
    section: 'replication',
    fields: ['master_replid2', 'second_repl_offset'],
    versions: 'all',
    judge: 'state',
    bad: 'master_replid2 set on a master (it was a replica and took over)',
    source: `${S70}; src/replication.c shiftReplicationId (keeps the old id for PSYNC after a promotion)`,
    run(b) {
      const old = b.str('master_replid2');
      if (old === undefined) return skip('master_replid2 not available');
      if (b.str('role') !== 'master' || /^0+$/.test(old)) return pass();
      return fail(
        finding(this, {
          title: `This master was promoted from a replica (failover) at offset ${b.num('second_repl_offset') ?? '?'}`,
          severity: 'info',
          detail: `master_replid2 holds the replication id of the master it used to follow: it was promoted (a failover, or REPLICAOF NO ONE). Writes acknowledged by the old master after offset ${b.num('second_repl_offset') ?? '?'} may be lost, and clients that still point at the old master write to the wrong place.`,
          evidence: [
            ev('redis_info', 'master_replid2', old),
            ev('redis_info', 'second_repl_offset', b.num('second_repl_offset') ?? 'unknown'),
            ev('redis_info', 'connected_slaves', b.num('connected_slaves') ?? 0),
          ],
          recommendation: 'Make sure clients follow the new master (Sentinel or cluster-aware clients) and that the old master rejoined as a replica.',
          commands: ['INFO replication', 'ROLE'],
          runbook: 'sentinel-failover',
        }),
      );
    },
  }),
  audited({
    id: 'replication.backlog-coverage',
    name: 'replication backlog coverage',
    category: 'replication',
    section: 'replication',
    fields: ['repl_backlog_size', 'master_repl_offset'],
    versions: 'all',
    judge: 'rate',
    bad: 'backlog holds < 60 s of the write stream',
    source: `${S70}; redis.conf 7.0.15 repl-backlog-size ("the bigger the backlog, the longer the replica can be disconnected")`,
    run(b) {
      const size = b.num('repl_backlog_size');
      const stream = b.rate('master_repl_offset');
      if (size === undefined || stream === undefined) return skip('needs repl_backlog_size and the rate sample of master_repl_offset');
      const replicas = b.num('connected_slaves') ?? 0;
      if (b.str('role') !== 'master' || replicas === 0 || stream < 1024) return pass();
      const seconds = size / stream;
      if (seconds >= 60) return pass();
      return fail(
        finding(this, {
          title: `The replication backlog holds only ${seconds.toFixed(0)} s of writes (${bytes(size)} at ${bytes(stream)}/s)`,
          severity: 'warning',
          detail: `The master streams ${bytes(stream)}/s to its ${replicas} replica(s) and keeps the last ${bytes(size)} in the backlog. A replica disconnected for longer than ${seconds.toFixed(0)} s (a network blip, a restart, a failover) cannot resume with a partial sync and needs a full RDB transfer, which forks the master and loads the network.`,
          evidence: [
            ev('redis_info', 'repl_backlog_size', size),
            ev('redis_info_rates', 'master_repl_offset growth (bytes/s)', stream),
            ev('redis_info', 'connected_slaves', replicas),
          ],
          recommendation: `Size the backlog for the longest disconnection you want to survive: write rate x seconds, e.g. ${bytes(stream * 300)} for 5 minutes.`,
          commands: [`CONFIG SET repl-backlog-size ${Math.ceil((stream * 300) / 1048576)}mb`, 'CONFIG REWRITE', 'INFO replication'],
          runbook: 'full-resync-backlog',
        }),
      );
    },
  }),
  audited({
    id: 'replication.failover-state',
    name: 'failover state',
    category: 'replication',
    section: 'replication',
    fields: ['master_failover_state'],
    versions: 'all',
    judge: 'state',
    bad: 'not "no-failover" (a FAILOVER is under way: writes paused)',
    source: `${S70}; src/replication.c FAILOVER command`,
    run(b) {
      const state = b.str('master_failover_state');
      if (state === undefined) return skip('master_failover_state not available');
      if (state === 'no-failover') return pass();
      return fail(
        finding(this, {
          title: `A coordinated failover is in progress (${state})`,
          severity: 'warning',
          detail: `master_failover_state:${state}: a FAILOVER command is waiting for a replica to catch up or is handing over; clients' writes are paused until it completes or times out.`,
          evidence: [ev('redis_info', 'master_failover_state', state)],
          recommendation: 'Let it finish, or cancel it with FAILOVER ABORT if it is stuck (a replica that cannot catch up).',
          commands: ['INFO replication', 'FAILOVER ABORT'],
          runbook: 'sentinel-failover',
        }),
      );
    },
  }),
  audited({
    id: 'replication.master-silent',
    name: 'data from the master',
    category: 'replication',
    section: 'replication',
    fields: ['master_last_io_seconds_ago', 'master_sync_in_progress', 'master_sync_last_io_seconds_ago', 'master_sync_read_bytes'],
    versions: 'all (replicas)',
    judge: 'abs',
    bad: 'no I/O from the master for > 2 x repl-ping-replica-period (20 s), > repl-timeout (60 s) critical',
    source: `${S70}; redis.conf 7.0.15 repl-ping-replica-period, repl-timeout`,
    run(b) {
      if (b.str('role') !== 'slave') return pass();
      const syncing = b.num('master_sync_in_progress') === 1;
      const silent = syncing ? b.num('master_sync_last_io_seconds_ago') : b.num('master_last_io_seconds_ago');
      if (silent === undefined) return skip('master I/O age not available');
      const ping = Number(b.config('repl-ping-replica-period') ?? 10);
      const timeout = Number(b.config('repl-timeout') ?? 60);
      if (silent < 0 || silent <= 2 * ping) return pass();
      return fail(
        finding(this, {
          title: `No data from the master for ${silent} s${syncing ? ' during a full sync' : ''}`,
          severity: silent > timeout ? 'critical' : 'warning',
          detail: `The master pings its replicas every ${ping} s, so ${silent} s without any byte ${syncing ? 'while the RDB is being transferred means the transfer is stalled' : 'means the link is stuck (network, an overloaded master)'}; at repl-timeout (${timeout} s) the replica drops the link and has to resync.`,
          evidence: [
            ev('redis_info', syncing ? 'master_sync_last_io_seconds_ago' : 'master_last_io_seconds_ago', silent),
            ev('redis_config_get', 'repl-timeout', timeout),
          ],
          recommendation:
            'Check the network between replica and master and the master load (INFO on the master); a stalled full sync often means the master is slow to produce the RDB (disk) or the link is saturated.',
          commands: ['INFO replication', `redis-cli -h ${b.str('master_host') ?? '<master>'} -p ${b.str('master_port') ?? '<port>'} INFO replication`],
          runbook: 'replication-link-down',
        }),
      );
    },
  }),
  audited({
    id: 'replication.apply-lag',
    name: 'replica apply lag',
    category: 'replication',
    section: 'replication',
    fields: ['slave_read_repl_offset', 'slave_repl_offset'],
    versions: '7.0+ (replicas)',
    judge: 'ratio',
    bad: 'read but not applied > 1 MiB',
    source: S70,
    run(b) {
      const read = b.num('slave_read_repl_offset');
      const applied = b.num('slave_repl_offset');
      if (b.str('role') !== 'slave') return pass();
      if (read === undefined || applied === undefined) return skip('slave_read_repl_offset needs Redis 7.0+');
      const behind = read - applied;
      if (behind <= 1048576) return pass();
      return fail(
        finding(this, {
          title: `This replica has received ${bytes(behind)} from the master that it has not applied yet`,
          severity: 'info',
          detail:
            'The replication stream is read faster than the replica executes it: the replica is CPU-bound (slow commands, Lua) or paused, and reads from it are behind the master.',
          evidence: [ev('redis_info', 'slave_read_repl_offset', read), ev('redis_info', 'slave_repl_offset', applied)],
          recommendation: 'Look at the replica CPU and slow log; heavy scripts or big-key commands replicated from the master cost as much here.',
          commands: ['INFO replication', 'SLOWLOG GET 10', 'INFO cpu'],
          runbook: 'replication-link-down',
        }),
      );
    },
  }),
  audited({
    id: 'replication.waiting-psync',
    name: 'dual-channel sync',
    category: 'replication',
    section: 'replication',
    fields: ['replicas_waiting_psync'],
    versions: 'Valkey 8+',
    judge: 'abs',
    bad: '> 0',
    source: 'valkey-io/valkey 8.0.1 src/server.c genValkeyInfoString(); valkey-doc commands/info.md',
    run(b) {
      const waiting = b.num('replicas_waiting_psync');
      if (waiting === undefined) return skip('replicas_waiting_psync is Valkey 8+ only');
      if (waiting === 0) return pass();
      return fail(
        finding(this, {
          title: `${waiting} replica(s) in a dual-channel full sync, waiting to resume the stream`,
          severity: 'info',
          detail:
            'With dual-channel replication a replica loads the RDB on one connection while the master buffers the stream for it; until it switches to PSYNC the master holds that buffer. If this lasts for minutes the load is slow or stuck.',
          evidence: [
            ev('redis_info', 'replicas_waiting_psync', waiting),
            ev('redis_info', 'mem_total_replication_buffers', b.num('mem_total_replication_buffers') ?? 0),
          ],
          recommendation: 'Watch that it clears within the RDB load time; if it persists, check the replica log.',
          commands: ['INFO replication', 'CLIENT LIST TYPE replica'],
          runbook: 'full-resync-backlog',
        }),
      );
    },
  }),
];
