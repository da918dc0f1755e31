import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { topicsFromBaseline } from '../../activities/triage';
import { runChecks } from '../../activities/rules/engine';
import { systemText } from './messages';
import { statusQuery } from '../../workflows/messages';
import { taskWorkflow } from '../../workflows/task';
import { blockUntilCancelled, FIXTURE, reply, startStubWorld, taskInput } from './stub-world';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const PLAN = {
  topics: [
    { title: 'Memory headroom', category: 'memory', severity: 'critical', rationale: 'OOM errors' },
    { title: 'Slow commands', category: 'performance', severity: 'info', rationale: 'latency' },
    { title: 'Client connections', category: 'connections', severity: 'info', rationale: 'clients' },
  ],
};

describe('deep triage branches (real workflows on the dev server, stubbed activities)', () => {
  it('planner output invalid twice: researches topics derived from the baseline and says so', async () => {
    const world = await startStubWorld({ planner: () => 'Sure! Here are some topics: memory, latency.' });
    const input = taskInput();
    const result = await world.run(() => world.client.workflow.execute(taskWorkflow, { taskQueue: world.taskQueue, workflowId: input.taskId, args: [input] }));
    await world.close();

    const expected = topicsFromBaseline(runChecks(FIXTURE.baseline).digest).map((t) => t.title);
    expect(result.answer).toMatch(/## How this triage ran\n- model plan invalid twice \(the reply had no JSON object\); topics derived from the baseline/);
    const topicEvents = world.recorded.events.filter((e) => e.type === 'topic' && e.state === 'running').map((e) => (e as { title: string }).title);
    expect(topicEvents.sort()).toEqual([...expected].sort());
  });

  it('one research topic failing: the triage completes and the report names the failed topic and why', async () => {
    const world = await startStubWorld({
      planner: () => JSON.stringify(PLAN),
      modelTurn: async ({ messages }) => {
        if (systemText(messages).includes('"Client connections"'))
          throw ApplicationFailure.nonRetryable('the model refused this topic', 'ModelRequestRejected');
        return reply('Checked the topic: nothing alarming.');
      },
    });
    const input = taskInput();
    const result = await world.run(() => world.client.workflow.execute(taskWorkflow, { taskQueue: world.taskQueue, workflowId: input.taskId, args: [input] }));
    const children = await Promise.all(
      [1, 2, 3].map(async (i) => (await world.client.workflow.getHandle(`${input.taskId}-topic-${i}`).describe()).status.name),
    );
    await world.close();

    expect(children).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    expect(result.answer).toMatch(/## Research topics that failed\n- Client connections: the model refused this topic/);
    expect(world.recorded.finished).toEqual([expect.objectContaining({ taskId: input.taskId, status: 'done' })]);
  });

  it("synthesis failing: the fallback report carries the rule findings and every topic's notes", async () => {
    const world = await startStubWorld({
      planner: () => JSON.stringify(PLAN),
      modelTurn: async () => reply('Topic notes: used_memory at maxmemory.'),
      synthesis: () => {
        throw new Error('synthesis model unavailable');
      },
    });
    const input = taskInput();
    const result = await world.run(() => world.client.workflow.execute(taskWorkflow, { taskQueue: world.taskQueue, workflowId: input.taskId, args: [input] }));
    await world.close();

    expect(result.answer).toMatch(/_The synthesis step failed \(.*synthesis model unavailable.*\); notes are shown as written\._/);
    for (const topic of PLAN.topics) expect(result.answer).toContain(`### ${topic.title} (done)`);
    // The rule findings are still the report's findings.
    expect(result.findings.map((f) => f.checkId)).toContain('memory.maxmemory-write-errors');
  });

  /** The research children's status codes (undefined for one not started yet). */
  const childStatuses = (world: { client: Client }, taskId: string) =>
    Promise.all(
      [1, 2, 3].map((i) =>
        world.client.workflow
          .getHandle(`${taskId}-topic-${i}`)
          .describe()
          .then(
            (d) => d.status.code,
            () => undefined,
          ),
      ),
    );

  it('cancellation mid-research: the task ends cancelled, its research children are cancelled, and the record says so', async () => {
    const world = await startStubWorld({ planner: () => JSON.stringify(PLAN), modelTurn: () => blockUntilCancelled() });
    const input = taskInput();
    await world.run(async () => {
      const handle = await world.client.workflow.start(taskWorkflow, { taskQueue: world.taskQueue, workflowId: input.taskId, args: [input] });
      const triage = world.client.workflow.getHandle(`${input.taskId}-triage`);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const status = await triage.query(statusQuery).catch(() => undefined);
        // 'running' is set as a child's start is requested: the children must have started too.
        const researching = status?.phase === 'researching' && status.topics.length === 3 && status.topics.every((t) => t.state === 'running');
        if (researching && (await childStatuses(world, input.taskId)).every((code) => code === Status.WORKFLOW_EXECUTION_STATUS_RUNNING)) break;
        if (Date.now() > deadline) throw new Error(`the triage never reached research: ${JSON.stringify(status)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await handle.cancel();
      const outcome = await handle.result().catch((err: unknown) => err);
      expect(outcome).toBeInstanceOf(WorkflowFailedError);
    });
    const children = await childStatuses(world, input.taskId);
    const task = await world.client.workflow.getHandle(input.taskId).describe();
    await world.close();

    expect(task.status.name).toBe('CANCELLED');
    expect(children.every((code) => code === Status.WORKFLOW_EXECUTION_STATUS_CANCELED)).toBe(true);
    expect(world.recorded.finished).toEqual([{ taskId: input.taskId, status: 'cancelled', error: 'cancelled by request', answer: undefined }]);
  });
});
