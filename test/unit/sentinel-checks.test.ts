import * as fs from 'node:fs';
import * as path from 'node:path';
import { runChecks } from '../../activities/rules/engine';
import { RECENT_FAILOVER_MS, sentinelChecks } from '../../activities/rules/checks/sentinel';
import { readSentinel, type SentinelReport, type SentinelView } from '../../activities/tools/redis/sentinel';
import { TargetCommandError, type RedisCommands } from '../../core/target-redis';
import type { Finding } from '../../core/types';

/**
 * The sentinel checks over replies captured from a real master, replica and three redis-sentinel
 * processes (test/support/sentinel.ts): healthy, right after SENTINEL FAILOVER, with two of the
 * three sentinels stopped, and then with the replica (the old master) killed too.
 */

interface Capture {
  address: string;
  replies: Record<string, unknown>;
}
const CAPTURED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sentinel', 'captured-replies.json'), 'utf8')) as {
  master: string;
  replica: string;
  healthy: Capture[];
  afterFailover: Capture[];
  quorumLost: Capture[];
  replicaDown: Capture[];
};
const NAME = 'mymaster';
const ADDRESSES = CAPTURED.healthy.map((c) => c.address);

/** Answers each command with the reply the real sentinel gave it (an error reply as Redis's error). */
function replayed(capture: Capture): RedisCommands {
  return {
    call: async (command, ...args) => {
      const key = [command, ...args].join(' ');
      if (!(key in capture.replies)) throw new Error(`no captured reply for ${key}`);
      const reply = capture.replies[key] as { error?: string };
      if (reply && typeof reply === 'object' && 'error' in reply)
        throw new TargetCommandError(`Redis at ${capture.address} replied: ${reply.error}`, reply.error!);
      return reply;
    },
  };
}

/** The redis_sentinel report for a state: captured sentinels answer, the other registered ones did not. */
async function report(captures: Capture[], edit?: (views: SentinelView[]) => void): Promise<SentinelReport> {
  const views = await Promise.all(
    ADDRESSES.map(async (address) => {
      const capture = captures.find((c) => c.address === address);
      return capture ? readSentinel(replayed(capture), address, NAME) : { address, reachable: false, error: `Redis at ${address}: connection refused` };
    }),
  );
  edit?.(views);
  return { sentinel: true, masterName: NAME, configured: ADDRESSES.length, sentinels: views };
}

function findings(r: SentinelReport): Finding[] {
  return runChecks({ redis_sentinel: { ok: true, output: { tool: 'redis_sentinel', data: r } } }, sentinelChecks).digest.findings;
}
const titles = (fs: Finding[], checkId: string) => fs.filter((f) => f.checkId === checkId).map((f) => f.title);

describe('sentinel checks over captured sentinel replies', () => {
  it('find nothing wrong with a healthy setup, and name the master and replica the sentinels report', async () => {
    const r = await report(CAPTURED.healthy);
    expect(findings(r)).toEqual([]);
    expect(runChecks({ redis_sentinel: { ok: true, output: { tool: 'redis_sentinel', data: r } } }, sentinelChecks).digest.topology).toEqual({
      kind: 'sentinel',
      master: CAPTURED.master,
      replicas: [CAPTURED.replica],
      via: ADDRESSES[0],
    });
  });

  it('report a failover that just happened, naming the new master and the sentinel', async () => {
    const r = await report(CAPTURED.afterFailover);
    const out = findings(r);
    expect(titles(out, 'sentinel.failover')).toEqual([
      `Recent failover of '${NAME}': master is now ${CAPTURED.replica} (sentinel ${ADDRESSES[0]}, config epoch 1)`,
    ]);
    // The old master rejoins as a replica: until it resyncs, the sentinels see its link broken.
    expect(titles(out, 'sentinel.replicas')).toEqual([`Replica ${CAPTURED.master} is down according to sentinel ${ADDRESSES[0]}`]);
    expect(titles(out, 'sentinel.quorum')).toEqual([]);
    expect(titles(out, 'sentinel.agreement')).toEqual([]);
  });

  it('do not call a failover recent once the master has held its role for an hour', async () => {
    const r = await report(CAPTURED.afterFailover, (views) => views.forEach((v) => (v.master!.roleReportedMsAgo = RECENT_FAILOVER_MS + 1)));
    expect(titles(findings(r), 'sentinel.failover')).toEqual([]);
  });

  it('report the quorum lost, the sentinels down and how many the survivor sees', async () => {
    const out = findings(await report(CAPTURED.quorumLost));
    const survivor = CAPTURED.quorumLost[0].address;
    const [quorum] = out.filter((f) => f.checkId === 'sentinel.quorum');
    expect(quorum.severity).toBe('critical');
    expect(quorum.title).toBe(`Sentinel quorum unreachable: sentinel ${survivor} cannot authorize a failover of '${NAME}'`);
    expect(quorum.detail).toContain('NOQUORUM 1 usable Sentinels');
    expect(titles(out, 'sentinel.reachable').sort()).toEqual(
      ADDRESSES.filter((a) => a !== survivor)
        .map((a) => `Sentinel ${a} did not answer`)
        .sort(),
    );
    expect(titles(out, 'sentinel.peers')).toEqual([`Sentinel ${survivor} sees 1 of 3 sentinels`]);
    expect(out[0].checkId).toBe('sentinel.quorum');
  });

  it('report a replica the sentinels see down (s_down), naming it', async () => {
    const out = findings(await report(CAPTURED.replicaDown));
    expect(titles(out, 'sentinel.replicas')).toEqual([`Replica ${CAPTURED.master} is down according to sentinel ${CAPTURED.replicaDown[0].address}`]);
  });

  it('report sentinels that disagree on the master and its config epoch, and a master seen objectively down', async () => {
    const r = await report(CAPTURED.healthy, (views) => {
      views[2].masterAddress = '127.0.0.1:1';
      views[2].master!.configEpoch = 3;
      views[1].master!.flags = 'master,s_down,o_down';
    });
    const out = findings(r);
    expect(titles(out, 'sentinel.agreement')).toEqual([
      `Sentinels disagree on the master of '${NAME}': ${ADDRESSES[0]} says ${CAPTURED.master}, ${ADDRESSES[1]} says ${CAPTURED.master}, ${ADDRESSES[2]} says 127.0.0.1:1`,
      `Sentinels disagree on the config epoch of '${NAME}': ${ADDRESSES[0]} at 0, ${ADDRESSES[1]} at 0, ${ADDRESSES[2]} at 3`,
    ]);
    expect(out.find((f) => f.checkId === 'sentinel.master-down')).toMatchObject({
      severity: 'critical',
      title: `Sentinel ${ADDRESSES[1]} sees master ${CAPTURED.master} objectively down (o_down)`,
    });
  });

  it('report a sentinel in TILT mode and one that does not monitor the master name', async () => {
    const r = await report(CAPTURED.healthy, (views) => {
      views[0].tilt = true;
      views[1] = { address: views[1].address, reachable: true, tilt: false };
    });
    const out = findings(r);
    expect(titles(out, 'sentinel.tilt')).toEqual([`Sentinel ${ADDRESSES[0]} is in TILT mode`]);
    expect(titles(out, 'sentinel.reachable')).toEqual([`Sentinel ${ADDRESSES[1]} does not monitor '${NAME}'`]);
  });

  it('pass on an instance that is not a sentinel instance', () => {
    expect(findings({ sentinel: false })).toEqual([]);
  });
});
