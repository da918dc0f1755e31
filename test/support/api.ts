import { listenApi, type RunningApi } from '../../api/server';
import type { Services } from '../../service';
import { startTestAgent, type TestAgent } from './agent';
import { startRedis, type EphemeralRedis } from './redis';

/**
 * The REST API on a free port over a real worker, with an app Redis of its own so counts of
 * instances, threads and tasks are not disturbed by test files running in parallel.
 */
export interface ApiUnderTest {
  agent: TestAgent;
  api: RunningApi;
  appRedis: EphemeralRedis;
  url: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply>;
  stop(): Promise<void>;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiReply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export async function serveApi(services: Services, options: { heartbeatMs?: number } = {}): Promise<RunningApi> {
  return listenApi(services, { host: '127.0.0.1', port: 0, heartbeatMs: options.heartbeatMs ?? 500, pingMs: 5_000 });
}

export async function startApiUnderTest(options: { env?: Record<string, string>; modelBaseURL?: string } = {}): Promise<ApiUnderTest> {
  const appRedis = await startRedis();
  const agent = await startTestAgent({ modelBaseURL: options.modelBaseURL, env: { SRE_APP_REDIS_URL: appRedis.url, ...options.env } });
  const api = await serveApi(agent.services);
  return {
    agent,
    api,
    appRedis,
    url: api.url,
    call: (method, path, body, headers) => call(api.url, method, path, body, headers),
    async stop() {
      await api.close();
      await agent.stop();
      await appRedis.stop();
    },
  };
}

/** Polls GET /tasks/:id until the task leaves queued/running. */
export async function waitForTask(api: Pick<ApiUnderTest, 'call'>, taskId: string, timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api.call('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}`);
    if (reply.status === 200 && !['queued', 'running'].includes(reply.body.status)) return reply.body;
    if (reply.status !== 200 && reply.status !== 404) throw new Error(`GET /tasks/${taskId}: ${reply.status} ${reply.text}`);
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not finish in ${timeoutMs} ms: ${reply.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
