import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../../core/config';
import { projectRoot } from '../../core/paths';
import { MasterKey } from '../../core/secrets/envelope';
import { temporalBinaryPath } from '../../scripts/stack/install';
import { freePort } from '../../scripts/stack/processes';
import { stackUp } from '../../scripts/stack/stack';
import { newStackEnvFile, stackDisabled, type TestStackEnv } from './stack-env';

/** Starts the real services once per test run: Temporal dev server, app Redis, redis_exporter, Prometheus. */
export default async function globalSetup(): Promise<void> {
  if (stackDisabled()) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-agent-test-'));
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
  const started = Date.now();
  await stackUp(config, (line) => process.stderr.write(`[test stack] ${line}\n`));
  const workflowBundlePath = path.join(dataDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  fs.writeFileSync(workflowBundlePath, code);
  const stack: TestStackEnv = { env, dataDir, workflowBundlePath, temporalBinary: temporalBinaryPath() };
  fs.writeFileSync(newStackEnvFile(), JSON.stringify(stack, null, 2));
  Object.assign(process.env, env);
  process.stderr.write(`[test stack] ready in ${((Date.now() - started) / 1000).toFixed(1)}s (data ${dataDir})\n`);
}
