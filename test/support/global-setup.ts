import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../../core/paths';
import { temporalBinaryPath } from '../../stack/install';
import { startIsolatedStack } from '../../stack/isolated';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/tracing-interceptors';
import { newStackEnvFile, stackDisabled, type TestStackEnv } from './stack-env';

/**
 * Starts the real services once per test run: Temporal dev server, app Redis, redis_exporter,
 * Prometheus, and with `localModel` the local model server (test/model).
 */
export async function setUpTestStack(options: { localModel?: boolean; label?: string } = {}): Promise<void> {
  const started = Date.now();
  const { env, dataDir } = await startIsolatedStack(options.label ?? 'test', (line) => process.stderr.write(`[test stack] ${line}\n`), options);
  const workflowBundlePath = path.join(dataDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  fs.writeFileSync(workflowBundlePath, code);
  const stack: TestStackEnv = { env, dataDir, workflowBundlePath, temporalBinary: temporalBinaryPath() };
  fs.writeFileSync(newStackEnvFile(), JSON.stringify(stack, null, 2));
  Object.assign(process.env, env);
  process.stderr.write(`[test stack] ready in ${((Date.now() - started) / 1000).toFixed(1)}s (data ${dataDir})\n`);
}

export default async function globalSetup(): Promise<void> {
  if (stackDisabled()) return;
  await setUpTestStack();
}
