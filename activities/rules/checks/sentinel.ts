import type { Baseline } from '../baseline';
import { ev, fail, finding, pass, skip, type Check, type CheckOutcome } from '../check';
import type { BaselineDigest, Finding } from '../../../core/types';
import type { SentinelReport, SentinelView } from '../../tools/redis/sentinel';

/**
 * Checks of the sentinels themselves (a sentinel instance): can they fail over (quorum), do they
 * see the master down, do they agree, do they see each other, did a failover just happen. Every
 * finding names the sentinel or node it is about. Field meanings: https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 */

const SOURCE = 'redis_sentinel';

/**
 * A failover counts as recent while the master's role is younger than this. Our choice, not a
 * Redis threshold: an hour covers an on-call handover, when "why did the master change?" is asked.
 * role-reported-time restarts at a role change and when the sentinel itself starts (sentinel.c), so a
 * config epoch above 0 (sentinel.c: every failover takes a new epoch in sentinelStartFailover, and the master adopts it when the promoted replica reports its new role) is required too.
 */
export const RECENT_FAILOVER_MS = 60 * 60 * 1000;

/** Peer flags of a sentinel this sentinel cannot reach (sentinel.c: SRI_S_DOWN, SRI_O_DOWN, link disconnected). */
const PEER_DOWN = /s_down|o_down|disconnected/;

function report(b: Baseline): SentinelReport | CheckOutcome {
  const r = b.data<SentinelReport>(SOURCE);
  if (!r) return skip('sentinel report not available');
  if (!r.sentinel) return pass();
  return r;
}

const isOutcome = (r: SentinelReport | CheckOutcome): r is CheckOutcome => 'status' in r;
const answering = (r: SentinelReport) =>
  (r.sentinels ?? []).filter((s): s is SentinelView & { master: NonNullable<SentinelView['master']> } => Boolean(s.reachable && s.master));

function sentinelCheck(id: string, name: string, findings: (r: SentinelReport, check: Check) => Finding[]): Check {
  const check: Check = {
    id,
    name,
    category: 'availability',
    run(b) {
      const r = report(b);
      if (isOutcome(r)) return r;
      const out = findings(r, check);
      return out.length ? fail(...out) : pass();
    },
  };
  return check;
}

export const sentinelReachable = sentinelCheck('sentinel.reachable', 'sentinels reachable and monitoring the master', (r, check) => {
  const down = (r.sentinels ?? []).filter((s) => !s.reachable);
  const unaware = (r.sentinels ?? []).filter((s) => s.reachable && !s.masterAddress);
  const none = down.length + unaware.length === (r.sentinels ?? []).length;
  return [
    ...down.map((s) =>
      finding(check, {
        title: `Sentinel ${s.address} did not answer`,
        severity: none ? 'critical' : 'warning',
        detail: `${s.error ?? 'no reply'}. A sentinel that is down does not vote in failovers, and clients that list it first wait for a timeout before asking the next.`,
        evidence: [ev(SOURCE, `${s.address} reachable`, 'no')],
        recommendation: `Start the redis-sentinel process on ${s.address} (check its log and that its config file is writable: sentinel rewrites it).`,
        commands: [`redis-cli -h ${s.address.replace(/:(\d+)$/, ' -p $1')} PING`],
        runbook: 'sentinel-failover',
      }),
    ),
    ...unaware.map((s) =>
      finding(check, {
        title: `Sentinel ${s.address} does not monitor '${r.masterName}'`,
        severity: 'warning',
        detail: `SENTINEL GET-MASTER-ADDR-BY-NAME ${r.masterName} returned nil on ${s.address}: it takes no part in this master's failovers.`,
        evidence: [ev(SOURCE, `${s.address} master`, '(nil)')],
        recommendation: `Add 'sentinel monitor ${r.masterName} <ip> <port> <quorum>' to ${s.address}, or remove it from the instance's sentinel_addresses.`,
        commands: ['SENTINEL MASTERS'],
      }),
    ),
  ];
});

export const sentinelQuorum = sentinelCheck('sentinel.quorum', 'sentinel quorum reachable (CKQUORUM)', (r, check) =>
  answering(r)
    .filter((s) => s.ckquorum && !s.ckquorum.ok)
    .map((s) =>
      finding(check, {
        title: `Sentinel quorum unreachable: sentinel ${s.address} cannot authorize a failover of '${r.masterName}'`,
        severity: 'critical',
        detail: `SENTINEL CKQUORUM on ${s.address} replied: ${s.ckquorum!.reply}. If the master fails now, no failover happens: a failover needs the quorum (${s.master.quorum}) to agree the master is down and a majority of all sentinels to elect a leader.`,
        evidence: [ev(SOURCE, `${s.address} ckquorum`, s.ckquorum!.reply), ev(SOURCE, `${s.address} quorum`, s.master.quorum ?? 'unknown')],
        recommendation: 'Bring the stopped sentinels back (or deploy new ones on separate hosts) until CKQUORUM answers OK on every sentinel.',
        commands: [`SENTINEL CKQUORUM ${r.masterName}`, `SENTINEL SENTINELS ${r.masterName}`],
        runbook: 'sentinel-failover',
      }),
    ),
);

