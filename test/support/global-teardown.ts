import * as fs from 'node:fs';
import { loadConfig } from '../../core/config';
import { stackDown } from '../../scripts/stack/stack';
import { STACK_ENV_FILE, stackDisabled, type TestStackEnv } from './stack-env';

export default async function globalTeardown(): Promise<void> {
  if (stackDisabled() || !fs.existsSync(STACK_ENV_FILE)) return;
  const stack = JSON.parse(fs.readFileSync(STACK_ENV_FILE, 'utf8')) as TestStackEnv;
  if (process.env.SRE_TEST_KEEP_STACK === '1') {
    process.stderr.write(`[test stack] kept running (data ${stack.dataDir})\n`);
    return;
  }
  await stackDown(loadConfig({ ...stack.env }));
  fs.rmSync(stack.dataDir, { recursive: true, force: true });
  fs.rmSync(STACK_ENV_FILE, { force: true });
}
