import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStores } from '../../core/app-context';
import { loadConfig } from '../../core/config';
import { projectRoot } from '../../core/paths';
import { freePort, sleep } from '../../stack/processes';
import { testEnv } from '../support/agent';
import { call } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';

const CLI = path.join(projectRoot(), 'dist/cli/main.js');

describe('sre-agent api', () => {
  let appRedis: EphemeralRedis;

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
    appRedis = await startRedis();
  });
  afterAll(async () => appRedis.stop());

  it('serves on --port and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'api', '--port', String(port)], {
      env: testEnv({ SRE_APP_REDIS_URL: appRedis.url, SRE_LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (
      !(await call(url, 'GET', '/api/v1/health').then(
        (r) => r.status === 200,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the API did not come up:\n${stderr}`);
      await sleep(200);
    }
    const posted = await call(url, 'POST', '/api/v1/tasks', { message: 'what is maxmemory?', agent: 'knowledge' });
    expect(posted.status).toBe(202);
    // An open stream must not keep the process from stopping.
    const stream = await fetch(`${url}/api/v1/threads/${posted.body.thread_id}/stream`);
    expect(stream.status).toBe(200);
    const stopping = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The open stream was ended, not waited out (the grace period before cutting is 10 s).
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(stderr).toContain(`REST API on http://127.0.0.1:${port}/api/v1`);
    expect(stderr).toMatch(/no worker polls the task queue/);
    expect(stderr).toMatch(/SIGTERM: shutting down/);
  });

  it('refuses to start when instances exist but the master key cannot be loaded', async () => {
    const env = testEnv({ SRE_APP_REDIS_URL: appRedis.url });
    const stores = openStores(loadConfig(env));
    await stores.instances.create({ name: 'keyed', connection_url: 'redis://127.0.0.1:1' });
    await stores.close();
    const { SRE_MASTER_KEY: _key, ...withoutKey } = env;
    const run = spawnSync(process.execPath, [CLI, 'api', '--port', String(await freePort())], {
      env: { ...withoutKey, SRE_MASTER_KEY_FILE: '/nonexistent/master.key' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/SRE_MASTER_KEY: instances are registered but their secrets cannot be read \(no master key: set SRE_MASTER_KEY/);
  });
});
