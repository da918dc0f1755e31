import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import { callTools, say, ScriptedModel, systemPrompt, toolResults } from '../support/scripted-model';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';
import { HISTORY_DIR, saveHistory } from '../support/history';
import { retentionWorkflow } from '../../workflows/retention';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receiver';
import { startRedisCluster } from '../support/redis-cluster';
import { MASTER_NAME, startSentinelFixture, type SentinelFixture } from '../support/sentinel';

/**
 * Replay safety: recorded histories of every workflow type (test/fixtures/histories) must replay
 * against today's workflow code without non-determinism. `RECORD_HISTORIES=1 npx jest replay`
 * records the histories that are missing (a new workflow type) and keeps the old ones, which are
 * what proves compatibility; `RECORD_HISTORIES=overwrite` re-records all of them (only for a
 * change that is meant to be incompatible, and versioned).
 */
const DIR = HISTORY_DIR;
const WORKFLOW_TYPES = [
  'taskWorkflow',
  'chatWorkflow',
  'knowledgeWorkflow',
  'deepTriageWorkflow',
  'researchTopicWorkflow',
  'retentionWorkflow',
  'notifyWorkflow',
  // Recorded by test/remediation/approvals.test.ts (RECORD_HISTORIES=1): an OOM cache's proposal approved and verified.
  'remediationWorkflow',
  // Recorded by test/e2e/fleet.test.ts (RECORD_HISTORIES=1).
  'fleetHealthWorkflow',
  'clusterTriageWorkflow',
  'nodeBaselineWorkflow',
];

describe('recorded histories replay without non-determinism', () => {
  it('covers every workflow type', () => {
    const recorded = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
    for (const type of WORKFLOW_TYPES) expect(recorded.some((f) => f.startsWith(`${type}.`))).toBe(true);
  });

  it('replays each recorded history with the current workflow bundle', async () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
    // The SDK accepts the CLI's JSON directly.
    const histories = files.map((f) => ({ workflowId: f, history: JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: readStackEnv().workflowBundlePath } }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(histories.length).toBeGreaterThanOrEqual(WORKFLOW_TYPES.length);
  });
});

