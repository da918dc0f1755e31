import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Redis from 'ioredis';
import { loadConfig, type Config } from '../../core/config';
import { ConflictError } from '../../core/errors';
import { projectRoot } from '../../core/paths';
import { openServices, type Services } from '../../service';
import { components } from '../../stack/stack';
import { freePort, stopPid, waitFor } from '../../stack/processes';
import { testEnv } from '../support/agent';
import { scheduledActivities } from '../support/history';
import { configSetCalls, eventually, fillToOom, maxmemoryPolicy } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';

const CLI = path.join(projectRoot(), 'dist/cli/main.js');

/**
 * An action waits for approval while its worker is killed and the Temporal server restarts (same
 * SQLite file): approved once both are back, it runs exactly once.
 */
describe('an action awaiting approval survives a worker kill and a Temporal restart', () => {
  let config: Config;
  let env: Record<string, string>;
  let services: Services;
  let redis: EphemeralRedis;
  let client: Redis;
  let dataDir: string;
  const workers: ChildProcess[] = [];
  const temporal = () => components(config).find((c) => c.name === 'temporal')!;
  const startTemporal = async () => {
    temporal().start();
    await waitFor('temporal', () => temporal().healthy(), 60_000, temporal().logFile);
  };
  const startWorker = () => {
    const w = spawn(process.execPath, [CLI, 'worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-approval-restart-'));
    env = testEnv({ SRE_DATA_DIR: dataDir, SRE_TEMPORAL_PORT: String(await freePort()), SRE_TEMPORAL_UI_PORT: String(await freePort()) });
    config = loadConfig(env);
    await startTemporal();
    services = await openServices(config);
    redis = await startRedis();
    client = redis.client();
    await fillToOom(client);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    client.disconnect();
    await services.close();
    await stopPid(temporal().pidFile);
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the approved action exactly once (history and the target command stats)', async () => {
    const first = startWorker();
    const instance = await services.stores.instances.create({ name: 'cache-restart', connection_url: redis.url, usage: 'cache', environment: 'test' });
    const { task_id } = await services.tasks.submit({ message: 'full health check', instance_id: instance.id, agent: 'triage' }, { source: 'test' });
    const view = await services.tasks.wait(task_id, 180_000);
    const id = view.result!.actions!.find((a) => a.action === 'config_set')!.approvalId;
    await eventually('pending', async () => ((await services.stores.approvals.find(id))?.state === 'pending' ? true : undefined), 30_000);

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(await stopPid(temporal().pidFile)).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    await startTemporal();
    startWorker();

    const before = await configSetCalls(client);
    const done = await eventually(
      'approved after the restart',
      () => services.approvals.decide(id, 'approve', { comment: 'after restart' }, { name: 'alice', role: 'approver' }).catch(() => undefined),
      90_000,
    );
    expect(done.state).toBe('verified');
    expect(await maxmemoryPolicy(client)).toBe('allkeys-lru');
    expect((await configSetCalls(client)) - before).toBe(1);
    await expect(services.approvals.decide(id, 'approve', {}, { name: 'alice', role: 'approver' })).rejects.toThrow(ConflictError);
    const history = (await services.temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
    expect(scheduledActivities(history).filter((t) => t === 'executeAction')).toHaveLength(1);
    expect(history.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
  }, 420_000);
});
