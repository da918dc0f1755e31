import type { ReplicationReport } from '../../tools/redis/replication';
import { bytes } from '../baseline';
import { ev, fail, finding, pass, skip, type Check } from '../check';
import { counterRate, rateSource } from '../counter-rate';

export const masterLink: Check = {
  id: 'replication.master-link',
  name: 'replication link',
  category: 'replication',
  run(b) {
    const role = b.str('role');
    if (role === undefined) return skip('role not available');
    if (role !== 'slave') return pass();
    const status = b.str('master_link_status');
    if (status === 'up') return pass();
    const repl = b.data<ReplicationReport>('redis_replication');
    const host = b.str('master_host');
    const port = b.str('master_port');
    const downFor = b.num('master_link_down_since_seconds');
    const probe = repl?.master?.probe;
    const stale = b.config('replica-serve-stale-data') ?? repl?.replicaServeStaleData ?? 'yes';
    const masterDown = probe && !probe.reachable;
    return fail(
      finding(this, {
        title: `Replication link down: master ${host}:${port} ${masterDown ? 'is unreachable' : 'link is not up'}${downFor !== undefined ? ` for ${downFor}s` : ''}`,
        severity: 'critical',
        detail: `This replica reports master_link_status:${status}${downFor !== undefined ? ` since ${downFor}s ago` : ''}. ${probe ? `A live probe of the master ${host}:${port} says: ${probe.detail}.` : ''} ${stale === 'yes' ? 'With replica-serve-stale-data yes the replica keeps answering reads from its last copy, so clients read old data that no longer changes.' : 'With replica-serve-stale-data no the replica refuses reads with MASTERDOWN.'}`,
        evidence: [
          ev('redis_info', 'master_link_status', status ?? 'unknown'),
          ev('redis_info', 'master_host:master_port', `${host}:${port}`),
          ...(downFor !== undefined ? [ev('redis_info', 'master_link_down_since_seconds', downFor)] : []),
          ...(probe ? [ev('redis_replication', 'master probe', probe.detail)] : []),
          ev('redis_config_get', 'replica-serve-stale-data', stale),
        ],
        recommendation: masterDown
          ? 'The master is down. Restart the master (check its host and logs for why it died: OOM killer, crash) and the replica resyncs by itself; or, if the master cannot come back soon, fail over: promote this replica with REPLICAOF NO ONE (or SENTINEL FAILOVER / your orchestrator), point clients at it, and re-attach the old master as a replica later.'
          : 'The master process answers TCP but the link is down: check masterauth/ACL credentials, network between the hosts, repl-timeout and the master log for sync errors.',
        commands: [
          `redis-cli -h ${host} -p ${port} PING`,
          'INFO replication',
          'REPLICAOF NO ONE  # promote this replica',
          `REPLICAOF ${host} ${port}  # re-attach once the master is back`,
        ],
        runbook: 'replication-link-down',
      }),
    );
  },
};

export const replicaLoss: Check = {
  id: 'replication.replica-loss',
  name: 'replicas for min-replicas-to-write',
  category: 'replication',
  run(b) {
    const repl = b.data<ReplicationReport>('redis_replication');
    if (!repl) return skip('replication report not available');
    const min = repl.minReplicasToWrite ?? 0;
    const noReplicas = b.errorCount('NOREPLICAS');
    if (repl.role !== 'master' || (min === 0 && noReplicas === 0) || (repl.connectedReplicas >= min && noReplicas === 0)) return pass();
    return fail(
      finding(this, {
        title: `Only ${repl.connectedReplicas} replica(s) connected, min-replicas-to-write is ${min}: writes rejected with NOREPLICAS`,
        severity: 'critical',
        detail: `The master refuses writes when fewer than min-replicas-to-write replicas are connected with lag under min-replicas-max-lag${noReplicas ? ` (${noReplicas} NOREPLICAS errors so far)` : ''}.`,
        evidence: [
          ev('redis_info', 'connected_slaves', repl.connectedReplicas),
          ev('redis_config_get', 'min-replicas-to-write', min),
          ev('redis_info', 'errorstat_NOREPLICAS', noReplicas),
        ],
        recommendation: 'Bring the replicas back (check their logs and the network), or lower min-replicas-to-write temporarily.',
        commands: ['INFO replication', 'CONFIG SET min-replicas-to-write 0  # temporarily'],
        runbook: 'replication-link-down',
      }),
    );
  },
};

