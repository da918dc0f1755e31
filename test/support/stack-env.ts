import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The test run's shared services are started once by global-setup.ts; their addresses travel to
 * test files through this JSON file (and process.env).
 */
export const STACK_ENV_FILE = path.join(os.tmpdir(), `sre-agent-test-stack-${process.env.SRE_TEST_RUN_ID ?? 'default'}.json`);

export interface TestStackEnv {
  env: Record<string, string>;
  dataDir: string;
  workflowBundlePath: string;
  temporalBinary: string;
}

export function readStackEnv(): TestStackEnv {
  if (!fs.existsSync(STACK_ENV_FILE)) {
    throw new Error(`test stack is not running (no ${STACK_ENV_FILE}); run tests through jest (global setup) without SRE_TEST_STACK=off`);
  }
  return JSON.parse(fs.readFileSync(STACK_ENV_FILE, 'utf8')) as TestStackEnv;
}

export function stackDisabled(): boolean {
  return process.env.SRE_TEST_STACK === 'off';
}
