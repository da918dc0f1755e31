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

export async function startIsolatedStack(label: string, say: (line: string) => void = () => undefined): Promise<IsolatedStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sre-agent-${label}-`));
  const env: Record<string, string> = {
    SRE_DATA_DIR: dataDir,
    SRE_TEMPORAL_PORT: String(await freePort()),
    SRE_TEMPORAL_UI_PORT: String(await freePort()),
    SRE_APP_REDIS_PORT: String(await freePort()),
    SRE_PROMETHEUS_PORT: String(await freePort()),
    SRE_REDIS_EXPORTER_PORT: String(await freePort()),
    SRE_MASTER_KEY: MasterKey.generate().text,
    SRE_LOG_LEVEL: 'warn',
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
