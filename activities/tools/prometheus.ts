import { z } from 'zod';
import { defineTool, noArgs } from './define';
import { BackendRequestError, backendUrl, durationSeconds, getJson } from './http';

/** Prometheus HTTP API tools (/api/v1/*). */

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

/** Prometheus's own words for a refused query ("bad_data: parse error at char 5: …"), never retried. */
function refused(body: Partial<PromResponse<unknown>>, status: number): BackendRequestError {
  return new BackendRequestError(`Prometheus refused the query (${body.errorType ?? 'error'}): ${body.error ?? 'no error text'}`, status);
}

async function prom<T>(baseUrl: string, path: string, params: Record<string, string>): Promise<T> {
  let body: PromResponse<T>;
  try {
    body = await getJson<PromResponse<T>>('Prometheus', backendUrl(baseUrl, path, params));
  } catch (err) {
    if (err instanceof BackendRequestError && err.body) {
      let reply: Partial<PromResponse<unknown>> | undefined;
      try {
        reply = JSON.parse(err.body) as Partial<PromResponse<unknown>>;
      } catch {
        // not Prometheus's JSON error shape: keep the original message
      }
      if (reply?.status === 'error') throw refused(reply, err.status);
    }
    throw err;
  }
  if (body.status !== 'success') throw refused(body, 200);
  return body.data;
}

const MAX_SERIES = 20;
const MAX_POINTS = 30;

function seriesLabel(metric: Record<string, string>): string {
  const { __name__, ...labels } = metric;
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${__name__ ?? ''}{${inner}}`;
}

/** Evenly thins a series to at most n points, keeping first and last. */
function downsample<T>(points: T[], n: number): T[] {
  if (points.length <= n) return points;
  const step = (points.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => points[Math.round(i * step)]);
}

const promql = z.string().min(1).max(2000).describe('PromQL expression, e.g. redis_memory_used_bytes / redis_memory_max_bytes (at most 2000 characters)');
const duration = z.string().regex(/^\d+[smhdw]$/, 'a duration such as 30s, 5m, 1h');

export const prometheusQuery = defineTool({
  name: 'prometheus_query',
  categories: ['performance', 'memory', 'connections', 'availability', 'replication'],
  description:
    'Instant PromQL query against Prometheus (redis_exporter metrics such as redis_memory_used_bytes, redis_connected_clients, rate(redis_commands_processed_total[5m]), redis_evicted_keys_total). Returns up to 20 series with their value.',
  schema: z
    .object({
      query: promql,
      time: z.string().max(40).optional().describe('Evaluation time: RFC 3339 (2026-01-31T12:00:00Z) or Unix seconds; leave out for now'),
    })
    .strict(),
  capability: 'metrics',
  retryClass: 'metrics',
  needsInstance: false,
  access: 'read',
  handler: async ({ query, time }, ctx) => {
    const data = await prom<{ resultType: string; result: PromSeries[] | [number, string] }>(
      ctx.deps.config.prometheusUrl,
      'api/v1/query',
      time ? { query, time } : { query },
    );
    if (!Array.isArray(data.result) || (data.result.length && !Array.isArray(data.result[0]) && typeof data.result[0] !== 'object')) {
      return { resultType: data.resultType, value: data.result };
    }
    const series = (data.result as PromSeries[]).map((s) => ({ series: seriesLabel(s.metric), value: s.value ? Number(s.value[1]) : undefined }));
    return {
      resultType: data.resultType,
      seriesCount: series.length,
      series: series.slice(0, MAX_SERIES),
      truncated: series.length > MAX_SERIES ? `${series.length - MAX_SERIES} more series omitted` : undefined,
    };
  },
  summarize: (data: { seriesCount?: number }) => `${data.seriesCount ?? 0} series`,
});

export const prometheusQueryRange = defineTool({
  name: 'prometheus_query_range',
  categories: ['performance', 'memory', 'connections', 'availability', 'replication'],
  description:
    'PromQL range query over the last `range` (e.g. 1h) at `step` resolution. Returns up to 20 series, each thinned to 30 points, with min/max/last so trends are visible without raw data.',
  schema: z
    .object({
      query: promql,
      range: duration.default('1h').describe('Window ending now: a number and s, m, h, d or w, e.g. 30m or 6h (default 1h)'),
      step: duration.default('1m').describe('Resolution between points, e.g. 15s or 1m (default 1m); keep range/step under a few hundred points'),
    })
    .strict(),
  capability: 'metrics',
  retryClass: 'metrics',
  needsInstance: false,
  access: 'read',
  handler: async ({ query, range, step }, ctx) => {
    const end = Date.now() / 1000;
    const data = await prom<{ result: PromSeries[] }>(ctx.deps.config.prometheusUrl, 'api/v1/query_range', {
      query,
      start: String(end - durationSeconds(range)),
      end: String(end),
      step: String(durationSeconds(step)),
    });
    const series = data.result.map((s) => {
      const values = (s.values ?? []).map(([t, v]) => [Math.round(t), Number(v)] as [number, number]);
      const nums = values.map(([, v]) => v).filter(Number.isFinite);
      return {
        series: seriesLabel(s.metric),
        points: values.length,
        min: nums.length ? Math.min(...nums) : undefined,
        max: nums.length ? Math.max(...nums) : undefined,
        last: nums.at(-1),
        values: downsample(values, MAX_POINTS),
      };
    });
    return { seriesCount: series.length, series: series.slice(0, MAX_SERIES) };
  },
  summarize: (data: { seriesCount: number }) => `${data.seriesCount} series`,
});

export const prometheusMetrics = defineTool({
  name: 'prometheus_metrics',
  categories: ['performance', 'memory', 'connections'],
  description: 'Lists metric names known to Prometheus whose name contains the search text (e.g. "redis_memory"), to find what can be queried.',
  schema: z
    .object({
      search: z.string().min(1).max(100).describe('Part of a metric name to find, case-insensitive, e.g. redis_memory or evicted'),
      limit: z.number().int().min(1).max(200).default(50).describe('Most names to return, 1 to 200 (default 50)'),
    })
    .strict(),
  capability: 'metrics',
  retryClass: 'metrics',
  needsInstance: false,
  access: 'read',
  handler: async ({ search, limit }, ctx) => {
    const names = await prom<string[]>(ctx.deps.config.prometheusUrl, 'api/v1/label/__name__/values', {});
    const matches = names.filter((n) => n.toLowerCase().includes(search.toLowerCase()));
    return { total: matches.length, metrics: matches.slice(0, limit) };
  },
  summarize: (data: { total: number }) => `${data.total} metric(s)`,
});

export const prometheusAlerts = defineTool({
  name: 'prometheus_alerts',
  categories: ['availability'],
  description: 'Alerts currently pending or firing in Prometheus, with labels, annotations and since when.',
  schema: noArgs,
  capability: 'metrics',
  retryClass: 'metrics',
  needsInstance: false,
  access: 'read',
  handler: async (_args, ctx) => {
    const data = await prom<{
      alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string; activeAt: string; value: string }>;
    }>(ctx.deps.config.prometheusUrl, 'api/v1/alerts', {});
    return {
      count: data.alerts.length,
      alerts: data.alerts.slice(0, 30).map((a) => ({
        name: a.labels.alertname,
        state: a.state,
        since: a.activeAt,
        labels: a.labels,
        summary: a.annotations.summary ?? a.annotations.description,
        value: a.value,
      })),
    };
  },
  summarize: (data: { count: number }) => `${data.count} alert(s)`,
});
