import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The test run's shared services are started once by global-setup.ts; their addresses travel to
 * test files through a JSON file named in SRE_TEST_STACK_FILE. The name is unique per run, so
 * concurrent Jest runs on one machine never read (or tear down) each other's stacks.
 */
export function newStackEnvFile(): string {
  const file = path.join(os.tmpdir(), `sre-agent-test-stack-${process.pid}-${Date.now()}.json`);
  process.env.SRE_TEST_STACK_FILE = file;
  return file;
}

export function stackEnvFile(): string | undefined {
  return process.env.SRE_TEST_STACK_FILE;
}

export interface TestStackEnv {
  env: Record<string, string>;
  dataDir: string;
  workflowBundlePath: string;
  temporalBinary: string;
}

export function readStackEnv(): TestStackEnv {
  const file = stackEnvFile();
  if (!file || !fs.existsSync(file)) {
    throw new Error('test stack is not running; run tests through jest (its global setup starts it) without SRE_TEST_STACK=off');
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TestStackEnv;
}

export function stackDisabled(): boolean {
  return process.env.SRE_TEST_STACK === 'off';
}
