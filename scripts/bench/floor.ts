import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { IsolatedStack } from '../../stack/isolated';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import { countActions, taskHistories, type ActionCount } from './actions';
import { floorActivities } from './floor/activities';
import type { FloorShape } from './floor/workflows';
import { agentEnv, startBenchAgent } from './harness';
import { round } from './stats';

/**
 * Our throughput against Temporal's own floor, in one run on the same dev server: N concurrent
 * offline chat tasks of ours, then N concurrent minimal workflows of the same shape (activities
 * and local activities that do nothing). The ratio says how much of the cost is ours; the dev
 * server's limit (one process, SQLite) is the same for both. Also the Temporal Cloud actions per
 * chat task and per deep triage, counted from their histories.
 */

export interface FloorResult {
  tasks: number;
  ours: { wallSeconds: number; tasksPerSecond: number; completed: number };
  floor: { wallSeconds: number; tasksPerSecond: number; completed: number; shape: FloorShape };
  ratio: number;
  actions: { chat: ActionCount; triage: ActionCount };
}

/** The shape of one of our tasks, read from its histories. */
function shapeOf(histories: Awaited<ReturnType<typeof taskHistories>>): FloorShape {
  const locals = (events: (typeof histories)[number]) => events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
  const activities = (events: (typeof histories)[number]) => events.filter((e) => e.activityTaskScheduledEventAttributes).length;
  const [parent, ...children] = histories;
  return {
    parentLocal: locals(parent),
    childLocal: children.reduce((n, h) => n + locals(h), 0),
    childActivities: children.reduce((n, h) => n + activities(h), 0),
  };
}

export async function benchFloor(stack: IsolatedStack, tasks = 100): Promise<FloorResult> {
  const target = await startEphemeralRedis();
  // The rate sample's wait is the diagnosis's own time, not orchestration: keep it at its minimum here.
  const agent = await startBenchAgent({ ...agentEnv(stack), SRE_RATE_SAMPLE_MS: '500' }, { inProcessWorker: false });
  try {
    const instance = await agent.services.stores.instances.ensureForUrl(target.url);
    const chat = { message: 'how many clients are connected?', instance_id: instance.id, agent: 'chat' };
    const warm = await agent.run(chat, { forceOffline: true });
    const chatHistories = await taskHistories(agent.services.temporal, warm.task_id);
    const shape = shapeOf(chatHistories);
    const triage = await agent.run({ message: 'full health check', instance_id: instance.id, agent: 'triage' }, { forceOffline: true });
    const actions = { chat: countActions(chatHistories), triage: countActions(await taskHistories(agent.services.temporal, triage.task_id)) };

    let started = Date.now();
    const ours = await Promise.all(Array.from({ length: tasks }, () => agent.run(chat, { forceOffline: true })));
    const oursWall = (Date.now() - started) / 1000;

    // The floor: the same worker settings as ours (workers/worker.ts), on a queue of its own.
    const connection = await NativeConnection.connect({ address: agent.config.temporal.address });
    const taskQueue = `floor-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: path.join(__dirname, 'floor', 'workflows.js'),
      activities: floorActivities,
      maxConcurrentActivityTaskExecutions: agent.config.limits.workerConcurrency,
      maxConcurrentWorkflowTaskExecutions: 200,
      maxConcurrentWorkflowTaskPolls: 20,
      maxConcurrentActivityTaskPolls: 20,
    });
    let floorWall = 0;
    let floorDone = 0;
    await worker.runUntil(async () => {
      const client = agent.services.temporal;
      await client.workflow.execute('floorTaskWorkflow', { taskQueue, workflowId: `floor-warm-${taskQueue}`, args: [shape] });
      started = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: tasks }, (_, i) =>
          client.workflow.execute('floorTaskWorkflow', { taskQueue, workflowId: `floor-${taskQueue}-${i}`, args: [shape] }),
        ),
      );
      floorWall = (Date.now() - started) / 1000;
      floorDone = results.filter((r) => r.status === 'fulfilled').length;
    });
    await connection.close();
    const oursRate = tasks / oursWall;
    const floorRate = tasks / floorWall;
    return {
      tasks,
      ours: { wallSeconds: round(oursWall, 2), tasksPerSecond: round(oursRate, 2), completed: ours.filter((v) => v.status === 'done').length },
      floor: { wallSeconds: round(floorWall, 2), tasksPerSecond: round(floorRate, 2), completed: floorDone, shape },
      ratio: round(oursRate / floorRate, 2),
      actions,
    };
  } finally {
    await agent.stop();
    await target.stop();
  }
}