export const fullResyncs: Check = {
  id: 'replication.full-resyncs',
  name: 'full resyncs',
  category: 'replication',
  run(b) {
    const full = counterRate(b, 'sync_full');
    if (!full) return skip('sync_full not available');
    const partialErr = counterRate(b, 'sync_partial_err');
    const replicas = b.num('connected_slaves') ?? 0;
    // info-audit.md sync_full: RATE > 0 after replicas are up. One full sync per replica at first
    // attach is normal; with a rate sample, a full sync now (or a failed partial one) is the signal.
    const now = full.basis === 'now' && (full.perSecond > 0 || (partialErr?.perSecond ?? 0) > 0);
    if (!now && full.total <= Math.max(1, replicas) && (partialErr?.total ?? 0) === 0) return pass();
    const backlog = Number(b.config('repl-backlog-size') ?? b.num('repl_backlog_size') ?? 0);
    const limit = (b.config('client-output-buffer-limit') ?? '').match(/(?:replica|slave) (\S+ \S+ \S+)/)?.[1];
    const looping = now && full.total > 2 * Math.max(1, replicas);
    const stream = b.rate('master_repl_offset');
    return fail(
      finding(this, {
        title: now
          ? `Replicas are fully resyncing right now: ${full.total} full syncs so far (${(full.perSecond * 60).toFixed(0)}/min${partialErr?.perSecond ? `, ${(partialErr.perSecond * 60).toFixed(0)} failed partial resyncs/min` : ''}) for ${replicas} replica(s)`
          : `${full.total} full resyncs${partialErr?.total ? `, ${partialErr.total} failed partial resyncs` : ''} (repl-backlog-size ${bytes(backlog)})`,
        severity: looping ? 'critical' : 'warning',
        detail: `Replicas that reconnect and cannot continue from the backlog need a full RDB transfer, which forks the master and loads the network.${now ? ` ${full.total} full syncs for ${replicas} replica(s), and more in the last ${full.seconds.toFixed(0)} s: ${looping ? 'a replica is caught in a loop of full syncs (it is dropped before, or right after, the sync completes)' : 'a sync is happening now'}.` : ''} Repeated full syncs point to a backlog too small for the write rate during disconnections${stream ? ` (${bytes(stream)}/s of writes against a ${bytes(backlog)} backlog)` : ''}, or the replica output-buffer limit${limit ? ` (client-output-buffer-limit replica ${limit})` : ''} cutting replicas off while the RDB transfers.`,
        evidence: [
          ev('redis_info', 'sync_full', full.total),
          ev(rateSource(full), 'sync_full per minute', (full.perSecond * 60).toFixed(1)),
          ev('redis_info', 'sync_partial_err', partialErr?.total ?? 0),
          ev('redis_info', 'connected_slaves', replicas),
          ev('redis_config_get', 'repl-backlog-size', backlog),
          ...(limit ? [ev('redis_config_get', 'client-output-buffer-limit replica', limit)] : []),
          ...(stream !== undefined ? [ev('redis_info_rates', 'master_repl_offset growth (bytes/s)', stream)] : []),
        ],
        recommendation:
          'Size repl-backlog-size to write-rate x longest expected disconnect (e.g. 64mb-256mb instead of the 1mb default) and make client-output-buffer-limit replica large enough to hold the writes made while an RDB transfers (default 256mb 64mb 60); the master log says which one cut the replica ("overcoming of output buffer limits" or "Unable to partial resync").',
        commands: [
          'CONFIG SET repl-backlog-size 128mb',
          'CONFIG SET client-output-buffer-limit "replica 256mb 64mb 60"',
          'INFO replication',
          'CONFIG GET client-output-buffer-limit',
        ],
        runbook: 'full-resync-backlog',
      }),
    );
  },
};

export const replicaLag: Check = {
  id: 'replication.lag',
  name: 'replica lag',
  category: 'replication',
  run(b) {
    const repl = b.data<ReplicationReport>('redis_replication');
    if (!repl) return skip('replication report not available');
    // info-audit.md slaveN: lag > min-replicas-max-lag (10 s), or an offset more than half the
    // backlog behind (a disconnect now would need a full resync).
    const backlog = repl.replBacklogSize ?? Number(b.config('repl-backlog-size') ?? 0);
    const lagging = repl.replicas.filter((r) => r.lag > 10 || r.state !== 'online' || (backlog > 0 && r.offsetLag > 0.5 * backlog));
    if (lagging.length === 0) return pass();
    return fail(
      finding(this, {
        title: `${lagging.length} replica(s) lagging or not online`,
        severity: 'warning',
        detail: `${lagging.map((r) => `${r.address}: state ${r.state}, ${r.lag}s since last ack, ${r.offsetLag} bytes behind`).join('; ')}${backlog ? ` (the backlog holds ${bytes(backlog)}: a replica further behind than that needs a full resync if it disconnects)` : ''}.`,
        evidence: lagging.map((r) => ev('redis_replication', r.address, `${r.state}, lag ${r.lag}s`)),
        recommendation: 'Check the replica hosts (CPU, disk, network) and their logs.',
        commands: ['INFO replication'],
        runbook: 'replication-link-down',
      }),
    );
  },
};

export const replicationChecks: Check[] = [masterLink, replicaLoss, fullResyncs, replicaLag];
