import type Redis from 'ioredis';
import { ConflictError } from '../../core/errors';
import type { ApprovalView } from '../../service/approvals';
import { startTestAgent, type TestAgent } from '../support/agent';
import { saveHistory, scheduledActivities } from '../support/history';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { configSetCalls, eventually, fillToOom, maxmemoryPolicy } from '../support/oom';

/**
 * Remediation with a person in the loop, on a real Redis whose writes fail with OOM under
 * noeviction: the triage proposes config_set maxmemory-policy; the action waits for a decision;
 * approved, it runs once and is verified by the rule check; rejected or expired, nothing changes.
 */

const ALICE = { name: 'alice', role: 'approver' };
const policy = maxmemoryPolicy;

describe('remediation actions wait for a person, then run once and are verified', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;
  let client: Redis;
  let instanceId: string;

  beforeAll(async () => {
    agent = await startTestAgent();
    redis = await startRedis();
    client = redis.client();
    await fillToOom(client);
    const instance = await agent.services.stores.instances.create({
      name: `oom-cache-${Date.now()}`,
      connection_url: redis.url,
      usage: 'cache',
      environment: 'test',
    });
    instanceId = instance.id;
  });
  afterAll(async () => {
    client.disconnect();
    await agent.stop();
    await redis.stop();
  });

  /** A triage of the OOM cache, and the pending approval it proposed for the eviction policy. */
  async function triageAndProposal(): Promise<{ taskId: string; approval: ApprovalView }> {
    const view = await agent.run({ message: 'Run a full health check', instance_id: instanceId, agent: 'triage' });
    expect(view.status).toBe('done');
    const proposed = view.result!.actions!.find((a) => a.action === 'config_set' && a.arguments.parameter === 'maxmemory-policy');
    expect(proposed?.arguments).toMatchObject({ value: 'allkeys-lru', expected_current: 'noeviction' });
    const approval = await eventually(
      'the proposal recorded',
      async () => {
        const a = await agent.services.approvals.get(proposed!.approvalId).catch(() => undefined);
        return a?.state === 'pending' ? a : undefined;
      },
      30_000,
    );
    return { taskId: view.task_id, approval };
  }

  it('approve: the policy changes once, the OOM check is verified, the thread shows who approved, a rollback is proposed', async () => {
    const { taskId, approval } = await triageAndProposal();
    expect(approval).toMatchObject({
      risk: 'medium',
      commands: ['CONFIG SET maxmemory-policy allkeys-lru'],
      state: 'pending',
      check_id: 'memory.maxmemory-saturation',
    });
    expect((await agent.services.tasks.get(taskId)).actions?.map((a) => a.id)).toContain(approval.id);
    const search = await agent.services.temporal.workflow.getHandle(approval.id).describe();
    expect(search.typedSearchAttributes.getAll().find((p) => p.key.name === 'SreStatus')?.value).toBe('awaiting_approval');

    const before = await configSetCalls(client);
    const done = await agent.services.approvals.decide(approval.id, 'approve', { comment: 'it is a cache' }, ALICE);
    expect(done.state).toBe('verified');
    expect(done.decided_by).toBe('alice');
    expect(done.result?.verification?.passed).toBe(true);
    expect(done.result?.verification?.detail).toMatch(/memory\.maxmemory-saturation no longer reports a critical finding/);
    expect(done.result?.before).toEqual({ 'maxmemory-policy': 'noeviction' });
    expect(done.result?.after).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
    expect(await policy(client)).toBe('allkeys-lru');
    expect((await configSetCalls(client)) - before).toBe(1);

    // Approving again runs nothing: the action is no longer pending.
    await expect(agent.services.approvals.decide(approval.id, 'approve', {}, ALICE)).rejects.toThrow(ConflictError);
    expect((await configSetCalls(client)) - before).toBe(1);
    const history = await agent.history(approval.id);
    expect(scheduledActivities(history).filter((t) => t === 'executeAction')).toHaveLength(1);

    const thread = await agent.services.threads.get(approval.thread_id);
    const text = thread.messages.map((m) => m.content).join('\n');
    expect(text).toContain(`Action ${approval.id} approved** by alice: "it is a cache"`);
    expect(text).toMatch(/Verification: passed/);
    expect(done.rollback_id).toBe(`${approval.id}-rollback`);
    const rollback = await eventually('rollback proposed', () => agent.services.approvals.get(done.rollback_id!).catch(() => undefined), 30_000);
    expect(rollback).toMatchObject({ state: 'pending', commands: ['CONFIG SET maxmemory-policy noeviction'], rollback_of: approval.id });
    await agent.services.approvals.decide(rollback.id, 'reject', { comment: 'keep the fix' }, ALICE);

    if (process.env.RECORD_HISTORIES) {
      saveHistory(agent.config.temporal.address, approval.id, 'remediationWorkflow.approved-verified', { overwrite: true });
      saveHistory(agent.config.temporal.address, taskId, 'taskWorkflow.triage-offline-proposals', { overwrite: true });
    }
  });

  it('a viewer or operator cannot decide; reject changes nothing', async () => {
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    const { approval } = await triageAndProposal();
    for (const role of ['viewer', 'operator'])
      await expect(agent.services.approvals.decide(approval.id, 'approve', {}, { name: 'bob', role })).rejects.toThrow(/may not decide on actions/);
    const before = await configSetCalls(client);
    const rejected = await agent.services.approvals.decide(approval.id, 'reject', { comment: 'not now' }, ALICE);
    expect(rejected).toMatchObject({ state: 'rejected', decided_by: 'alice', comment: 'not now' });
    expect(await policy(client)).toBe('noeviction');
    expect(await configSetCalls(client)).toBe(before);
  });

  it('refuses with the reason when the state changed while it waited (fixed by hand)', async () => {
    const { approval } = await triageAndProposal();
    await client.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    const before = await configSetCalls(client);
    const refused = await agent.services.approvals.decide(approval.id, 'approve', {}, ALICE);
    expect(refused.state).toBe('refused');
    expect(refused.result?.detail).toMatch(/maxmemory-policy is now allkeys-lfu, not noeviction as when the action was proposed/);
    expect(await policy(client)).toBe('allkeys-lfu');
    expect(await configSetCalls(client)).toBe(before);
    await client.config('SET', 'maxmemory-policy', 'noeviction');
  });
});

