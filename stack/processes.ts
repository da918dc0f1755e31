import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { probeTcp } from '../core/net';
import * as path from 'node:path';
import { registerPid } from './pid-registry';

/** Detached service processes tracked by PID files, so `down` stops only what `up` started. */

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid in a PID file, if that process is still the one we started: the file also records the
 * executable, so a pid reused by an unrelated process after a crash is never signalled.
 */
export function readPid(pidFile: string): number | undefined {
  let pid: number;
  let executable: string | undefined;
  try {
    const [first, second] = fs.readFileSync(pidFile, 'utf8').split('\n');
    pid = Number(first.trim());
    executable = second?.trim() || undefined;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (executable) {
    const cmdline = (() => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return undefined;
      }
    })();
    if (cmdline !== undefined && !cmdline.includes(path.basename(executable))) return undefined;
  }
  return pid;
}

export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

export function startDetached(command: string, args: string[], options: { pidFile: string; logFile: string; cwd?: string; env?: NodeJS.ProcessEnv }): number {
  fs.mkdirSync(path.dirname(options.pidFile), { recursive: true });
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'a');
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  fs.writeFileSync(options.pidFile, `${child.pid}\n${command}\n`);
  registerPid(child.pid, command);
  return child.pid;
}

export async function stopPid(pidFile: string, graceMs = 10_000): Promise<boolean> {
  const pid = readPid(pidFile);
  if (pid === undefined) return false;
  let stopped = false;
  if (isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    stopped = true;
  }
  fs.rmSync(pidFile, { force: true });
  return stopped;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return (await probeTcp(host, port, timeoutMs)).reachable;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  const tail =
    logFile && fs.existsSync(logFile) ? `\n--- last lines of ${logFile} ---\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}` : '';
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s${tail}`);
}

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function which(binary: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}
