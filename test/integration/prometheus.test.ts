import { runTool } from '../../activities/tools/activities';
import { prometheusAlerts, prometheusMetrics, prometheusQuery, prometheusQueryRange } from '../../activities/tools/prometheus';
import { buildWorkerDeps } from '../../workers/deps';
import { loadConfig } from '../../core/config';
import { testEnv } from '../support/agent';

describe('Prometheus tools against the real Prometheus and redis_exporter', () => {
  const config = loadConfig(testEnv());
  const deps = buildWorkerDeps(config);
  const call = (tool: Parameters<typeof runTool>[0], args: unknown) =>
    runTool(tool, deps, { callId: 'c1', taskId: 'task_test', threadId: 'thread_promtest', args });
  afterAll(async () => deps.close());

  it('returns real redis_exporter metrics once Prometheus has scraped them', async () => {
    let series: Array<{ series: string; value: number }> = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && series.length === 0) {
      const out = await call(prometheusQuery, { query: 'redis_up' });
      series = (out.data as { series: typeof series }).series;
      if (series.length === 0) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(series.length).toBeGreaterThan(0);
    expect(series[0].series).toMatch(/^redis_up\{.*instance=/);
    expect(series[0].value).toBe(1);

    const names = (await call(prometheusMetrics, { search: 'redis_memory' })).data as { metrics: string[] };
    expect(names.metrics).toContain('redis_memory_used_bytes');

    const range = (await call(prometheusQueryRange, { query: 'redis_connected_clients', range: '5m', step: '15s' })).data as {
      series: Array<{ points: number; last: number }>;
    };
    expect(range.series[0].points).toBeGreaterThan(0);
    expect(range.series[0].last).toBeGreaterThanOrEqual(1);

    const alerts = (await call(prometheusAlerts, {})).data as { count: number };
    expect(alerts.count).toBeGreaterThanOrEqual(0);
  });

  it('answers a query Prometheus refuses with its own error text, and does not retry it', async () => {
    await expect(call(prometheusQuery, { query: 'rate(redis_up[5m' })).rejects.toMatchObject({
      message: expect.stringMatching(/^prometheus_query: Prometheus refused the query \(bad_data\): .*parse error/),
      nonRetryable: true,
    });
    // The refusal is Prometheus's words, not its JSON envelope.
    await expect(call(prometheusQuery, { query: 'rate(redis_up[5m' })).rejects.toMatchObject({ message: expect.not.stringContaining('"status"') });
  });

  it('says Prometheus is unreachable when it is, so the activity retries', async () => {
    const down = buildWorkerDeps(loadConfig(testEnv({ PROMETHEUS_URL: 'http://127.0.0.1:1' })));
    await expect(
      runTool(prometheusQuery, down, { callId: 'c2', taskId: 'task_test', threadId: 'thread_promtest', args: { query: 'up' } }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/Prometheus at http:\/\/127\.0\.0\.1:1 is unreachable/),
      nonRetryable: false,
    });
    await down.close();
  });
});