export const sentinelMasterDown = sentinelCheck('sentinel.master-down', 'master not seen down by sentinels', (r, check) =>
  answering(r)
    .filter((s) => /s_down|o_down/.test(s.master.flags))
    .map((s) => {
      const odown = /o_down/.test(s.master.flags);
      return finding(check, {
        title: `Sentinel ${s.address} sees master ${s.master.address} ${odown ? 'objectively down (o_down)' : 'subjectively down (s_down)'}`,
        severity: odown ? 'critical' : 'warning',
        detail: `Flags ${s.master.flags}: the master has not answered this sentinel for more than down-after-milliseconds (${s.master.downAfterMs} ms)${odown ? ', and the quorum agrees: a failover starts (or is blocked when no leader can be elected)' : ''}.`,
        evidence: [ev(SOURCE, `${s.address} master flags`, s.master.flags)],
        recommendation: `Check master ${s.master.address} (process up? host reachable from the sentinel?) and watch the sentinel log for +sdown/+odown/+switch-master.`,
        commands: [`SENTINEL MASTER ${r.masterName}`, `redis-cli -h ${s.master.address.replace(/:(\d+)$/, ' -p $1')} PING`],
        runbook: 'sentinel-failover',
      });
    }),
);

export const sentinelAgreement = sentinelCheck('sentinel.agreement', 'sentinels agree on the master and its config epoch', (r, check) => {
  const views = answering(r);
  const out: Finding[] = [];
  const masters = new Set(views.map((s) => s.masterAddress));
  if (masters.size > 1) {
    out.push(
      finding(check, {
        title: `Sentinels disagree on the master of '${r.masterName}': ${views.map((s) => `${s.address} says ${s.masterAddress}`).join(', ')}`,
        severity: 'critical',
        detail: 'Clients that ask different sentinels write to different masters (split brain), or a failover has not propagated to every sentinel.',
        evidence: views.map((s) => ev(SOURCE, `${s.address} master`, s.masterAddress!)),
        recommendation:
          'Check the network between the sentinels; a sentinel stuck on an old master usually has a config file it cannot rewrite or is partitioned away.',
        commands: [`SENTINEL GET-MASTER-ADDR-BY-NAME ${r.masterName}`],
        runbook: 'sentinel-failover',
      }),
    );
  }
  const epochs = new Set(views.map((s) => s.master.configEpoch));
  if (epochs.size > 1) {
    out.push(
      finding(check, {
        title: `Sentinels disagree on the config epoch of '${r.masterName}': ${views.map((s) => `${s.address} at ${s.master.configEpoch}`).join(', ')}`,
        severity: 'warning',
        detail:
          'Each failover raises the config epoch and every sentinel adopts the highest one it hears of; a sentinel left on an older epoch did not receive the latest configuration.',
        evidence: views.map((s) => ev(SOURCE, `${s.address} config-epoch`, s.master.configEpoch ?? 'unknown')),
        recommendation: 'Make sure every sentinel can reach the others (they exchange configurations over the master’s __sentinel__:hello channel).',
        commands: [`SENTINEL MASTER ${r.masterName}`],
        runbook: 'sentinel-failover',
      }),
    );
  }
  return out;
});

export const sentinelPeers = sentinelCheck('sentinel.peers', 'each sentinel sees every configured sentinel', (r, check) =>
  answering(r).flatMap((s) => {
    const live = 1 + (s.peers ?? []).filter((p) => !PEER_DOWN.test(p.flags)).length;
    if (live >= (r.configured ?? 0)) return [];
    const gone = (s.peers ?? []).filter((p) => PEER_DOWN.test(p.flags));
    return [
      finding(check, {
        title: `Sentinel ${s.address} sees ${live} of ${r.configured} sentinels`,
        severity: 'warning',
        detail: `It counts itself and ${live - 1} reachable peer(s)${gone.length ? `; down: ${gone.map((p) => `${p.address} (${p.flags})`).join(', ')}` : ''}. Fewer live sentinels leave less margin for quorum and leader election.`,
        evidence: [ev(SOURCE, `${s.address} sentinels seen`, live), ev(SOURCE, 'sentinels configured', r.configured ?? 0)],
        recommendation:
          'Restart the missing sentinels; a sentinel that never appears was perhaps configured with another master name or cannot reach the master’s hello channel.',
        commands: [`SENTINEL SENTINELS ${r.masterName}`],
        runbook: 'sentinel-failover',
      }),
    ];
  }),
);

