import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../core/config';
import { MasterKey } from '../core/secrets/envelope';
import { freePort } from './processes';
import { stackDown, stackUp } from './stack';

/**
 * A whole local stack in a temporary directory on free loopback ports, for test runs and
 * benchmarks: it never touches the developer's own stack (.data, default ports).
 */
export interface IsolatedStack {
  env: Record<string, string>;
  config: Config;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startIsolatedStack(
  label: string,
  say: (line: string) => void = () => undefined,
  options: { localModel?: boolean } = {},
): Promise<IsolatedStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sre-agent-${label}-`));
  // With the local model, every agent of this stack uses it (SRE_LOCAL_MODEL), on a port of its own.
  const localModel: Record<string, string> = options.localModel ? { SRE_LOCAL_MODEL: 'true', SRE_LOCAL_MODEL_PORT: String(await freePort()) } : {};
  const env: Record<string, string> = {
    ...localModel,
    SRE_DATA_DIR: dataDir,
    SRE_TEMPORAL_PORT: String(await freePort()),
    SRE_TEMPORAL_UI_PORT: String(await freePort()),
    SRE_APP_REDIS_PORT: String(await freePort()),
    SRE_PROMETHEUS_PORT: String(await freePort()),
    SRE_REDIS_EXPORTER_PORT: String(await freePort()),
    SRE_ALERTMANAGER_PORT: String(await freePort()),
    // The stack's Alertmanager posts to $SRE_PUBLIC_URL: a port of its own, never a developer's API on 8080.
    SRE_PUBLIC_URL: `http://127.0.0.1:${await freePort()}`,
    SRE_MASTER_KEY: MasterKey.generate().text,
    SRE_LOG_LEVEL: 'warn',
    // Fixed default ports would collide across concurrent runs: a test that wants worker metrics picks free ports.
    SRE_WORKER_METRICS_ADDRESS: 'off',
    SRE_WORKER_AGENT_METRICS_ADDRESS: 'off',
  };
  const config = loadConfig({ ...env, PATH: process.env.PATH });
  await stackUp(config, say);
  return {
    env,
    config,
    dataDir,
    stop: async () => {
      await stackDown(config);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