const recording = process.env.RECORD_HISTORIES ? describe : describe.skip;
const overwrite = process.env.RECORD_HISTORIES === 'overwrite';
recording('recording histories (RECORD_HISTORIES=1)', () => {
  let model: ScriptedModel;
  let withModel: TestAgent;
  let offline: TestAgent;
  let redis: EphemeralRedis;
  let receiver: NotificationReceiver;

  beforeAll(async () => {
    receiver = await startNotificationReceiver();
    model = new ScriptedModel((req) => {
      const system = systemPrompt(req);
      if (system.startsWith('You plan'))
        return say(
          JSON.stringify({
            topics: [
              { title: 'Memory', category: 'memory', severity: 'info', rationale: 'r' },
              { title: 'Latency', category: 'performance', severity: 'info', rationale: 'r' },
            ],
          }),
        );
      if (system.startsWith('You write the final report')) return say('# Report\n\n## Summary\nok');
      if (req.tools?.some((t) => t.function.name === 'knowledge_search') && !req.tools.some((t) => t.function.name === 'redis_info')) {
        return toolResults(req).length
          ? say('Use allkeys-lru. [runbook: maxmemory-policies]')
          : callTools({ name: 'knowledge_search', arguments: { query: 'noeviction' } });
      }
      return toolResults(req).length
        ? say('Done.')
        : callTools({ name: 'redis_info', arguments: { section: 'memory' } }, { name: 'redis_slowlog', arguments: {} });
    });
    withModel = await startTestAgent({ modelBaseURL: await model.start() });
    offline = await startTestAgent({
      env: { SRE_NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`, SRE_NOTIFY_WEBHOOK_SECRET: 'replay-signing-secret-0123', SRE_NOTIFY_SOURCES: 'test' },
    });
    redis = await startRedis();
  });
  afterAll(async () => {
    await withModel.stop();
    await offline.stop();
    await model.stop();
    await redis.stop();
    await receiver.close();
  });

  const save = async (agent: TestAgent, workflowId: string, name: string) => saveHistory(agent.config.temporal.address, workflowId, name, { overwrite });

  // Names carry the version of the path they record (evidence first, grounding, search first):
  // older files stay, and keep proving that histories from before those changes still replay.
  it('records one history per workflow type and mode', async () => {
    fs.mkdirSync(DIR, { recursive: true });
    const instance = (agent: TestAgent) => agent.services.stores.instances.ensureForUrl(redis.url);
    const chat = await withModel.run({ message: 'memory?', instance_id: (await instance(withModel)).id, agent: 'chat' });
    await save(withModel, chat.task_id, 'taskWorkflow.chat-model-evidence-first');
    await save(withModel, `${chat.task_id}-chat`, 'chatWorkflow.model-evidence-first');
    const triage = await withModel.run({ message: 'deep triage', instance_id: (await instance(withModel)).id });
    await save(withModel, `${triage.task_id}-triage`, 'deepTriageWorkflow.model-grounded');
    await save(withModel, `${triage.task_id}-topic-1`, 'researchTopicWorkflow.model-selected-tools');
    const knowledge = await withModel.run({ message: 'what does noeviction do?' });
    await save(withModel, `${knowledge.task_id}-knowledge`, 'knowledgeWorkflow.model-search-first');
    const offChat = await offline.run({ message: 'memory?', instance_id: (await instance(offline)).id, agent: 'chat' });
    await save(offline, `${offChat.task_id}-chat`, 'chatWorkflow.offline');
    const offTriage = await offline.run({ message: 'full health check', instance_id: (await instance(offline)).id });
    await save(offline, offTriage.task_id, 'taskWorkflow.triage-offline');
    await save(offline, offTriage.task_id, 'taskWorkflow.triage-offline-notify');
    await offline.services.temporal.workflow.getHandle(`${offTriage.task_id}-notify`).result();
    await save(offline, `${offTriage.task_id}-notify`, 'notifyWorkflow.webhook');
    await save(offline, `${offTriage.task_id}-triage`, 'deepTriageWorkflow.offline');
    const offKnowledge = await offline.run({ message: 'what does noeviction do?' });
    await save(offline, `${offKnowledge.task_id}-knowledge`, 'knowledgeWorkflow.offline');
    for (const view of [chat, triage, knowledge, offChat, offTriage, offKnowledge]) expect(view.status).toBe('done');
    const sweepId = `retention-record-${Date.now()}`;
    await offline.services.temporal.workflow.execute(retentionWorkflow, {
      taskQueue: offline.config.temporal.taskQueue,
      workflowId: sweepId,
      args: [{ days: 30 }],
    });
    await save(offline, sweepId, 'retentionWorkflow.sweep');
  });

  it('records a cluster triage: the task, the cluster triage and one node baseline', async () => {
    const cluster = await startRedisCluster();
    try {
      const instance = await offline.services.stores.instances.create({
        name: `replay-cluster-${Date.now()}`,
        connection_url: `redis://:${cluster.password}@${cluster.addresses[0]}`,
        instance_type: 'cluster',
        environment: 'test',
      });
      const view = await offline.run({ message: 'full health check', instance_id: instance.id, agent: 'triage' }, { timeoutMs: 240_000 });
      expect(view.status).toBe('done');
      await save(offline, view.task_id, 'taskWorkflow.cluster-triage');
      await save(offline, `${view.task_id}-triage`, 'clusterTriageWorkflow.offline');
      await save(offline, `${view.task_id}-node-${cluster.addresses[0].replace(':', '_')}`, 'nodeBaselineWorkflow.primary');
    } finally {
      await cluster.stop();
    }
  }, 300_000);
});

// A sentinel instance's triage: the master's baseline, then a child baseline per replica.
recording('recording sentinel histories (RECORD_HISTORIES=1)', () => {
  let agent: TestAgent;
  let fixture: SentinelFixture;

  beforeAll(async () => {
    [agent, fixture] = await Promise.all([startTestAgent(), startSentinelFixture()]);
  });
  afterAll(async () => {
    await agent.stop();
    await fixture.stop();
  });

  it('records an offline sentinel triage and its replica baseline', async () => {
    const instance = await agent.services.stores.instances.create({
      name: 'replay-sentinel',
      connection_url: `redis://127.0.0.1:${fixture.master.port}`,
      instance_type: 'sentinel',
      sentinel_addresses: fixture.sentinels.map((s) => s.address),
      sentinel_master_name: MASTER_NAME,
    });
    const triage = await agent.run({ message: 'full health check', instance_id: instance.id, agent: 'triage' }, { forceOffline: true });
    expect(triage.status).toBe('done');
    const save = (workflowId: string, name: string) => saveHistory(agent.config.temporal.address, workflowId, name, { overwrite });
    save(`${triage.task_id}-triage`, 'deepTriageWorkflow.offline-sentinel');
    save(`${triage.task_id}-node-127.0.0.1:${fixture.replica.port}`, 'nodeBaselineWorkflow.offline-replica');
  });
});
