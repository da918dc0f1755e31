import type Redis from 'ioredis';
import type { ApprovalView } from '../../service/approvals';
import { startTestAgent, type TestAgent } from '../support/agent';
import { eventually } from '../support/oom';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster';
import { callTools, say, ScriptedModel, toolResults } from '../support/scripted-model';
import { grantSentinelUser, MASTER_NAME, sentinelInstance, startSentinelFixture, type SentinelFixture } from '../support/sentinel';

/**
 * replica_failover on real topologies: a model proposes it (propose_action), a person approves,
 * and the replica is promoted the coordinated way — CLUSTER FAILOVER on a 6-node cluster's
 * replica, SENTINEL FAILOVER through three sentinels — or it refuses, sending nothing, when the
 * replica cannot take over.
 */

const ALICE = { name: 'alice', role: 'approver' };

describe('replica_failover, approved by a person', () => {
  let model: ScriptedModel;
  let agent: TestAgent;
  /** What the scripted model proposes in the next chat. */
  let proposals: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    model = new ScriptedModel((req) => {
      if (!req.tools?.length) return say('{}');
      // Once it has proposed (accepted or refused), it answers.
      if (req.messages.some((m) => m.tool_calls?.some((c) => c.function.name === 'propose_action'))) return say('Proposed a failover for approval.');
      return callTools(
        ...proposals.map((args) => ({
          name: 'propose_action',
          arguments: { action: 'replica_failover', arguments: args, reason: 'move the primary off a failing host' },
        })),
      );
    });
    agent = await startTestAgent({ modelBaseURL: await model.start() });
  });
  afterAll(async () => {
    await agent?.stop();
    await model?.stop();
  });

  /** A chat in which the model proposes `args` (one proposal each), and the pending approvals it left, in the order of `args`. */
  async function propose(instanceId: string, ...args: Array<Record<string, unknown>>): Promise<ApprovalView[]> {
    proposals = args;
    const view = await agent.run({ message: 'should we fail over?', instance_id: instanceId, agent: 'chat' });
    expect(view.status).toBe('done');
    const actions = view.result!.actions ?? [];
    expect(actions).toHaveLength(args.length);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    return Promise.all(
      args
        .map((wanted) => actions.find((a) => a.action === 'replica_failover' && same(a.arguments, wanted))!)
        .map((a) =>
          eventually(
            'the proposal recorded',
            async () => {
              const approval = await agent.services.approvals.get(a.approvalId).catch(() => undefined);
              return approval?.state === 'pending' ? approval : undefined;
            },
            30_000,
          ),
        ),
    );
  }

  describe('on a cluster', () => {
    let cluster: RedisCluster;
    let instanceId: string;
    const clients = new Map<string, Redis>();
    const node = (address: string) => {
      if (!clients.has(address)) clients.set(address, cluster.client(address));
      return clients.get(address)!;
    };
    const role = async (address: string) => String(((await node(address).call('ROLE')) as unknown[])[0]);
    /** CLUSTER FAILOVER calls the node has served (commandstats): what the agent sent it. */
    const failovers = async (address: string) => Number(/cmdstat_cluster\|failover:calls=(\d+)/.exec(await node(address).info('commandstats'))?.[1] ?? 0);

    beforeAll(async () => {
      cluster = await startRedisCluster();
      const instance = await agent.services.stores.instances.create({
        name: `failover-cluster-${Date.now()}`,
        connection_url: `redis://:${cluster.password}@${cluster.addresses[0]}`,
        instance_type: 'cluster',
        environment: 'test',
      });
      instanceId = instance.id;
    }, 120_000);
    afterAll(async () => {
      for (const c of clients.values()) c.disconnect();
      await cluster?.stop();
    });

    it('promotes the approved replica; refuses a replica whose link is down, a primary, and a node outside the cluster, sending nothing', async () => {
      const shards = (await cluster.topology()).shards;
      const primaryOf = (i: number) => shards[i].nodes.find((n) => n.role === 'primary')!.address;
      const replicaOf = (i: number) => shards[i].nodes.find((n) => n.role === 'replica')!.address;
      const [promoted, oldPrimary, unlinked, primary] = [replicaOf(0), primaryOf(0), replicaOf(1), primaryOf(2)];
      const stranger = '127.0.0.1:1';
      const [approve, linkDown, isPrimary, outside] = await propose(
        instanceId,
        { replica: promoted },
        { replica: unlinked },
        { replica: primary },
        { replica: stranger },
      );
      expect(approve).toMatchObject({
        action: 'replica_failover',
        risk: 'high',
        commands: [`CLUSTER FAILOVER (on ${promoted})`],
        precondition: `${promoted} is still a replica, its link to its primary is up, and cluster_state is ok`,
      });

      const done = await agent.services.approvals.decide(approve.id, 'approve', { comment: 'planned maintenance' }, ALICE);
      expect(done).toMatchObject({ state: 'verified', decided_by: 'alice', comment: 'planned maintenance' });
      expect(done.result?.sent).toEqual(['CLUSTER FAILOVER']);
      expect(done.result?.before).toMatchObject({ replica: promoted, primary: oldPrimary });
      expect(done.result?.verification?.detail).toBe(`${promoted} reports role:master`);
      expect(await role(promoted)).toBe('master');
      // The old primary learns it was demoted over the cluster bus.
      expect(await eventually('the old primary to follow', async () => ((await role(oldPrimary)) === 'slave' ? true : undefined), 15_000)).toBe(true);
      const thread = (await agent.services.threads.get(approve.thread_id)).messages.map((m) => m.content).join('\n');
      expect(thread).toContain(`Action ${approve.id} approved** by alice: "planned maintenance"`);
      const rollback = await eventually('rollback proposed', () => agent.services.approvals.get(`${approve.id}-rollback`).catch(() => undefined), 30_000);
      expect(rollback).toMatchObject({ state: 'pending', action: 'replica_failover', arguments: { replica: oldPrimary }, rollback_of: approve.id });
      await agent.services.approvals.decide(rollback.id, 'reject', { comment: 'stay on the new primary' }, ALICE);

      // The replica cannot reach its primary (wrong masterauth): a coordinated failover would hang, so it refuses.
      await node(unlinked).config('SET', 'masterauth', 'wrong-password');
      await node(unlinked).client('KILL', 'TYPE', 'master');
      await eventually(
        'the link down',
        async () => ((await node(unlinked).info('replication')).includes('master_link_status:down') ? true : undefined),
        15_000,
      );
      try {
        const refused = await agent.services.approvals.decide(linkDown.id, 'approve', {}, ALICE);
        expect(refused.state).toBe('refused');
        expect(refused.result?.detail).toMatch(new RegExp(`the link of ${unlinked} to its primary \\S+ is down \\(master_link_status\\)`));
        expect(refused.result?.sent).toEqual([]);
        expect(await failovers(unlinked)).toBe(0);
      } finally {
        await node(unlinked).config('SET', 'masterauth', cluster.password);
      }

      const primaryRefused = await agent.services.approvals.decide(isPrimary.id, 'approve', {}, ALICE);
      expect(primaryRefused.state).toBe('refused');
      expect(primaryRefused.result?.detail).toMatch(new RegExp(`${primary} is a primary \\(INFO replication role:master\\): there is no replica to promote`));
      expect(await failovers(primary)).toBe(0);
      expect(await role(primary)).toBe('master');

      const outsideRefused = await agent.services.approvals.decide(outside.id, 'approve', {}, ALICE);
      expect(outsideRefused.state).toBe('refused');
      expect(outsideRefused.result?.detail).toMatch(`${stranger} is not a node of this cluster`);
    }, 120_000);
  });

  describe('behind Sentinel', () => {
    let fixture: SentinelFixture;
    let instanceId: string;
    const password = 'sentinel-failover-9Kp';

    beforeAll(async () => {
      fixture = await startSentinelFixture();
      // The README's least-privilege sentinel user, plus the one write this action needs.
      await grantSentinelUser(fixture, password, '+sentinel|failover');
      const instance = await agent.services.stores.instances.create(sentinelInstance(fixture, `failover-sentinel-${Date.now()}`, password));
      instanceId = instance.id;
    }, 120_000);
    afterAll(async () => {
      await fixture?.stop();
    });

    it('approved, the sentinels name the former replica as master; a replica named on a sentinel instance is refused when proposed', async () => {
      const master = `127.0.0.1:${fixture.master.port}`;
      const replica = `127.0.0.1:${fixture.replica.port}`;
      const [approval] = await propose(instanceId, {});
      expect(approval).toMatchObject({ risk: 'high', commands: ['SENTINEL FAILOVER <master name> (on the first sentinel that answers)'] });
      const done = await agent.services.approvals.decide(approval.id, 'approve', {}, ALICE);
      expect(done).toMatchObject({ state: 'verified', decided_by: 'alice' });
      expect(done.result?.sent).toEqual([`SENTINEL FAILOVER ${MASTER_NAME}`]);
      expect(done.result?.before).toMatchObject({ master, candidates: [replica] });
      expect(await fixture.currentMaster()).toBe(replica);
      expect(done.result?.after).toEqual({ master: replica });

      // The sentinels pick the replica: naming one is refused with the reason, and nothing is proposed.
      proposals = [{ replica }];
      const view = await agent.run({ message: 'fail over to that replica', instance_id: instanceId, agent: 'chat' });
      expect(view.result!.actions ?? []).toEqual([]);
      const results = toolResults(model.chatRequests().at(-1)!.body).map((r) => r.content);
      expect(results.some((c) => c.includes('replica_failover: on a sentinel instance the sentinels choose the replica'))).toBe(true);
    }, 120_000);
  });
});
