import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RunningApi } from '../../api/server';
import { createLogger } from '../../core/logger';
import { shareServices } from '../../mcp/server/create-server';
import { startMcpHttpServer, type McpHttpServer } from '../../mcp/server/http';
import { startTestAgent, testEnv, type TestAgent } from '../support/agent';
import { serveApi } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';

/**
 * The three front doors over one service layer with an app Redis of its own (so counts of
 * instances, threads and tasks are this file's alone), a knowledge store in a temporary folder,
 * and one existing object of each kind for the cases that need a real id.
 */

/** Names unique to this run, so schedules of parallel test files never collide with ours. */
export const RUN = randomBytes(3).toString('hex');

/** Placeholders in the generated corpus for ids that exist only once the fixtures are created. */
export const T = {
  instance: '«instance»',
  instanceName: '«instanceName»',
  thread: '«thread»',
  task: '«task»',
  schedule: '«schedule»',
  scheduleName: '«scheduleName»',
} as const;

export type Fixtures = Record<keyof typeof T, string>;

export function resolve<V>(value: V, fixtures: Fixtures): V {
  const byToken = new Map(Object.entries(T).map(([name, token]) => [token as string, fixtures[name as keyof Fixtures]]));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return byToken.get(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(value) as V;
}

export interface Snapshot {
  instances: string[];
  threads: string[];
  tasks: string[];
  schedules: string[];
  /** The existing objects must not be changed by refused requests either. */
  fixtureInstance: string;
  fixtureSchedule: string;
}

export interface Hardening {
  agent: TestAgent;
  api: RunningApi;
  /** A new MCP client session: one per case, so a case cannot leave state behind in the client. */
  connectMcp(): Promise<Client>;
  fixtures: Fixtures;
  cliEnv: Record<string, string>;
  snapshot(): Promise<Snapshot>;
  stop(): Promise<void>;
}

export async function startHardening(): Promise<Hardening> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-agent-hardening-'));
  const appRedis: EphemeralRedis = await startRedis();
  // Thousands of requests in a minute: the per-key rate limits are not what this corpus tests.
  const unlimited = { SRE_RATE_TASKS_PER_MINUTE: '1000000', SRE_RATE_STREAMS_PER_MINUTE: '1000000', SRE_RATE_PROBES_PER_MINUTE: '1000000' };
  const agent = await startTestAgent({ env: { SRE_APP_REDIS_URL: appRedis.url, SRE_DATA_DIR: dataDir, ...unlimited } });
  const { services } = agent;
  const api = await serveApi(services);
  const http: McpHttpServer = await startMcpHttpServer(shareServices(services, createLogger('mcp', 'warn')), { host: '127.0.0.1', port: 0 });
  const connectMcp = async () => {
    const client = new Client({ name: 'bad-input', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    return client;
  };

  const instance = await services.instances.create({
    name: `bad-input-${RUN}`,
    connection_url: 'redis://127.0.0.1:1',
    environment: 'production',
    usage: 'queue',
    description: 'fixture',
  });
  const task = await agent.run({ message: 'what does maxmemory-policy noeviction do?', agent: 'knowledge' }, { forceOffline: true });
  const schedule = await services.schedules.create({
    name: `bad-input-${RUN}`,
    instance_id: instance.id,
    interval: { every: 7, unit: 'days' },
    enabled: false,
  });
  const fixtures: Fixtures = {
    instance: instance.id,
    instanceName: instance.name,
    thread: task.thread_id,
    task: task.task_id,
    schedule: schedule.id,
    scheduleName: schedule.name,
  };

  const taskQueue = agent.config.temporal.taskQueue;
  const ours = new Map<string, boolean>();
  /** Schedules live in the shared Temporal namespace: only those acting on our task queue are ours. */
  const isOurs = async (id: string) => {
    if (!ours.has(id)) {
      const description = await services.temporal.schedule
        .getHandle(id)
        .describe()
        .catch(() => undefined);
      ours.set(id, (description?.action as { taskQueue?: string } | undefined)?.taskQueue === taskQueue);
    }
    return ours.get(id)!;
  };

  return {
    agent,
    api,
    connectMcp,
    fixtures,
    cliEnv: testEnv({ SRE_APP_REDIS_URL: appRedis.url, SRE_TASK_QUEUE: taskQueue }),
    async snapshot() {
      const [instances, threads, tasks, schedules] = await Promise.all([
        services.instances.list(),
        services.threads.list({ limit: 200 }),
        services.tasks.list({ limit: 200 }),
        services.schedules.list(),
      ]);
      const ourSchedules = [];
      for (const s of schedules) if (await isOurs(s.id)) ourSchedules.push(s);
      const fixtureInstance = await services.instances.get(instance.id);
      const { next_runs: _next, ...fixtureSchedule } = await services.schedules.get(schedule.id);
      return {
        instances: instances.map((i) => `${i.id} ${i.name}`).sort(),
        threads: threads.map((t) => `${t.id} ${t.title.slice(0, 80)}`).sort(),
        tasks: tasks.tasks.map((t) => `${t.task_id} ${t.message.slice(0, 80)}`).sort(),
        schedules: ourSchedules.map((s) => `${s.id} ${s.name.slice(0, 80)}`).sort(),
        fixtureInstance: JSON.stringify(fixtureInstance),
        fixtureSchedule: JSON.stringify(fixtureSchedule),
      };
    },
    async stop() {
      await services.schedules.delete(schedule.id).catch(() => undefined);
      await http.close();
      await api.close();
      await agent.stop();
      await appRedis.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What changed between two snapshots, readable in a failed assertion. */
export function changes(before: Snapshot, after: Snapshot): Record<string, { added: string[]; removed: string[] } | { before: string; after: string }> {
  const out: Record<string, { added: string[]; removed: string[] } | { before: string; after: string }> = {};
  for (const kind of ['instances', 'threads', 'tasks', 'schedules'] as const) {
    const added = after[kind].filter((x) => !before[kind].includes(x));
    const removed = before[kind].filter((x) => !after[kind].includes(x));
    if (added.length || removed.length) out[kind] = { added, removed };
  }
  for (const kind of ['fixtureInstance', 'fixtureSchedule'] as const) {
    if (before[kind] !== after[kind]) out[kind] = { before: before[kind], after: after[kind] };
  }
  return out;
}
