import { NativeConnection, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../core/config';
import { createLogger } from '../core/logger';
import { createActivities } from '../activities';
import { connectExternalMcpTools } from '../mcp/client/external-tools';
import { errorMessage } from '../core/errors';
import { connectTemporal } from '../core/temporal';
import { ensureRetentionSchedule } from '../service/retention';
import { buildWorkerDeps } from './deps';
import { connectWorkerTemporal } from './temporal-connection';
import { installRuntime } from './runtime';
import { watchPendingApprovals } from './approvals-gauge';
import { serveAgentMetrics } from './metrics-server';
import { registerAgentTargets } from '../stack/agent-targets';
import { installTracing } from '../core/tracing';
import { tracingWorkerOptions } from './tracing-interceptors';

/** The worker: registers every workflow and activity on the task queue. */

/** Tests run several workers in one process; each lists (and unlists) its own file. */
let workersInProcess = 0;

export interface WorkerHandle {
  worker: Worker;
  deps: ReturnType<typeof buildWorkerDeps>;
  close(): Promise<void>;
}

export async function createWorker(
  config: Config,
  options: {
    workflowBundlePath?: string;
    taskQueue?: string;
    identity?: string;
    deps?: ReturnType<typeof buildWorkerDeps>;
    worker?: Partial<WorkerOptions>;
    logLevel?: LogLevel;
  } = {},
): Promise<WorkerHandle> {
  const runtime = installRuntime(
    options.logLevel ?? (config.logLevel === 'debug' ? 'DEBUG' : config.logLevel === 'error' ? 'ERROR' : 'WARN'),
    config.workerMetrics.sdk,
  );
  const agentMetrics = config.workerMetrics.agent ? await serveAgentMetrics(config.workerMetrics.agent) : undefined;
  // External MCP servers need an async start, so they are connected here; callers passing their own deps bring their own tools.
  const external = options.deps ? undefined : await connectExternalMcpTools(config, createLogger('mcp', config.logLevel));
  const deps = options.deps ?? buildWorkerDeps(config, { tools: external?.tools });
  let connection: NativeConnection | undefined;
  let worker: Worker;
  try {
    connection = await connectWorkerTemporal(config);
    worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: options.taskQueue ?? config.temporal.taskQueue,
      ...(options.identity ? { identity: options.identity } : {}),
      ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: require.resolve('../workflows') }),
      activities: createActivities(deps),
      maxConcurrentActivityTaskExecutions: config.limits.workerConcurrency,
      maxConcurrentWorkflowTaskExecutions: 200,
      maxConcurrentWorkflowTaskPolls: 20,
      maxConcurrentActivityTaskPolls: 20,
      shutdownGraceTime: '10s',
      ...tracingWorkerOptions(installTracing(config), Boolean(options.workflowBundlePath)),
      ...options.worker,
    });
  } catch (err) {
    await connection?.close().catch(() => undefined);
    if (!options.deps) await deps.close();
    await external?.close();
    throw err;
  }
  // The local stack's Prometheus scrapes this process while it runs (both endpoints are per process; Prometheus scrapes a target listed twice once).
  const unlist = registerAgentTargets(config.dataDir, `worker-${process.pid}-${++workersInProcess}`, [
    ...(runtime.metricsAddress ? [{ component: 'worker_sdk' as const, address: runtime.metricsAddress }] : []),
    ...(agentMetrics ? [{ component: 'worker' as const, address: agentMetrics }] : []),
  ]);
  const unwatch = watchPendingApprovals(deps.approvals);
  return {
    worker,
    deps,
    close: async () => {
      unwatch();
      unlist();
      await deps.close();
      await external?.close();
      await connection!.close();
    },
  };
}

/** A worker polling in the background of this process until stop() drains it and closes its connections. */
export interface RunningWorker extends WorkerHandle {
  stop(): Promise<void>;
}

export async function startWorker(config: Config, options: Parameters<typeof createWorker>[1] = {}): Promise<RunningWorker> {
  const handle = await createWorker(config, options);
  const running = handle.worker.run();
  return {
    ...handle,
    stop: async () => {
      handle.worker.shutdown();
      await running.catch(() => undefined);
      await handle.close();
    },
  };
}

/** Runs until SIGINT/SIGTERM, then drains in-flight activities and exits. */
export async function runWorker(config: Config): Promise<void> {
  const log = createLogger('worker', config.logLevel);
  // Connecting first checks the search attributes (core/search-attribute-check.ts) before anything polls.
  const temporal = await connectTemporal(config);
  let handle: WorkerHandle;
  try {
    handle = await createWorker(config);
    // The worker that serves the task queue keeps the retention sweep scheduled on it.
    await ensureRetentionSchedule(temporal.client, config).catch((err) => log.warn(`could not schedule the retention sweep: ${errorMessage(err)}`));
  } finally {
    await temporal.connection.close();
  }
  const stop = () => {
    log.info('shutting down: finishing in-flight activities');
    handle.worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log.info(
    `worker polling task queue '${config.temporal.taskQueue}' on ${config.temporal.address} (${config.model ? `model ${config.model.main}` : 'offline mode: rules engine'})`,
  );
  try {
    await handle.worker.run();
  } finally {
    await handle.close();
    // Spans still batched would be lost with the process.
    await installTracing(config).flush();
  }
}
