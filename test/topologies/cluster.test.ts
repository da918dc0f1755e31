import type { temporal } from '@temporalio/proto';
import type { Finding } from '../../core/types';
import type { TaskView } from '../../service/tasks';
import { TargetRedis } from '../../core/target-redis';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster';

type Events = temporal.api.history.v1.IHistoryEvent[];

/**
 * Triage of a real 6-node Redis Cluster (3 primaries, 3 replicas): one baseline per node as child
 * workflows, then the cluster-level verdict. The scenarios build on each other, as an incident
 * would: a hot shard, then a primary dies and its replica takes over, then slots go unserved.
 */
describe('cluster triage', () => {
  let agent: TestAgent;
  let cluster: RedisCluster;
  let instanceId: string;

  beforeAll(async () => {
    [agent, cluster] = await Promise.all([startTestAgent(), startRedisCluster({ args: ['--maxmemory-policy', 'allkeys-lfu'] })]);
    const [seed, ...others] = cluster.addresses;
    const instance = await agent.services.stores.instances.create({
      name: 'orders-cluster',
      connection_url: `redis://:${cluster.password}@${seed}`,
      instance_type: 'cluster',
      cluster_seeds: others.slice(0, 2),
      environment: 'test',
    });
    instanceId = instance.id;
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
    await cluster?.stop();
  });

  async function triage(id = instanceId): Promise<{ view: TaskView; findings: Finding[]; children: string[]; events: Events }> {
    const view = await agent.run(
      { message: 'Run a full health check of the cluster', instance_id: id, agent: 'triage' },
      { forceOffline: true, timeoutMs: 240_000 },
    );
    expect(view.status).toBe('done');
    const events = await agent.history(`${view.task_id}-triage`);
    const children = events
      .filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
      .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes!);
    expect(children.every((c) => c.workflowType?.name === 'nodeBaselineWorkflow')).toBe(true);
    return { view, findings: view.result!.findings, children: children.map((c) => c.workflowId!), events };
  }

  it('keeps seed addresses sealed, refuses bad or forbidden ones naming the field, and a node selector cannot reach the stack', async () => {
    const view = await agent.services.stores.instances.get(instanceId);
    expect(view.cluster_seeds).toEqual(cluster.addresses.slice(1, 3));
    const raw = await agent.services.stores.redis.get(`sre:instance:${instanceId}`);
    for (const seed of cluster.addresses) expect(raw).not.toContain(seed);
    const create = (seeds: string[]) =>
      agent.services.stores.instances.create({
        name: `bad-seeds-${Math.random()}`,
        connection_url: `redis://${cluster.addresses[0]}`,
        instance_type: 'cluster',
        cluster_seeds: seeds,
      });
    await expect(create(['cache-1'])).rejects.toThrow(/cluster_seeds\.0: must be host:port/);
    const app = new URL(agent.config.appRedisUrl);
    await expect(create([`${app.hostname}:${app.port}`])).rejects.toThrow(/cluster_seeds\[0\].*not a diagnosis target/);
    // A history naming the app Redis as a "node" still goes through the target policy before connecting.
    const forged = await agent.services.stores.instances.resolve(`${instanceId}#node=${app.hostname}:${app.port}`);
    await expect(TargetRedis.connect(forged, { policy: agent.services.stores.policy })).rejects.toThrow(/not a diagnosis target/);
    const standalone = await agent.services.stores.instances.create({ name: 'not-a-cluster', connection_url: `redis://${cluster.addresses[0]}` });
    await expect(agent.services.stores.instances.resolve(`${standalone.id}#node=${cluster.addresses[1]}`)).rejects.toThrow(/names a node of a cluster/);
  });

  const byCheck = (findings: Finding[], checkId: string) => findings.filter((f) => f.checkId === checkId);

  it('finds the hot shard and its hottest keys, with one child baseline per node and every finding naming its node', async () => {
    const owner = await cluster.ownerOf('{orders}');
    const writer = cluster.client(owner);
    // 2,000 keys: over the check's 1,000-key floor, and two SCAN batches for the hot-key sampler,
    // whose time budget a loaded CI machine used up before reaching the hot keys among 5,000.
    for (let batch = 0; batch < 4; batch++) {
      const p = writer.pipeline();
      for (let i = 0; i < 500; i++) p.set(`{orders}:item:${batch * 500 + i}`, 'x'.repeat(1024));
      await p.exec();
    }
    // Load on a few keys of that shard for as long as the triage runs.
    let loading = true;
    const load = (async () => {
      while (loading) {
        const p = writer.pipeline();
        for (let i = 0; i < 200; i++) p.get(`{orders}:item:${i % 3}`);
        await p.exec();
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const { view, findings, children, events } = await triage().finally(async () => {
      loading = false;
      await load;
    });

    // One child workflow per node, each named after its node.
    expect(children).toHaveLength(6);
    for (const address of cluster.addresses) expect(children.some((id) => id.endsWith(`-node-${address.replace(':', '_')}`))).toBe(true);
    // Each node's tool calls ran against that node, named by the node selector, never by URL or password.
    const child = await agent.history(children[0]);
    const scheduled = child.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.length).toBeGreaterThan(5);
    const input = Buffer.from(scheduled[0].activityTaskScheduledEventAttributes!.input!.payloads![0].data!).toString('utf8');
    expect(input).toMatch(new RegExp(`"instanceId":"${instanceId}#node=127\\.0\\.0\\.1:\\d+"`));
    for (const history of [events, child, await agent.history(view.task_id)]) expect(JSON.stringify(history)).not.toContain(cluster.password);

    const answer = view.result!.answer;
    expect(answer.split('\n')[0]).toMatch(/^# Cluster triage of orders-cluster .*: degraded$/);
    expect(answer).toMatch(/\*\*Cluster verdict: degraded — Hot shard: primary 127\.0\.0\.1:\d+/);
    const hot = byCheck(findings, 'cluster.hot-shard');
    expect(hot).toHaveLength(1);
    expect(hot[0].node).toBe(owner);
    expect(hot[0].title).toMatch(/carries \d+ keys/);
    expect(hot[0].detail).toMatch(/Hottest keys there: \{orders\}:item:[012] /);
    for (const f of findings) expect(cluster.addresses).toContain(f.node);
    expect(findings.filter((f) => f.checkId.startsWith('cluster.') && f.severity === 'critical')).toEqual([]);
  }, 300_000);

  it('reports the failed primary and the promoted replica left without one, discovering through a seed when the URL node is down', async () => {
    const victim = cluster.addresses[1];
    const { promoted } = await cluster.failPrimary(victim);
    // Registered against the dead node: discovery goes on with the seed addresses.
    const viaDeadNode = await agent.services.stores.instances.create({
      name: 'orders-cluster-via-dead-node',
      connection_url: `redis://:${cluster.password}@${victim}`,
      instance_type: 'cluster',
      cluster_seeds: [cluster.addresses[0], cluster.addresses[2]],
      environment: 'test',
    });
    const { view, findings, children } = await triage(viaDeadNode.id);

    // The failed node is reported from the discovery; the five live nodes each get a baseline.
    expect(children).toHaveLength(5);
    expect(children.some((id) => id.endsWith(victim.replace(':', '_')))).toBe(false);
    const failed = byCheck(findings, 'cluster.node-failed');
    expect(failed.map((f) => f.node)).toEqual([victim]);
    expect(failed[0].title).toBe(`Primary ${victim} is failed`);
    expect(byCheck(findings, 'cluster.primary-without-replica').map((f) => f.node)).toEqual([promoted]);
    const failover = byCheck(findings, 'cluster.failover');
    expect(failover).toHaveLength(1);
    expect(failover[0].node).toBe(cluster.addresses[0]);
    expect(view.result!.answer).toMatch(/^# Cluster triage of orders-cluster-via-dead-node .*: degraded\n/);
    expect(view.tool_calls.find((c) => c.tool === 'redis_cluster_topology')?.summary).toBe('6 nodes in 4 shards via CLUSTER SHARDS, cluster_state ok');
  }, 300_000);

  it('names the unserved slot range and leads with a failing verdict when slots are left uncovered', async () => {
    const alive = cluster.addresses.filter((a) => a !== cluster.addresses[1]);
    const slots = Array.from({ length: 100 }, (_, i) => 100 + i);
    for (const a of alive) await cluster.client(a).call('CLUSTER', 'DELSLOTS', ...slots);
    const seedState = async () => String(await cluster.client(cluster.addresses[0]).call('CLUSTER', 'INFO'));
    for (let i = 0; i < 100 && !/cluster_state:fail/.test(await seedState()); i++) await new Promise((r) => setTimeout(r, 100));

    const { view, findings, children } = await triage();
    expect(children).toHaveLength(5);
    const answer = view.result!.answer;
    expect(answer.split('\n')[0]).toMatch(/: failing$/);
    expect(answer).toContain(`**Cluster verdict: failing — cluster_state is fail: the cluster refuses queries (node ${cluster.addresses[0]})`);
    const gap = byCheck(findings, 'cluster.slot-coverage');
    expect(gap).toHaveLength(1);
    expect(gap[0].title).toBe('100 of 16384 hash slots are served by no shard (100-199)');
    expect(gap[0].node).toBe(cluster.addresses[0]);
    expect(gap[0].severity).toBe('critical');
  }, 300_000);
});
