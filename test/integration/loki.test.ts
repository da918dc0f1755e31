import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runTool } from '../../activities/tools/activities';
import { lokiLabels, lokiLabelValues, lokiQueryRange } from '../../activities/tools/loki';
import { ToolRegistry, BUILTIN_TOOLS } from '../../activities/tools/registry';
import { loadConfig } from '../../core/config';
import { buildWorkerDeps } from '../../workers/deps';
import { testEnv } from '../support/agent';

/**
 * Contract tests: a fake Loki that checks our requests against Loki's HTTP API
 * (GET /loki/api/v1/query_range, /labels, /label/<name>/values) and answers with its shapes.
 */
function fakeLoki(seen: Array<{ path: string; params: URLSearchParams; tenant?: string }>) {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loki');
    seen.push({ path: url.pathname, params: url.searchParams, tenant: req.headers['x-scope-orgid'] as string | undefined });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/loki/api/v1/query_range') {
      const start = url.searchParams.get('start') ?? '';
      const end = url.searchParams.get('end') ?? '';
      if (!/^\d{19}$/.test(start) || !/^\d{19}$/.test(end) || BigInt(start) >= BigInt(end)) return json(400, { message: 'bad start/end' });
      if (!url.searchParams.get('query')?.startsWith('{')) return json(400, { message: 'parse error : syntax error: unexpected IDENTIFIER' });
      const now = BigInt(end);
      return json(200, {
        status: 'success',
        data: {
          resultType: 'streams',
          result: [
            {
              stream: { app: 'redis', instance: 'cache-1' },
              values: [
                [String(now - 2_000_000_000n), 'Background saving error'],
                [String(now - 1_000_000_000n), `WARNING ${'x'.repeat(500)}`],
              ],
            },
            { stream: { app: 'redis', instance: 'cache-2' }, values: [[String(now - 500_000_000n), 'MASTER <-> REPLICA sync started requirepass=hunter2']] },
          ],
          stats: {},
        },
      });
    }
    if (url.pathname === '/loki/api/v1/labels') return json(200, { status: 'success', data: ['app', 'instance', 'job'] });
    if (url.pathname === '/loki/api/v1/label/app/values') return json(200, { status: 'success', data: ['redis', 'api'] });
    return json(404, { message: '404 page not found' });
  });
}

describe('Loki tools against the Loki HTTP API', () => {
  const seen: Array<{ path: string; params: URLSearchParams; tenant?: string }> = [];
  const server = fakeLoki(seen);
  let deps: ReturnType<typeof buildWorkerDeps>;
  const call = (tool: Parameters<typeof runTool>[0], args: unknown) => runTool(tool, deps, { callId: 'c', taskId: 'task_loki', threadId: 'thread_loki', args });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    deps = buildWorkerDeps(loadConfig(testEnv({ LOKI_URL: `http://127.0.0.1:${port}`, LOKI_TENANT: 'team-a' })));
  });
  afterAll(async () => {
    await deps.close();
    server.close();
  });

  it('queries a time range newest first, bounds lines, and scrubs secrets', async () => {
    const out = (await call(lokiQueryRange, { query: '{app="redis"} |= "error"', since: '15m', limit: 10 })).data as {
      lines: Array<{ line: string; labels: string; at: string }>;
      streams: number;
    };
    const request = seen.at(-1)!;
    expect(request.path).toBe('/loki/api/v1/query_range');
    expect(request.params.get('direction')).toBe('backward');
    expect(request.params.get('limit')).toBe('10');
    expect(BigInt(request.params.get('end')!) - BigInt(request.params.get('start')!)).toBe(15n * 60n * 1_000_000_000n);
    expect(request.tenant).toBe('team-a');
    expect(out.streams).toBe(2);
    expect(out.lines.map((l) => l.labels)).toEqual([
      '{app="redis",instance="cache-2"}',
      '{app="redis",instance="cache-1"}',
      '{app="redis",instance="cache-1"}',
    ]);
    expect(out.lines[0].line).toContain('requirepass=***');
    expect(out.lines[1].line.length).toBeLessThanOrEqual(301);
  });

  it('lists labels and label values', async () => {
    expect(((await call(lokiLabels, {})).data as { labels: string[] }).labels).toEqual(['app', 'instance', 'job']);
    expect(((await call(lokiLabelValues, { label: 'app' })).data as { values: string[] }).values).toEqual(['redis', 'api']);
  });

  it('turns a LogQL error into a non-retryable failure the model can read', async () => {
    await expect(call(lokiQueryRange, { query: 'app=redis' })).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringMatching(/Loki rejected the request \(HTTP 400\): .*syntax error/),
    });
  });

  it('offers Loki tools to the model only when LOKI_URL is set', () => {
    const registry = new ToolRegistry(BUILTIN_TOOLS);
    const names = (env: Record<string, string>) => registry.offered(loadConfig(testEnv(env)), { withInstance: true }).map((t) => t.name);
    expect(names({})).not.toContain('loki_query_range');
    expect(names({ LOKI_URL: 'http://loki:3100' })).toContain('loki_query_range');
  });
});

const live = process.env.LOKI_URL ? describe : describe.skip;
live('Loki tools against a live Loki (LOKI_URL)', () => {
  it('lists labels from the live server', async () => {
    const deps = buildWorkerDeps(loadConfig(testEnv({ LOKI_URL: process.env.LOKI_URL! })));
    try {
      const out = await runTool(lokiLabels, deps, { callId: 'c', taskId: 'task_live', threadId: 'thread_live', args: {} });
      expect(Array.isArray((out.data as { labels: string[] }).labels)).toBe(true);
    } finally {
      await deps.close();
    }
  });
});
