import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import Redis from 'ioredis';
import type { Config } from '../core/config';
import { ensureLocalMasterKeyFile } from '../core/secrets/master-key';
import { SEARCH_ATTRIBUTE_FLAGS } from '../core/search-attributes';
import { installAll, temporalBinaryPath } from './install';
import { installLocalModel, localModelArgs } from './local-model';
import { alertmanagerArgs, alertmanagerDir, writeAlertmanagerConfig } from './alertmanager-config';
import { writePrometheusConfig } from './prometheus-config';
import { agentTargetStatus } from './agent-targets';
import { portOpen, runningPid, startDetached, stopPid, waitFor, which } from './processes';

/**
 * The local stack on loopback: Temporal dev server (SQLite under .data/, UI, search attributes),
 * the app Redis, redis_exporter, Prometheus (with the Redis alert rules) and Alertmanager (routing
 * to the agent's webhook). `up` is idempotent, `down` stops only what `up`
 * started (PID files), `status` probes each component.
 */

type Say = (line: string) => void;

interface Component {
  name: string;
  address: string;
  pidFile: string;
  logFile: string;
  start(): void;
  healthy(): Promise<boolean>;
  readyTimeoutMs: number;
}

async function temporalServing(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    try {
      const response = await connection.healthService.check({});
      return response.status === 1; // SERVING
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

async function redisPing(port: number): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

function binary(name: string): string {
  return which(name) ?? `/usr/bin/${name}`;
}

export function components(config: Config): Component[] {
  const data = config.dataDir;
  const run = (name: string) => path.join(data, 'run', `${name}.pid`);
  const log = (name: string) => path.join(data, 'logs', `${name}.log`);
  const s = config.stack;
  const exporterAddress = `127.0.0.1:${s.redisExporterPort}`;
  const alertmanagerAddress = `127.0.0.1:${s.alertmanagerPort}`;
  return [
    {
      name: 'temporal',
      address: `${config.temporal.address} (UI ${config.temporal.uiUrl})`,
      pidFile: run('temporal'),
      logFile: log('temporal'),
      readyTimeoutMs: 90_000,
      start() {
        startDetached(
          temporalBinaryPath(),
          [
            'server',
            'start-dev',
            '--ip',
            '127.0.0.1',
            '--port',
            String(s.temporalPort),
            '--ui-port',
            String(s.temporalUiPort),
            '--db-filename',
            path.join(data, 'temporal.db'),
            '--log-level',
            'warn',
            '--ui-disable-news-fetch',
            // Activities scheduled by a workflow task go straight back to the worker that sent it.
            '--dynamic-config-value',
            'system.enableActivityEagerExecution=true',
            // WAL keeps the SQLite file crash-safe while letting reads and writes overlap.
            '--sqlite-pragma',
            'journal_mode=wal',
            '--sqlite-pragma',
            'synchronous=normal',
            ...SEARCH_ATTRIBUTE_FLAGS.flatMap((flag) => ['--search-attribute', flag]),
          ],
          { pidFile: this.pidFile, logFile: this.logFile },
        );
      },
      healthy: () => temporalServing(`127.0.0.1:${s.temporalPort}`),
    },
    {
      name: 'app-redis',
      address: `redis://127.0.0.1:${s.appRedisPort}`,
      pidFile: run('app-redis'),
      logFile: log('app-redis'),
      readyTimeoutMs: 20_000,
      start() {
        const dir = path.join(data, 'app-redis');
        fs.mkdirSync(dir, { recursive: true });
        startDetached(
          binary('redis-server'),
          // A bound on memory: the app's data (threads, tasks) is swept by retention and must never be
          // evicted, so at the limit writes fail loudly instead of losing a thread.
          [
            '--port',
            String(s.appRedisPort),
            '--bind',
            '127.0.0.1',
            '--dir',
            dir,
            '--appendonly',
            'yes',
            '--save',
            '60 100',
            '--protected-mode',
            'yes',
            '--maxmemory',
            config.appRedisMaxmemory,
            '--maxmemory-policy',
            'noeviction',
          ],
          { pidFile: this.pidFile, logFile: this.logFile },
        );
      },
      healthy: () => redisPing(s.appRedisPort),
    },
    {
      name: 'redis-exporter',
      address: `http://${exporterAddress}/metrics`,
      pidFile: run('redis-exporter'),
      logFile: log('redis-exporter'),
      readyTimeoutMs: 20_000,
      start() {
        startDetached(binary('prometheus-redis-exporter'), [`--redis.addr=redis://127.0.0.1:${s.appRedisPort}`, `--web.listen-address=${exporterAddress}`], {
          pidFile: this.pidFile,
          logFile: this.logFile,
        });
      },
      healthy: () => httpOk(`http://${exporterAddress}/metrics`),
    },
    {
      name: 'prometheus',
      address: config.prometheusUrl,
      pidFile: run('prometheus'),
      logFile: log('prometheus'),
      readyTimeoutMs: 30_000,
      start() {
        const configFile = writePrometheusConfig(data, exporterAddress, { alertmanager: alertmanagerAddress });
        startDetached(
          binary('prometheus'),
          [
            `--config.file=${configFile}`,
            `--storage.tsdb.path=${path.join(data, 'prometheus', 'data')}`,
            `--web.listen-address=127.0.0.1:${s.prometheusPort}`,
            '--web.enable-lifecycle',
            '--storage.tsdb.retention.time=7d',
          ],
          { pidFile: this.pidFile, logFile: this.logFile },
        );
      },
      healthy: () => httpOk(`http://127.0.0.1:${s.prometheusPort}/-/ready`),
    },
    {
      name: 'alertmanager',
      address: `http://${alertmanagerAddress} (to ${config.publicUrl}/api/v1/alerts/alertmanager)`,
      pidFile: run('alertmanager'),
      logFile: log('alertmanager'),
      readyTimeoutMs: 30_000,
      start() {
        const dir = alertmanagerDir(data);
        fs.mkdirSync(dir, { recursive: true });
        // The webhook's bearer key lives in a 0600 file Alertmanager reads, not in its config.
        const credentialsFile = config.api.apiKey ? path.join(dir, 'webhook-key') : undefined;
        if (credentialsFile) fs.writeFileSync(credentialsFile, config.api.apiKey!, { mode: 0o600 });
        const configFile = writeAlertmanagerConfig(dir, { webhookUrl: `${config.publicUrl}/api/v1/alerts/alertmanager`, credentialsFile });
        startDetached(binary('prometheus-alertmanager'), alertmanagerArgs(dir, configFile, s.alertmanagerPort), {
          pidFile: this.pidFile,
          logFile: this.logFile,
        });
      },
      healthy: () => httpOk(`http://${alertmanagerAddress}/-/ready`),
    },
    ...(config.localModel.enabled ? [localModelComponent(config, run('local-model'), log('local-model'))] : []),
  ];
}

/**
 * The dev server's namespace keeps closed workflows for a day; task listing reads visibility, so
 * the local namespace keeps them as long as the app keeps tasks (SRE_RETENTION_DAYS).
 */
async function ensureNamespaceRetention(config: Config, say: Say): Promise<void> {
  // The local dev server only, never a TEMPORAL_ADDRESS elsewhere.
  const connection = await Connection.connect({ address: `127.0.0.1:${config.stack.temporalPort}`, connectTimeout: '5s' });
  try {
    const namespace = config.temporal.namespace;
    const wanted = config.retentionDays * 86_400;
    const described = await connection.workflowService.describeNamespace({ namespace });
    if (Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) === wanted) return;
    await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: { seconds: wanted as never } } });
    say(`temporal: namespace '${namespace}' keeps closed workflows for ${config.retentionDays} days`);
  } finally {
    await connection.close();
  }
}

