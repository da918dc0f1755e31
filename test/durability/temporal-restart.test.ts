import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../core/config';
import { openServices, type Services } from '../../service';
import { components } from '../../stack/stack';
import { freePort, stopPid, waitFor } from '../../stack/processes';
import { startWorker, type RunningWorker } from '../../workers/worker';
import { buildWorkerDeps } from '../../workers/deps';
import { modelEnv, testEnv } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { callTools, say, ScriptedModel, toolResults } from '../support/scripted-model';
import { readStackEnv } from '../support/stack-env';

/** A Temporal dev server of this test's own, with its SQLite file, that can be stopped and started. */
function ownTemporal(config: Config) {
  const temporal = components(config).find((c) => c.name === 'temporal')!;
  return {
    start: async () => {
      temporal.start();
      await waitFor('temporal', () => temporal.healthy(), 60_000, temporal.logFile);
    },
    stop: () => stopPid(temporal.pidFile),
  };
}

describe('Temporal dev server restarted in the middle of a task', () => {
  let config: Config;
  let server: ReturnType<typeof ownTemporal>;
  let model: ScriptedModel;
  let redis: EphemeralRedis;
  let services: Services;
  let worker: RunningWorker;
  let dataDir: string;

  beforeAll(async () => {
    model = new ScriptedModel(
      (req) => (toolResults(req).length >= 2 ? say('Answer after the restart.') : callTools({ name: 'redis_info', arguments: { section: 'server' } })),
      { latencyMs: 1500 },
    );
    const baseURL = await model.start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-temporal-restart-'));
    config = loadConfig(
      testEnv({ ...modelEnv(baseURL), SRE_DATA_DIR: dataDir, SRE_TEMPORAL_PORT: String(await freePort()), SRE_TEMPORAL_UI_PORT: String(await freePort()) }),
    );
    server = ownTemporal(config);
    await server.start();
    redis = await startRedis();
    services = await openServices(config);
    worker = await startWorker(config, { workflowBundlePath: readStackEnv().workflowBundlePath, deps: buildWorkerDeps(config, { stores: services.stores }) });
  });
  afterAll(async () => {
    await worker.stop();
    await services.close();
    await server.stop();
    await model.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes after the server comes back on the same SQLite file', async () => {
    const instance = await services.stores.instances.ensureForUrl(redis.url);
    const { task_id } = await services.tasks.submit({ message: 'check twice', instance_id: instance.id, agent: 'chat' }, { source: 'test' });
    await waitFor('first model call', async () => model.chatRequests().length >= 1, 30_000);

    expect(await server.stop()).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    await server.start();

    const view = await services.tasks.wait(task_id, 180_000);
    expect(view.status).toBe('done');
    expect(view.result?.answer).toBe('Answer after the restart.');
    const history = (await services.temporal.workflow.getHandle(`${task_id}-chat`).fetchHistory()).events ?? [];
    // The baseline's INFO and the model's two: each scheduled once across the restart.
    expect(history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'redis_info')).toHaveLength(3);
  }, 300_000);
});