describe('an action nobody decides on expires and changes nothing', () => {
  let agent: TestAgent;
  let redis: EphemeralRedis;
  let client: Redis;

  beforeAll(async () => {
    agent = await startTestAgent({ env: { SRE_APPROVAL_TTL: '10s' } });
    redis = await startRedis();
    client = redis.client();
    await fillToOom(client);
  });
  afterAll(async () => {
    client.disconnect();
    await agent.stop();
    await redis.stop();
  });

  it('expires after SRE_APPROVAL_TTL; approving then is refused', async () => {
    const instance = await agent.services.stores.instances.create({
      name: `oom-expire-${Date.now()}`,
      connection_url: redis.url,
      usage: 'cache',
      environment: 'test',
    });
    const view = await agent.run({ message: 'Run a full health check', instance_id: instance.id, agent: 'triage' });
    const id = view.result!.actions!.find((a) => a.action === 'config_set')!.approvalId;
    const expired = await eventually(
      'expiry',
      async () => {
        const a = await agent.services.approvals.get(id).catch(() => undefined);
        return a?.state === 'expired' ? a : undefined;
      },
      60_000,
    );
    expect(expired.state).toBe('expired');
    await expect(agent.services.approvals.decide(id, 'approve', {}, ALICE)).rejects.toThrow(/expired: only a pending action can be decided/);
    expect(await policy(client)).toBe('noeviction');
    const thread = await agent.services.threads.get(view.thread_id);
    expect(thread.messages.map((m) => m.content).join('\n')).toContain(`Action ${id} expired`);
  });
});