/** The local model server, when the stack runs one (installed on first start: see stack/local-model.ts). */
function localModelComponent(config: Config, pidFile: string, logFile: string): Component {
  const address = `http://127.0.0.1:${config.localModel.port}/v1`;
  return {
    name: 'local-model',
    address,
    pidFile,
    logFile,
    // Loading a 1 GB GGUF on a busy machine takes a while.
    readyTimeoutMs: 180_000,
    start() {
      const install = installLocalModel((line) => process.stderr.write(`${line}\n`));
      startDetached(install.python, localModelArgs(config, install), { pidFile, logFile });
    },
    healthy: () => httpOk(`http://127.0.0.1:${config.localModel.port}/health`),
  };
}

export interface ComponentStatus {
  name: string;
  address: string;
  pid?: number;
  healthy: boolean;
  managed: boolean;
}

/** The components, then the agent's own endpoints Prometheus scrapes (API, workers), as Prometheus sees them. */
export async function stackStatus(config: Config): Promise<ComponentStatus[]> {
  const [own, scraped] = await Promise.all([
    Promise.all(
      components(config).map(async (c) => {
        const pid = runningPid(c.pidFile);
        return { name: c.name, address: c.address, pid, healthy: await c.healthy(), managed: pid !== undefined };
      }),
    ),
    agentTargetStatus(config.prometheusUrl),
  ]);
  return [
    ...own,
    ...scraped.map((t) => ({
      name: `scrape ${t.component}`,
      address: `${t.address} (${t.health}${t.lastError ? `: ${t.lastError}` : ''})`,
      healthy: t.health !== 'down',
      managed: false,
    })),
  ];
}

export async function stackUp(config: Config, say: Say = () => undefined): Promise<ComponentStatus[]> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  installAll(say);
  if (ensureLocalMasterKeyFile(config)) say(`created a local master key at ${config.masterKey.file} (mode 0600)`);
  await Promise.all(
    components(config).map(async (c) => {
      if (await c.healthy()) {
        say(`${c.name}: already running at ${c.address}`);
        return;
      }
      if (runningPid(c.pidFile) === undefined) {
        const port = Number(/:(\d+)/.exec(c.address)?.[1]);
        if (port && (await portOpen(port)))
          throw new Error(`${c.name}: port ${port} is taken by another process; choose another port (see the configuration table in README)`);
        say(`${c.name}: starting on ${c.address}`);
        c.start();
      }
      await waitFor(c.name, () => c.healthy(), c.readyTimeoutMs, c.logFile);
      say(`${c.name}: ready`);
    }),
  );
  await ensureNamespaceRetention(config, say);
  return stackStatus(config);
}

/** Stops the components, and anything else the stack's commands started (e.g. the demo Redis). */
export async function stackDown(config: Config, say: Say = () => undefined): Promise<void> {
  const runDir = path.join(config.dataDir, 'run');
  const known = components(config).map((c) => c.pidFile);
  const extras = fs.existsSync(runDir)
    ? fs
        .readdirSync(runDir)
        .filter((f) => f.endsWith('.pid'))
        .map((f) => path.join(runDir, f))
        .filter((f) => !known.includes(f))
    : [];
  for (const pidFile of [...extras, ...[...known].reverse()]) {
    if (await stopPid(pidFile)) say(`${path.basename(pidFile, '.pid')}: stopped`);
  }
}
