import * as fs from 'node:fs';

/**
 * When SRE_PID_REGISTRY names a file, every service process this project starts (stack
 * components, test and scenario Redis servers, background scenario steps) is appended to it, so
 * a CI run can stop exactly those, by PID, should a test die before its own teardown.
 * Lines: "process <pid> <executable>" or "group <pgid> <executable>".
 */
export function registerPid(pid: number | undefined, executable: string, kind: 'process' | 'group' = 'process'): void {
  const file = process.env.SRE_PID_REGISTRY;
  if (!file || !pid) return;
  fs.appendFileSync(file, `${kind} ${pid} ${executable}\n`);
}
