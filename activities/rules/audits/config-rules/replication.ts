import type { ReplicationReport } from '../../../tools/redis/replication';
import { bytes, type Baseline } from '../../baseline';
import { ev } from '../../check';
import { whenValue, type ConfigRule } from '../config-rule';
import { cfgEv, conf, confNum, duration, infoEv, limitText, outputBufferLimits, rateEv, replicationBytesPerSecond } from '../config-values';

/**
 * Replication: backlog and buffers against the write volume, timeouts, and replica behaviour.
 * Not here because existing checks cover them: writes rejected by min-replicas-to-write
 * (replication.replica-loss), stale reads while the link is down (replication.master-link).
 * Not judgeable from one node: announced addresses that peers cannot reach, replicas' locale.
 */

/** Disconnects a partial resync should survive: a minute (research config.repl-backlog-too-small). */
const TOLERATED_DISCONNECT_SECONDS = 60;

const mb = (n: number) => `${Math.max(1, Math.ceil(n / 1048576))}mb`;

const hasReplicas = (b: Baseline) => (b.num('connected_slaves') ?? 0) > 0;

export const replicationRules: ConfigRule[] = [
  {
    id: 'config.repl-backlog-too-small',
    directives: ['repl-backlog-size'],
    category: 'replication',
    severity: 'warning',
    appliesTo: { role: 'master' },
    rationale:
      'The backlog is how much of the write stream the master keeps for replicas that reconnect: a replica that was away for longer than the backlog covers cannot continue (partial resync) and must copy the whole dataset again (fork, RDB transfer, load), each time its link blips.',
    when(b) {
      const backlog = confNum(b, 'repl-backlog-size');
      const rate = replicationBytesPerSecond(b);
      const partialErr = b.rate('sync_partial_err') ?? 0;
      const full = b.rate('sync_full') ?? 0;
      if (backlog === undefined || rate === undefined) return hasReplicas(b) ? { skip: 'needs the rate sample of master_repl_offset' } : undefined;
      if (!hasReplicas(b) && partialErr === 0) return undefined;
      const needed = rate * TOLERATED_DISCONNECT_SECONDS * 1.5;
      if (rate === 0 || backlog >= needed) return undefined;
      const covers = backlog / rate;
      return {
        title: `repl-backlog-size ${bytes(backlog)} covers only ${duration(covers)} of writes (${bytes(rate)}/s): reconnecting replicas need full resyncs`,
        detail: `The replication stream runs at ${bytes(rate)}/s, so the ${bytes(backlog)} backlog holds the last ${duration(covers)} of writes; a replica disconnected for longer than that (a network blip, a restart, a timeout) cannot resume.${partialErr || full ? ` In the sample: ${full} full syncs/s and ${partialErr} refused partial resyncs/s.` : ''} Sync counters since start: ${b.num('sync_full') ?? 0} full, ${b.num('sync_partial_ok') ?? 0} partial ok, ${b.num('sync_partial_err') ?? 0} partial refused.`,
        severity: partialErr > 0 || full > 0 || (b.num('sync_partial_err') ?? 0) > 0 ? 'warning' : 'info',
        evidence: [
          cfgEv('repl-backlog-size', backlog),
          rateEv('master_repl_offset bytes per second', rate),
          infoEv('sync_full', b.num('sync_full') ?? 0),
          infoEv('sync_partial_ok', b.num('sync_partial_ok') ?? 0),
          infoEv('sync_partial_err', b.num('sync_partial_err') ?? 0),
          infoEv('connected_slaves', b.num('connected_slaves') ?? 0),
        ],
        commands: [
          `CONFIG SET repl-backlog-size ${mb(Math.max(needed, 10 * 1048576))}`,
          'INFO replication',
          'INFO stats  # sync_partial_ok should grow, sync_full stay flat',
        ],
      };
    },
    fix: {
      recommendation:
        'Size the backlog to the replication write rate times the longest disconnect replicas should survive (x1.5 margin); the memory is allocated only as the stream fills it.',
      commands: ['CONFIG SET repl-backlog-size 256mb'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L696 ("The bigger the replication backlog, the longer the replica can endure the"); valkey-io/valkey@8.0.1 valkey.conf L751 (repl-backlog-size 10mb); research/config-audit.md config.repl-backlog-too-small (backlog >= B x T x 1.5, T = 60 s)',
    runbook: 'full-resync-backlog',
  },
  {
    id: 'config.obuf-replica-too-small',
    directives: ['client-output-buffer-limit'],
    category: 'replication',
    severity: 'warning',
    appliesTo: { role: 'master' },
    rationale:
      'During a full sync the master buffers every write for the replica until it has loaded the RDB; once that buffer passes the replica output limit the replica is disconnected and the sync starts over, forever if the write rate stays up.',
    when(b) {
      const limit = outputBufferLimits(conf(b, 'client-output-buffer-limit')).replica;
      const rate = replicationBytesPerSecond(b);
      if (!limit || (limit.hard === 0 && limit.soft === 0) || !rate || !hasReplicas(b)) return undefined;
      // Redis 7+ raises a replica hard limit below the backlog to the backlog size (networking.c).
      const hard = limit.hard ? Math.max(limit.hard, confNum(b, 'repl-backlog-size') ?? 0) : Infinity;
      const tolerated = Math.min(hard / rate, limit.soft ? limit.soft / rate + limit.seconds : Infinity);
      // The defaults (256mb hard, 64mb for 60 s) let a sync last over a minute at 1 MB/s of writes.
      if (tolerated >= 60) return undefined;
      const dropping = (b.rate('client_output_buffer_limit_disconnections') ?? 0) > 0 && (b.rate('sync_full') ?? 0) > 0;
      return {
        title: `Replica output limit (${limitText(limit)}) lets a full sync last only ${duration(tolerated)} at ${bytes(rate)}/s of writes`,
        detail: `At the ${bytes(rate)}/s replication rate measured now the replica buffer reaches its limit ${duration(tolerated)} into a full sync${dropping ? '; replicas are being disconnected and resynced right now' : ''}. Full syncs since start: ${b.num('sync_full') ?? 0}.`,
        severity: dropping ? 'critical' : 'warning',
        evidence: [
          cfgEv('client-output-buffer-limit', conf(b, 'client-output-buffer-limit') ?? ''),
          rateEv('master_repl_offset bytes per second', rate),
          infoEv('sync_full', b.num('sync_full') ?? 0),
          infoEv('mem_clients_slaves', b.num('mem_clients_slaves') ?? 0),
        ],
        commands: [
          `CONFIG SET client-output-buffer-limit "replica ${mb(Math.max(rate * 120, 256 * 1048576))} ${mb(Math.max(rate * 60, 64 * 1048576))} 60"`,
          'INFO stats',
        ],
      };
    },
    fix: {
      recommendation: 'Give the replica class room for the writes of a whole full sync (Valkey 8+: or enable dual-channel replication).',
      commands: ['CONFIG SET client-output-buffer-limit "replica 256mb 64mb 60"'],
    },
    source:
      'redis/redis@7.0.15 redis.conf L2037 ("Note that it doesn\'t make sense to set the replica clients output buffer"); redis/redis@7.0.15 src/networking.c (replica hard limit below repl_backlog_size is raised to it); research/config-audit.md config.obuf-replica-too-small',
    runbook: 'full-resync-backlog',
  },
  {
    id: 'config.replica-auth-missing',
    directives: ['masterauth', 'primaryauth'],
    category: 'replication',
    severity: 'critical',
    appliesTo: { role: 'replica' },
    rationale:
      'A master that requires a password (requirepass or ACL) refuses the replica\u2019s handshake with NOAUTH, so the replica never syncs and serves old or empty data.',
    when(b) {
      const master = b.data<ReplicationReport>('redis_replication')?.master;
      if (!master || master.linkStatus === 'up' || !master.probe.reachable || conf(b, 'masterauth') !== '(not set)') return undefined;
      return {
        title: `Replica link down while the master answers, and masterauth is not set`,
        detail: `master_link_status is ${master.linkStatus}${master.linkDownSinceSeconds !== undefined ? ` for ${master.linkDownSinceSeconds}s` : ''}, the master ${master.host}:${master.port} is reachable (${master.probe.detail}), and this replica sends no password (masterauth not set).`,
        evidence: [
          infoEv('master_link_status', master.linkStatus),
          ev('redis_replication', 'master probe', master.probe.detail),
          cfgEv('masterauth', '(not set)'),
          cfgEv('masteruser', conf(b, 'masteruser') ?? '(not set)'),
        ],
      };
    },
    fix: {
      recommendation: 'Give the replica the master\u2019s credentials (masteruser too when the master uses an ACL user), then check the link comes up.',
      commands: [
        'CONFIG SET masterauth <master password>',
        'CONFIG SET masteruser <acl user>  # or skip: only when the master authenticates replicas as an ACL user',
        'INFO replication',
      ],
    },
    source: 'redis/redis@7.0.15 redis.conf L529 ("If the master is password protected (using the \\"requirepass\\" configuration")',
    runbook: 'replication-link-down',
  },
  {
    id: 'config.replica-writable',
    directives: ['replica-read-only', 'slave-read-only'],
    category: 'replication',
    severity: 'warning',
    appliesTo: { role: 'replica' },
    rationale:
      'A writable replica accepts writes that never reach the master: its data silently diverges (the same key differs between master and replica) and those writes are wiped at the next resync; misrouted application writes go unnoticed.',
    when: whenValue(
      ['replica-read-only', 'slave-read-only'],
      (v) => v === 'no',
      (_v, b) => ({
        title: `Writable replica (replica-read-only no): its data can differ from the master${b.num('slave_expires_tracked_keys') ? `, ${b.num('slave_expires_tracked_keys')} keys written locally with a TTL` : ''}`,
        detail: `replica-read-only is no on this replica of ${b.str('master_host')}:${b.str('master_port')} (slave_read_only:${b.num('slave_read_only') ?? 0}); any client can write here, and those writes exist only on this replica.`,
        evidence: [infoEv('slave_read_only', b.num('slave_read_only') ?? 0), infoEv('slave_expires_tracked_keys', b.num('slave_expires_tracked_keys') ?? 0)],
      }),
    ),
    fix: {
      recommendation: 'Make the replica read-only again, point writers at the master, and resync the replica to drop the diverged keys.',
      commands: [
        'CONFIG SET replica-read-only yes',
        'REPLICAOF <master-host> <master-port>  # re-attach: a full resync replaces the diverged data',
        'INFO replication',
      ],
    },
    source: 'redis/redis@7.0.15 redis.conf L565 ("written on a replica will be easily deleted after resync with the master) but")',
    runbook: 'replication-link-down',
  },
  {
    id: 'config.replica-stale-errors',
    directives: ['replica-serve-stale-data', 'slave-serve-stale-data'],
    category: 'replication',
    severity: 'info',
    appliesTo: { role: 'replica' },
    rationale: 'While the link is down or a full sync runs, every data command then fails with MASTERDOWN: a deliberate trade-off, but an availability risk.',
    when: whenValue(
      ['replica-serve-stale-data', 'slave-serve-stale-data'],
      (v) => v === 'no',
      (_v, b) => ({
        title: 'replica-serve-stale-data no: reads fail with MASTERDOWN whenever the link is down',
        detail: `replica-serve-stale-data is no; ${b.errorCount('MASTERDOWN')} MASTERDOWN errors since start.`,
        evidence: [infoEv('errorstat_MASTERDOWN', b.errorCount('MASTERDOWN'))],
      }),
    ),
    fix: {
      recommendation: 'Keep it if stale reads are unacceptable; otherwise serve stale data during link loss.',
      commands: ['CONFIG SET replica-serve-stale-data yes'],
    },
    source: 'redis/redis@7.0.15 redis.conf L554 ("If replica-serve-stale-data is set to \'no\' the replica will reply with error")',
  },
  {
    id: 'config.replica-evicts-independently',
    directives: ['replica-ignore-maxmemory', 'slave-ignore-maxmemory'],
    category: 'replication',
    severity: 'warning',
    appliesTo: { role: 'replica' },
    rationale: 'The replica then evicts on its own and its dataset diverges from the master\u2019s.',
    when: whenValue(
      ['replica-ignore-maxmemory', 'slave-ignore-maxmemory'],
      (v, b) => v === 'no' && (confNum(b, 'maxmemory') ?? 0) > 0,
      (_v, b) => ({
        title: 'replica-ignore-maxmemory no: this replica evicts keys on its own',
        detail: `The replica enforces maxmemory ${bytes(confNum(b, 'maxmemory'))} itself; ${b.num('evicted_keys') ?? 0} keys evicted here since start.`,
        evidence: [cfgEv('maxmemory', confNum(b, 'maxmemory') ?? 0), infoEv('evicted_keys', b.num('evicted_keys') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Let the master decide evictions.', commands: ['CONFIG SET replica-ignore-maxmemory yes'] },
    source: 'redis/redis@7.0.15 redis.conf L1174 ("This behavior ensures that masters and replicas stay consistent, and is usually")',
  },
  {
    id: 'config.repl-timeout-le-ping',
    directives: ['repl-timeout', 'repl-ping-replica-period'],
    category: 'replication',
    severity: 'critical',
    rationale: 'On a quiet link the replica then declares a timeout between two pings, so the link drops and reconnects in a loop.',
    when(b) {
      const timeout = confNum(b, 'repl-timeout');
      const ping = confNum(b, 'repl-ping-replica-period', 'repl-ping-slave-period');
      if (timeout === undefined || ping === undefined || timeout > ping) return undefined;
      return {
        title: `repl-timeout ${timeout}s is not above repl-ping-replica-period ${ping}s`,
        detail: `repl-timeout is ${timeout} s and the master pings replicas every ${ping} s.`,
        evidence: [cfgEv('repl-timeout', timeout), cfgEv('repl-ping-replica-period', ping)],
      };
    },
    fix: {
      recommendation: 'Keep the timeout several times the ping period.',
      commands: ['CONFIG SET repl-timeout 60', 'CONFIG SET repl-ping-replica-period 10'],
    },
    source: 'redis/redis@7.0.15 redis.conf L669 ("specified for repl-ping-replica-period otherwise a timeout will be detected")',
    runbook: 'replication-link-down',
  },
  {
    id: 'config.repl-timeout-short',
    directives: ['repl-timeout'],
    category: 'replication',
    severity: 'warning',
    rationale: 'Transferring and loading a large RDB takes longer than that, so full syncs time out and restart.',
    when(b) {
      const timeout = confNum(b, 'repl-timeout');
      const used = b.num('used_memory') ?? 0;
      if (timeout === undefined || timeout >= 30 || used <= 1073741824) return undefined;
      return {
        title: `repl-timeout ${timeout}s for a ${bytes(used)} dataset`,
        detail: `repl-timeout is ${timeout} s while the dataset is ${bytes(used)}.`,
        evidence: [cfgEv('repl-timeout', timeout), infoEv('used_memory', used)],
      };
    },
    fix: { recommendation: 'Allow at least a minute.', commands: ['CONFIG SET repl-timeout 60'] },
    source: 'redis/redis@7.0.15 redis.conf L664 ("Bulk transfer I/O during SYNC, from the point of view of replica.")',
    runbook: 'replication-link-down',
  },
  {
    id: 'config.diskless-sync-off',
    directives: ['repl-diskless-sync'],
    category: 'replication',
    severity: 'info',
    appliesTo: { role: 'master' },
    rationale:
      'Full syncs then write the RDB to disk first and send it afterwards, doubling disk I/O and prolonging each sync (and the replica buffers it needs).',
    when: whenValue(
      'repl-diskless-sync',
      (v, b) => v === 'no' && hasReplicas(b),
      (_v, b) => ({
        title: 'repl-diskless-sync no: full syncs go through the disk',
        detail: `repl-diskless-sync is no with ${b.num('connected_slaves')} replica(s); the last RDB took ${b.num('rdb_last_bgsave_time_sec') ?? '?'} s to write.`,
        evidence: [infoEv('rdb_last_bgsave_time_sec', b.num('rdb_last_bgsave_time_sec') ?? -1)],
      }),
    ),
    fix: { recommendation: 'Stream the RDB to replicas directly (the default since 7.0).', commands: ['CONFIG SET repl-diskless-sync yes'] },
    source: 'redis/redis@7.0.15 redis.conf L604 ("With slow disks and fast (large bandwidth) networks, diskless replication")',
  },
  {
    id: 'config.diskless-sync-delay',
    directives: ['repl-diskless-sync-delay'],
    category: 'replication',
    severity: 'info',
    rationale: 'Every full sync waits that long before the transfer starts.',
    when: whenValue(
      'repl-diskless-sync-delay',
      (v, b) => Number(v) > 30 && conf(b, 'repl-diskless-sync') === 'yes',
      (v) => ({ title: `repl-diskless-sync-delay ${v}s delays every full sync`, detail: `repl-diskless-sync-delay is ${v} s (default 5).` }),
    ),
    fix: {
      recommendation: 'Use the default delay; set repl-diskless-sync-max-replicas to the replica count to start as soon as all arrive.',
      commands: ['CONFIG SET repl-diskless-sync-delay 5'],
    },
    source: 'redis/redis@7.0.15 redis.conf L616 ("The delay is specified in seconds, and by default is 5 seconds. To disable")',
  },
  {
    id: 'config.repl-nodelay-off',
    directives: ['repl-disable-tcp-nodelay'],
    category: 'replication',
    severity: 'info',
    rationale: 'The replication stream is then batched by the kernel: data reaches replicas up to about 40 ms later (staler reads, more loss on failover).',
    when: whenValue(
      'repl-disable-tcp-nodelay',
      (v) => v === 'yes',
      () => ({ title: 'repl-disable-tcp-nodelay yes: replication delayed up to ~40 ms', detail: 'TCP_NODELAY is off on the replication link.' }),
    ),
    fix: { recommendation: 'Send replication data immediately.', commands: ['CONFIG SET repl-disable-tcp-nodelay no'] },
    source: 'redis/redis@7.0.15 redis.conf L679 ("the data to appear on the replica side, up to 40 milliseconds with")',
  },
  {
    id: 'config.replica-priority-zero',
    directives: ['replica-priority', 'slave-priority'],
    category: 'replication',
    severity: 'info',
    appliesTo: { role: 'replica' },
    rationale: 'Sentinel never promotes a priority-0 replica; if every replica is 0 there is no automatic failover.',
    when: whenValue(
      ['replica-priority', 'slave-priority'],
      (v) => Number(v) === 0,
      () => ({ title: 'replica-priority 0: this replica is never promoted', detail: 'replica-priority is 0.' }),
    ),
    fix: { recommendation: 'Make sure at least one replica of the master can be promoted.', commands: ['CONFIG SET replica-priority 100'] },
    source: 'redis/redis@7.0.15 redis.conf L724 ("However a special priority of 0 marks the replica as not able to perform the")',
    runbook: 'sentinel-failover',
  },
  {
    id: 'config.propagation-error-ignore',
    directives: ['propagation-error-behavior'],
    category: 'replication',
    severity: 'warning',
    rationale: 'Commands that fail while applying the replication stream or the AOF are skipped silently, so this copy diverges.',
    when: whenValue(
      'propagation-error-behavior',
      (v, b) => v === 'ignore' && (b.num('unexpected_error_replies') ?? 0) > 0,
      (_v, b) => ({
        title: `${b.num('unexpected_error_replies')} replicated commands failed and were ignored`,
        detail: `unexpected_error_replies is ${b.num('unexpected_error_replies')} with propagation-error-behavior ignore.`,
        evidence: [infoEv('unexpected_error_replies', b.num('unexpected_error_replies') ?? 0)],
      }),
    ),
    fix: {
      recommendation: 'Find the divergence (compare DEBUG DIGEST-VALUE of suspect keys), resync the replica, and consider panic-on-replicas to fail fast.',
      commands: ['INFO errorstats', 'CONFIG SET propagation-error-behavior panic-on-replicas'],
    },
    source: "redis/redis@7.0.15 redis.conf L740 (\"should be set to 'panic' instead. The value can also be set to 'panic-on-replicas'\")",
  },
  {
    id: 'config.replica-not-announced',
    directives: ['replica-announced'],
    category: 'replication',
    severity: 'info',
    appliesTo: { role: 'replica' },
    rationale: 'Sentinel hides it from clients, yet it can still be promoted unless its priority is 0.',
    when: whenValue(
      'replica-announced',
      (v) => v === 'no',
      () => ({ title: 'replica-announced no: hidden from Sentinel clients', detail: 'replica-announced is no.' }),
    ),
    fix: { recommendation: 'Announce it unless hiding it is intended.', commands: ['CONFIG SET replica-announced yes'] },
    source: 'redis/redis@7.0.15 redis.conf L762 ("This option does not change the behavior of replica-priority. Even with")',
  },
  {
    id: 'config.min-replicas-disabled',
    directives: ['min-replicas-to-write', 'min-slaves-to-write'],
    category: 'replication',
    severity: 'info',
    appliesTo: { role: 'master' },
    rationale: 'A master cut off from its replicas keeps accepting writes that are lost when a replica is promoted (split brain window).',
    when: whenValue(
      ['min-replicas-to-write', 'min-slaves-to-write'],
      (v, b) => Number(v) === 0 && hasReplicas(b),
      (_v, b) => ({
        title: `min-replicas-to-write 0 with ${b.num('connected_slaves')} replica(s)`,
        detail: `The master accepts writes even when no replica acknowledges them.`,
        evidence: [infoEv('connected_slaves', b.num('connected_slaves') ?? 0)],
      }),
    ),
    fix: {
      recommendation: 'If writes must survive a failover, require one replica within 10 s.',
      commands: ['CONFIG SET min-replicas-to-write 1', 'CONFIG SET min-replicas-max-lag 10'],
    },
    source: 'redis/redis@7.0.15 redis.conf L777 ("will limit the window of exposure for lost writes in case not enough replicas")',
  },
  {
    id: 'config.replica-lazy-flush-off',
    directives: ['replica-lazy-flush', 'slave-lazy-flush'],
    category: 'replication',
    severity: 'warning',
    appliesTo: { role: 'replica' },
    rationale: 'On a full resync the replica flushes its old dataset synchronously, blocking for seconds on a large dataset.',
    when: whenValue(
      ['replica-lazy-flush', 'slave-lazy-flush'],
      (v, b) => v === 'no' && (b.num('used_memory') ?? 0) > 1073741824,
      (_v, b) => ({
        title: `replica-lazy-flush no on a ${bytes(b.num('used_memory'))} replica`,
        detail: `The replica holds ${bytes(b.num('used_memory'))}.`,
        evidence: [infoEv('used_memory', b.num('used_memory') ?? 0)],
      }),
    ),
    fix: { recommendation: 'Flush in the background (the Valkey 8 default).', commands: ['CONFIG SET replica-lazy-flush yes'] },
    source: 'redis/redis@7.0.15 redis.conf L1253 ("replica-lazy-flush no"); valkey-io/valkey@8.0.1 valkey.conf L1265',
  },
];
