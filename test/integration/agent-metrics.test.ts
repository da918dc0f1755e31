import { stackStatus } from '../../stack/stack';
import { startObservedAgent, type ObservedAgent } from '../support/observed-agent';

/** After one task, the test stack's Prometheus holds the worker's Temporal SDK series and the agent's own. */
describe('the agent observed by the stack Prometheus', () => {
  let observed: ObservedAgent;
  let queue: string;

  beforeAll(async () => {
    observed = await startObservedAgent();
    queue = observed.world.agent.config.temporal.taskQueue;
  });
  afterAll(async () => observed?.stop());

  const series = async (expr: string) => {
    const reply = await observed.query(expr);
    expect(reply.status).toBe('success');
    return reply.data!.result;
  };

  it('ran the task that is measured', () => {
    expect(observed.task.status).toBe('done');
    expect(observed.task.result?.answer).toBe('Memory is fine.');
  });

  it("has the worker's Temporal SDK series: task slots, pollers, schedule-to-start latency, sticky cache", async () => {
    const slots = await series(`temporal_worker_task_slots_available{task_queue="${queue}"}`);
    expect(slots.map((s) => s.metric.worker_type)).toEqual(expect.arrayContaining(['WorkflowWorker', 'ActivityWorker']));
    expect(slots.every((s) => s.metric.instance === observed.endpoints.sdk && s.metric.component === 'worker_sdk')).toBe(true);
    const started = await series(`sum(temporal_workflow_task_schedule_to_start_latency_seconds_count{task_queue="${queue}"})`);
    expect(Number(started[0].value![1])).toBeGreaterThan(0);
    expect(await series(`temporal_activity_schedule_to_start_latency_seconds_bucket{task_queue="${queue}"}`)).not.toHaveLength(0);
    expect(await series(`temporal_num_pollers{task_queue="${queue}"}`)).not.toHaveLength(0);
    expect(await series(`temporal_sticky_cache_size{instance="${observed.endpoints.sdk}"}`)).not.toHaveLength(0);
  });

  it('has our tool-call histogram, model calls and tokens by tier, the task outcome and the target footprint', async () => {
    const at = `instance="${observed.endpoints.agent}"`;
    const toolCalls = await series(`sre_agent_tool_call_duration_seconds_bucket{${at},tool="redis_info",outcome="ok",le="+Inf"}`);
    expect(toolCalls).toHaveLength(1);
    expect(Number(toolCalls[0].value![1])).toBeGreaterThanOrEqual(1);
    const model = await series(`sre_agent_model_calls_total{${at},outcome="ok"}`);
    // The chat agent on the main tier: one turn that called the tool, one that answered.
    expect(model.map((s) => [s.metric.tier, s.value![1]])).toEqual([['main', '2']]);
    const tokens = await series(`sum(sre_agent_model_tokens_total{${at},kind="completion"})`);
    expect(Number(tokens[0].value![1])).toBeGreaterThan(0);
    const tasks = await series(`sre_agent_tasks_total{${at},agent="chat",mode="model",outcome="done"}`);
    expect(Number(tasks[0].value![1])).toBe(1);
    const busy = await series(`sum(sre_agent_target_busy_seconds_total{${at}})`);
    expect(Number(busy[0].value![1])).toBeGreaterThan(0);
    expect(await series(`nodejs_eventloop_lag_seconds{${at}}`)).toHaveLength(1);
  });

  it('shows both worker endpoints in stack status, scraped and up', async () => {
    const status = await stackStatus(observed.world.agent.config);
    for (const [component, address] of [
      ['worker_sdk', observed.endpoints.sdk],
      ['worker', observed.endpoints.agent],
    ])
      expect(status).toContainEqual(expect.objectContaining({ name: `scrape ${component}`, address: `${address} (up)`, healthy: true }));
  });
});
