import * as fs from 'node:fs';
import { loadConfig } from '../../core/config';
import { stackDown } from '../../stack/stack';
import { stackDisabled, stackEnvFile, type TestStackEnv } from './stack-env';

export default async function globalTeardown(): Promise<void> {
  const file = stackEnvFile();
  if (stackDisabled() || !file || !fs.existsSync(file)) return;
  const stack = JSON.parse(fs.readFileSync(file, 'utf8')) as TestStackEnv;
  if (process.env.SRE_TEST_KEEP_STACK === '1') {
    process.stderr.write(`[test stack] kept running (data ${stack.dataDir})\n`);
    return;
  }
  await stackDown(loadConfig({ ...stack.env }));
  fs.rmSync(stack.dataDir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
}
