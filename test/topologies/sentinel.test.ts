import type { Finding } from '../../core/types';
import type { TaskView } from '../../service/tasks';
import { startTestAgent, type TestAgent } from '../support/agent';
import { grantSentinelUser, MASTER_NAME, sentinelInstance, startSentinelFixture, type SentinelFixture } from '../support/sentinel';

/**
 * Offline triages of a sentinel instance against a real master, replica and three
 * redis-sentinel processes (quorum 2): the agent finds the master through the sentinels, follows
 * it after a failover, diagnoses the replica too, and reports what is wrong with the sentinels.
 */
const SENTINEL_PASSWORD = 'sentinel-secret-7Qx2';

describe('sentinel instance', () => {
  let agent: TestAgent;
  let fixture: SentinelFixture;
  let instanceId: string;

  beforeAll(async () => {
    [agent, fixture] = await Promise.all([startTestAgent(), startSentinelFixture()]);
    // The agent asks the sentinels as the README's least-privilege sentinel user.
    await grantSentinelUser(fixture, SENTINEL_PASSWORD);
    const instance = await agent.services.stores.instances.create(sentinelInstance(fixture, 'sentinel-cache', SENTINEL_PASSWORD));
    expect(instance).toMatchObject({
      has_sentinel_password: true,
      sentinel_username: 'sre-agent',
      sentinel_addresses: fixture.sentinels.map((s) => s.address),
    });
    expect(JSON.stringify(instance)).not.toContain(SENTINEL_PASSWORD);
    instanceId = instance.id;
  });
  afterAll(async () => {
    await agent?.stop();
    await fixture?.stop();
  });

  async function triage(): Promise<{ view: TaskView; findings: Finding[]; report: string }> {
    const view = await agent.run({ message: 'Run a full health check', instance_id: instanceId, agent: 'triage' }, { forceOffline: true });
    expect(view.status).toBe('done');
    expect(view.tool_calls.find((c) => c.tool === 'redis_sentinel')?.ok).toBe(true);
    // Neither the triage's history nor a replica's node baseline carries the sentinel password.
    const histories = await Promise.all(
      [`${view.task_id}-triage`, ...fixture.nodeIds().map((n) => `${view.task_id}-node-${n}`)].map((id) => agent.history(id).catch(() => [])),
    );
    expect(histories[0].length).toBeGreaterThan(0);
    expect(histories.slice(1).some((h) => h.length > 0)).toBe(true);
    for (const events of histories) expect(JSON.stringify(events)).not.toContain(SENTINEL_PASSWORD);
    return { view, findings: view.result!.findings, report: view.result!.answer };
  }
  const byCheck = (findings: Finding[], id: string) => findings.filter((f) => f.checkId === id);
  const address = (port: number) => `127.0.0.1:${port}`;

  it('diagnoses the master the sentinels name and its replica, with no sentinel finding on a healthy setup', async () => {
    const { findings, report } = await triage();
    const master = address(fixture.master.port);
    const replica = address(fixture.replica.port);
    expect(report).toContain(`Nodes diagnosed: master ${master} (`);
    expect(report).toContain(`replica ${replica} (`);
    expect(report).not.toMatch(/baseline failed/);
    // The replica's own baseline ran: its findings name it (both run without persistence).
    expect(findings.some((f) => f.node === replica && f.title.startsWith(`Replica ${replica}: `))).toBe(true);
    expect(findings.some((f) => f.node === master && f.title.startsWith(`Master ${master}: `))).toBe(true);
    expect(findings.filter((f) => f.checkId.startsWith('sentinel.'))).toEqual([]);
  });

  it('follows the new master after a failover and reports the failover, naming the sentinel and the new master', async () => {
    const oldMaster = address(fixture.master.port);
    const newMaster = await fixture.failover();
    expect(newMaster).toBe(address(fixture.replica.port));
    const { findings, report } = await triage();
    expect(report).toContain(`Nodes diagnosed: master ${newMaster} (`);
    expect(report).toContain(`replica ${oldMaster} (`);
    const [failover] = byCheck(findings, 'sentinel.failover');
    expect(failover).toBeDefined();
    expect(failover.title).toMatch(new RegExp(`master is now ${newMaster.replace(/\./g, '\\.')} \\(sentinel 127\\.0\\.0\\.1:\\d+, config epoch 1\\)`));
    expect(fixture.sentinels.map((s) => s.address)).toContain(/sentinel (127\.0\.0\.1:\d+)/.exec(failover.title)![1]);
    // The master's own checks ran on the new master, named so.
    expect(findings.some((f) => f.node === newMaster && f.title.startsWith(`Master ${newMaster}: `))).toBe(true);
    expect(byCheck(findings, 'sentinel.quorum')).toEqual([]);
  });

  it('reports the quorum lost when two of the three sentinels are stopped, naming the sentinel that says so and the ones down', async () => {
    await fixture.sentinels[1].stop();
    await fixture.sentinels[2].stop();
    await fixture.waitForNoQuorum(0);
    const { findings } = await triage();
    const survivor = fixture.sentinels[0].address;
    const [quorum] = byCheck(findings, 'sentinel.quorum');
    expect(quorum).toMatchObject({ severity: 'critical' });
    expect(quorum.title).toBe(`Sentinel quorum unreachable: sentinel ${survivor} cannot authorize a failover of '${MASTER_NAME}'`);
    expect(quorum.detail).toContain('NOQUORUM 1 usable Sentinels');
    const down = byCheck(findings, 'sentinel.reachable').map((f) => f.title);
    expect(down.sort()).toEqual([fixture.sentinels[1], fixture.sentinels[2]].map((s) => `Sentinel ${s.address} did not answer`).sort());
    expect(byCheck(findings, 'sentinel.peers').map((f) => f.title)).toEqual([`Sentinel ${survivor} sees 1 of 3 sentinels`]);
    // The surviving sentinel still names the master: it is diagnosed as before.
    expect(findings.some((f) => f.node === address(fixture.replica.port))).toBe(true);
  });
});