export const sentinelFailover = sentinelCheck('sentinel.failover', 'no recent failover', (r, check) => {
  const views = answering(r);
  const inProgress = views.filter((s) => /failover_in_progress/.test(s.master.flags) || (s.master.failoverState && s.master.failoverState !== 'none'));
  const recent = views.filter(
    (s) => (s.master.configEpoch ?? 0) > 0 && s.master.roleReportedMsAgo !== undefined && s.master.roleReportedMsAgo < RECENT_FAILOVER_MS,
  );
  const seen = inProgress[0] ?? recent[0];
  if (!seen) return [];
  const minutes = Math.round((seen.master.roleReportedMsAgo ?? 0) / 60_000);
  return [
    finding(check, {
      title: inProgress.length
        ? `Failover of '${r.masterName}' in progress (sentinel ${seen.address})`
        : `Recent failover of '${r.masterName}': master is now ${seen.master.address} (sentinel ${seen.address}, config epoch ${seen.master.configEpoch})`,
      severity: 'warning',
      detail: `${seen.master.address} has been master for about ${minutes} min by sentinel ${seen.address}'s count (role-reported-time ${seen.master.roleReportedMsAgo} ms); config epoch ${seen.master.configEpoch} means at least one failover since the sentinels were set up. Clients that cache the master address may still write to the old one.`,
      evidence: [
        ev(SOURCE, `${seen.address} master`, seen.master.address),
        ev(SOURCE, `${seen.address} config-epoch`, seen.master.configEpoch ?? 0),
        ev(SOURCE, `${seen.address} role-reported-time`, seen.master.roleReportedMsAgo ?? 0),
      ],
      recommendation:
        'Find why the old master failed (its log, OOM killer, host) and check it rejoined as a replica; make sure clients resolved the new master through the sentinels.',
      commands: [`SENTINEL MASTER ${r.masterName}`, 'INFO replication'],
      runbook: 'sentinel-failover',
    }),
  ];
});

export const sentinelReplicas = sentinelCheck('sentinel.replicas', 'replicas healthy as sentinels see them', (r, check) => {
  const first = answering(r)[0];
  return (first?.replicas ?? [])
    .filter((x) => /s_down|o_down|disconnected/.test(x.flags) || (x.masterLinkStatus && x.masterLinkStatus !== 'ok'))
    .map((x) =>
      finding(check, {
        title: `Replica ${x.address} is ${/s_down|disconnected/.test(x.flags) ? 'down' : `not in sync (master link ${x.masterLinkStatus})`} according to sentinel ${first.address}`,
        severity: 'warning',
        detail: `Flags ${x.flags}, master-link-status ${x.masterLinkStatus ?? 'unknown'}: sentinel does not promote a replica that is down or whose link to the master is broken, so a failover has fewer candidates.`,
        evidence: [ev(SOURCE, `${x.address} flags`, x.flags), ev(SOURCE, `${x.address} master-link-status`, x.masterLinkStatus ?? 'unknown')],
        recommendation: `Check replica ${x.address} (INFO replication on it) and its link to the master.`,
        commands: [`SENTINEL REPLICAS ${r.masterName}`],
        runbook: 'sentinel-failover',
      }),
    );
});

export const sentinelTilt = sentinelCheck('sentinel.tilt', 'no sentinel in TILT mode', (r, check) =>
  (r.sentinels ?? [])
    .filter((s) => s.tilt)
    .map((s) =>
      finding(check, {
        title: `Sentinel ${s.address} is in TILT mode`,
        severity: 'warning',
        detail:
          'TILT: the sentinel saw its clock jump or its process stall (sentinel.c, SENTINEL_TILT_TRIGGER 2 s) and stops acting for 30 s; it takes no part in failovers meanwhile.',
        evidence: [ev(SOURCE, `${s.address} sentinel_tilt`, 1)],
        recommendation: `Check the host of ${s.address} for CPU starvation, swapping or clock changes.`,
        commands: ['INFO sentinel'],
      }),
    ),
);

export const sentinelChecks: Check[] = [
  sentinelReachable,
  sentinelQuorum,
  sentinelMasterDown,
  sentinelAgreement,
  sentinelPeers,
  sentinelFailover,
  sentinelReplicas,
  sentinelTilt,
];

/**
 * The data nodes the triage diagnoses next to the master: the replicas the first answering sentinel
 * lists (the one whose master address the tools followed), from the redis_sentinel output.
 */
export function sentinelTopology(b: Baseline): Pick<BaselineDigest, 'topology'> {
  const r = b.data<SentinelReport>(SOURCE);
  const first = r?.sentinel ? answering(r)[0] : undefined;
  if (!first) return {};
  return { topology: { kind: 'sentinel', master: first.master.address, replicas: (first.replicas ?? []).map((x) => x.address), via: first.address } };
}
