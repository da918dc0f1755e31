import { listenApi, type RunningApi } from '../../api/server';
import { installTracing } from '../../core/tracing';
import { call } from '../support/api';
import { startModelWorld, type ModelWorld } from '../support/model-world';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { callTools, say } from '../support/scripted-model';

/** One task submitted over REST is one trace: request → task → child workflow → each tool and model call. */
describe('tracing a task with OpenTelemetry', () => {
  let receiver: OtlpReceiver;
  let world: ModelWorld;
  let api: RunningApi;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    world = await startModelWorld({
      script: (_req, i) => (i === 0 ? callTools({ name: 'redis_info', arguments: { section: 'memory' } }) : say('Memory is fine.')),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'sre-agent-test' },
    });
    api = await listenApi(world.agent.services, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await world?.stop();
    await receiver?.stop();
  });

  it('exports the span tree of one task to the OTLP/HTTP endpoint', async () => {
    const submitted = await call(api.url, 'POST', '/api/v1/tasks', { message: 'How is memory?', instance_id: world.instanceId, agent: 'chat' });
    expect(submitted.status).toBe(202);
    const view = await world.agent.services.tasks.wait(submitted.body.task_id, 120_000);
    expect(view.status).toBe('done');

    // Workflow spans reach the exporter through the worker's sink after each activation: wait for the last one to arrive.
    const tracing = installTracing(world.agent.config);
    const deadline = Date.now() + 30_000;
    while (!receiver.spans.some((s) => s.name === 'RunWorkflow:taskWorkflow') && Date.now() < deadline) {
      await tracing.flush();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(receiver.rejected).toEqual([]);

    const request = receiver.spans.find((s) => s.name === 'POST /api/v1/tasks');
    expect(request).toBeDefined();
    expect(request!.parentSpanId).toBeUndefined();
    expect(request!.service).toBe('sre-agent-test');
    const trace = receiver.spans.filter((s) => s.traceId === request!.traceId);
    const parentOf = (span: ReceivedSpan) => trace.find((s) => s.spanId === span.parentSpanId);
    const chain = (span: ReceivedSpan): string[] => {
      const parent = parentOf(span);
      return parent ? [...chain(parent), span.name] : [span.name];
    };
    const named = (name: string) => trace.filter((s) => s.name === name);

    expect(named('RunWorkflow:taskWorkflow')).toHaveLength(1);
    expect(chain(named('RunWorkflow:taskWorkflow')[0])).toEqual(['POST /api/v1/tasks', 'StartWorkflow:taskWorkflow', 'RunWorkflow:taskWorkflow']);
    expect(chain(named('RunWorkflow:chatWorkflow')[0])).toEqual([
      'POST /api/v1/tasks',
      'StartWorkflow:taskWorkflow',
      'RunWorkflow:taskWorkflow',
      'StartChildWorkflow:chatWorkflow',
      'RunWorkflow:chatWorkflow',
    ]);
    // The tool the model asked for, and both model turns, each as an activity under the chat workflow.
    const tool = named('RunActivity:redis_info').map(chain);
    expect(tool).toContainEqual([...chain(named('RunWorkflow:chatWorkflow')[0]), 'StartActivity:redis_info', 'RunActivity:redis_info']);
    const modelTurns = named('RunActivity:modelTurn').map(chain);
    expect(modelTurns).toHaveLength(2);
    for (const turn of modelTurns) expect(turn.slice(0, 5)).toEqual(chain(named('RunWorkflow:chatWorkflow')[0]));
    // Every span of the trace hangs off the request: nothing starts a trace of its own.
    expect(trace.filter((s) => !parentOf(s)).map((s) => s.name)).toEqual(['POST /api/v1/tasks']);
  });

  it("joins a caller's trace named in a W3C traceparent header", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const reply = await call(api.url, 'GET', '/api/v1/threads', undefined, { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(reply.status).toBe(200);
    const tracing = installTracing(world.agent.config);
    const deadline = Date.now() + 10_000;
    while (!receiver.spans.some((s) => s.name === 'GET /api/v1/threads') && Date.now() < deadline) {
      await tracing.flush();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(
      receiver.spans.filter((s) => s.name === 'GET /api/v1/threads').map((s) => [s.traceId, s.parentSpanId, s.attributes['http.response.status_code']]),
    ).toEqual([[traceId, callerSpan, 200]]);
  });
});
