import { taskWorkflow } from '../../workflows/task';
import { startStubWorld, taskInput } from './stub-world';

describe('agent answers (real workflows on the dev server, stubbed activities)', () => {
  it('offline knowledge answer counts the search it ran, and none when no search could run', async () => {
    const searched = await startStubWorld();
    const one = taskInput({ agent: 'knowledge', instanceId: undefined, forceOffline: true, message: 'what does noeviction do?' });
    const answered = await searched.run(() =>
      searched.client.workflow.execute(taskWorkflow, { taskQueue: searched.taskQueue, workflowId: one.taskId, args: [one] }),
    );
    await searched.close();
    expect(answered.toolCalls).toBe(1);
    expect(answered.answer).toContain('[runbook: oom-maxmemory]');

    const none = await startStubWorld({ tools: () => [] });
    const two = taskInput({ agent: 'knowledge', instanceId: undefined, forceOffline: true, message: 'what does noeviction do?' });
    const unanswered = await none.run(() => none.client.workflow.execute(taskWorkflow, { taskQueue: none.taskQueue, workflowId: two.taskId, args: [two] }));
    await none.close();
    expect(unanswered.toolCalls).toBe(0);
    expect(unanswered.answer).toMatch(/could not be searched: unknown tool 'knowledge_search'/);
  });

  it('a long question is still searched: the knowledge query is cut to what the tool accepts', async () => {
    const world = await startStubWorld();
    const long = `${'Our cache keeps rejecting writes with OOM command not allowed when used memory > maxmemory. '.repeat(12)}What should we do?`;
    const input = taskInput({ agent: 'knowledge', instanceId: undefined, forceOffline: true, message: long });
    const result = await world.run(() => world.client.workflow.execute(taskWorkflow, { taskQueue: world.taskQueue, workflowId: input.taskId, args: [input] }));
    await world.close();
    expect(long.length).toBeGreaterThan(500);
    const query = (world.recorded.toolInputs[0].args as { query: string }).query;
    expect(query.length).toBeLessThanOrEqual(500);
    expect(long.startsWith(query)).toBe(true);
    expect(result.toolCalls).toBe(1);
  });
});
