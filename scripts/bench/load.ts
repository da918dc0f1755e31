import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newApiKey, writeKeyFile, type KeyFileEntry } from '../../core/api-keys';
import { listenApi } from '../../api/server';
import type { IsolatedStack } from '../../stack/isolated';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import { agentEnv, startBenchAgent } from './harness';
import { percentile, round } from './stats';

/**
 * Mixed REST traffic at a fixed rate (50 requests/s by default) for a bounded time, plus a few
 * hundred progress streams held open, against the real API, a real worker process and the app
 * Redis. Loopback only. Reports the status mix (never a 5xx is the bar), tasks lost (submitted
 * but not finished), and how app-Redis connections, its memory and the API's memory grew.
 */

export interface LoadResult {
  seconds: number;
  ratePerSecond: number;
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  latencyMs: { p50: number; p95: number; max: number };
  tasks: { submitted: number; finished: number; lost: number };
  streams: { opened: number; refused: number; events: number };
  appRedis: { connectionsBefore: number; connectionsMax: number; usedMemoryBeforeMb: number; usedMemoryMaxMb: number };
  apiRssMaxMb: number;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  key: string;
}

export async function benchLoad(stack: IsolatedStack, options: { seconds?: number; rate?: number; streams?: number } = {}): Promise<LoadResult> {
  const seconds = options.seconds ?? Number(process.env.BENCH_LOAD_SECONDS ?? 120);
  const rate = options.rate ?? 50;
  const streamCount = options.streams ?? 300;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-bench-load-'));
  const made = [...Array(4)].map((_, i) => newApiKey(`operator-${i}`, 'operator')).concat([...Array(2)].map((_, i) => newApiKey(`viewer-${i}`, 'viewer')));
  const keysFile = path.join(dir, 'keys.yaml');
  writeKeyFile(
    keysFile,
    made.map((m) => m.entry as KeyFileEntry),
  );
  const operators = made.slice(0, 4).map((m) => m.key);
  const viewers = made.slice(4).map((m) => m.key);
  const target = await startEphemeralRedis();
  const agent = await startBenchAgent({ ...agentEnv(stack), SRE_API_KEYS_FILE: keysFile, SRE_RATE_SAMPLE_MS: '500' }, { inProcessWorker: false });
  const api = await listenApi(agent.services, { host: '127.0.0.1', port: 0 });
  const appRedis = agent.services.stores.redis;
  const info = async () => {
    const text = await appRedis.info();
    return { clients: Number(/connected_clients:(\d+)/.exec(text)![1]), memory: Number(/used_memory:(\d+)/.exec(text)![1]) / 2 ** 20 };
  };
  const send = async (c: Call) => {
    const t = performance.now();
    const res = await fetch(`${api.url}${c.path}`, {
      method: c.method,
      headers: { authorization: `Bearer ${c.key}`, ...(c.body ? { 'content-type': 'application/json' } : {}) },
      body: c.body ? JSON.stringify(c.body) : undefined,
    }).catch(() => undefined);
    const text = res ? await res.text() : '';
    return { status: res?.status ?? 0, ms: performance.now() - t, body: text };
  };
  const controllers: AbortController[] = [];
  try {
    const instance = await agent.services.instances.create({ name: `load-${target.port}`, connection_url: target.url }, 'bench');
    const before = await info();
    // Threads to stream: a first batch of tasks.
    const taskIds: string[] = [];
    const threadIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await send({
        method: 'POST',
        path: '/api/v1/tasks',
        body: { message: `load question ${i}: what is maxmemory?`, agent: 'knowledge' },
        key: operators[i % 4],
      });
      const body = JSON.parse(r.body) as { task_id: string; thread_id: string };
      taskIds.push(body.task_id);
      threadIds.push(body.thread_id);
    }
    let events = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: streamCount }, async (_, i) => {
        const c = new AbortController();
        controllers.push(c);
        const res = await fetch(`${api.url}/api/v1/threads/${threadIds[i % threadIds.length]}/stream`, {
          headers: { authorization: `Bearer ${viewers[i % 2]}` },
          signal: c.signal,
        }).catch(() => undefined);
        if (!res || res.status !== 200) {
          refused++;
          return;
        }
        void (async () => {
          const reader = res.body!.getReader();
          for (;;) {
            const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (chunk.done) return;
            events += (new TextDecoder().decode(chunk.value).match(/\nevent: /g) ?? []).length;
          }
        })();
      }),
    );
    const byStatus: Record<string, number> = {};
    const latencies: number[] = [];
    let maxClients = before.clients;
    let maxMemory = before.memory;
    let maxRss = process.memoryUsage().rss / 2 ** 20;
    const sampler = setInterval(() => {
      void info().then((s) => {
        maxClients = Math.max(maxClients, s.clients);
        maxMemory = Math.max(maxMemory, s.memory);
      });
      maxRss = Math.max(maxRss, process.memoryUsage().rss / 2 ** 20);
    }, 2_000);
    const pick = (n: number): Call => {
      const r = n % 100;
      const known = taskIds[n % taskIds.length];
      const thread = threadIds[n % threadIds.length];
      if (r < 10)
        return { method: 'POST', path: '/api/v1/tasks', body: { message: `load ${n}: what does noeviction do?`, agent: 'knowledge' }, key: operators[n % 4] };
      if (r < 13)
        return {
          method: 'POST',
          path: '/api/v1/tasks',
          body: { message: `load ${n}: how many clients?`, instance_id: instance.id, agent: 'chat' },
          key: operators[n % 4],
        };
      if (r < 38) return { method: 'GET', path: '/api/v1/tasks?limit=20', key: viewers[n % 2] };
      if (r < 58) return { method: 'GET', path: `/api/v1/tasks/${known}`, key: viewers[n % 2] };
      if (r < 73) return { method: 'GET', path: '/api/v1/threads?limit=20', key: viewers[n % 2] };
      if (r < 83) return { method: 'GET', path: `/api/v1/threads/${thread}?limit=50`, key: viewers[n % 2] };
      if (r < 93) return { method: 'GET', path: '/api/v1/instances', key: viewers[n % 2] };
      if (r < 98) return { method: 'GET', path: '/api/v1/knowledge/search?q=maxmemory%20policy', key: viewers[n % 2] };
      return { method: 'GET', path: '/api/v1/health', key: viewers[n % 2] };
    };
    const pending: Array<Promise<void>> = [];
    const total = seconds * rate;
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const call = pick(n);
      pending.push(
        send(call).then((r) => {
          byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
          latencies.push(r.ms);
          if (call.method === 'POST' && r.status === 202) taskIds.push((JSON.parse(r.body) as { task_id: string }).task_id);
        }),
      );
    }
    await Promise.all(pending);
    clearInterval(sampler);
    // Every accepted task must finish: none may be lost.
    const deadline = Date.now() + 180_000;
    let finished = 0;
    for (const id of taskIds) {
      const view = await agent.services.tasks.wait(id, Math.max(1_000, deadline - Date.now()));
      if (['done', 'failed', 'cancelled'].includes(view.status)) finished++;
    }
    return {
      seconds,
      ratePerSecond: rate,
      requests: total,
      byStatus,
      serverErrors: Object.entries(byStatus)
        .filter(([s]) => Number(s) >= 500 || Number(s) === 0)
        .reduce((n, [, c]) => n + c, 0),
      latencyMs: { p50: round(percentile(latencies, 50), 1), p95: round(percentile(latencies, 95), 1), max: round(Math.max(...latencies), 1) },
      tasks: { submitted: taskIds.length, finished, lost: taskIds.length - finished },
      streams: { opened: streamCount - refused, refused, events },
      appRedis: {
        connectionsBefore: before.clients,
        connectionsMax: maxClients,
        usedMemoryBeforeMb: round(before.memory, 1),
        usedMemoryMaxMb: round(maxMemory, 1),
      },
      apiRssMaxMb: round(maxRss, 0),
    };
  } finally {
    for (const c of controllers) c.abort();
    await api.close();
    await agent.stop();
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
