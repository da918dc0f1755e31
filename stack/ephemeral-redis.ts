import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { freePort, isAlive as isRunning, sleep } from './processes';
import { registerPid } from './pid-registry';
import { serverBinary, type ServerKind } from './install';

/**
 * A throwaway redis-server on a free loopback port with its own directory and log file, for the
 * eval harness and tests. Stopped with SIGKILL-safe cleanup of its directory.
 */

export interface EphemeralRedis {
  port: number;
  url: string;
  dir: string;
  logFile: string;
  pid: number;
  process: ChildProcess;
  /** A plain client for setup steps (not the agent's read-only connection). */
  client(): Redis;
  /** Stops the server (SIGKILL by default; SIGTERM lets it persist) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface EphemeralRedisOptions {
  args?: string[];
  /** Run as this unprivileged user (only when we are root), e.g. for file-permission faults. */
  runAs?: string;
  password?: string;
  replicaOf?: number;
  dir?: string;
  /** A fixed port (e.g. to restart a server where it was); a free one by default. */
  port?: number;
  readyTimeoutMs?: number;
  /** Which server to run: Debian's redis-server (default) or Valkey. */
  server?: ServerKind;
}

export async function startEphemeralRedis(options: EphemeralRedisOptions = {}): Promise<EphemeralRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sre-redis-'));
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'redis.log');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--logfile',
    logFile,
    '--enable-debug-command',
    'local',
    '--enable-protected-configs',
    'local',
    '--save',
    '',
    '--appendonly',
    'no',
    ...(options.password ? ['--requirepass', options.password] : []),
    ...(options.replicaOf ? ['--replicaof', '127.0.0.1', String(options.replicaOf)] : []),
    ...(options.args ?? []),
  ];
  const server = serverBinary(options.server ?? 'redis');
  const asUser = options.runAs && process.getuid?.() === 0;
  if (asUser) {
    fs.chownSync(dir, Number(execId(options.runAs!, '-u')), Number(execId(options.runAs!, '-g')));
  }
  const child = asUser
    ? spawn('runuser', ['-u', options.runAs!, '--', server, ...args], { stdio: 'ignore', detached: true })
    : spawn(server, args, { stdio: 'ignore', detached: true });
  child.unref();
  const make = () => {
    const c = new Redis({ port, host: '127.0.0.1', password: options.password, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    c.on('error', () => undefined);
    return c;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    const probe = make();
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL'); // never leave a half-started server behind
        } catch {
          // already gone
        }
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n') : '';
        throw new Error(`redis-server on port ${port} did not start${log ? `:\n${log}` : ''}`);
      }
      await sleep(50);
    }
  }
  const serverPid = await pidOf(make);
  registerPid(serverPid, server);
  return {
    port,
    url: `redis://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}127.0.0.1:${port}`,
    dir,
    logFile,
    pid: serverPid,
    process: child,
    client: () => {
      const c = make();
      void c.connect().catch(() => undefined);
      return c;
    },
    stop: async (signal: NodeJS.Signals = 'SIGKILL') => {
      for (const pid of new Set([serverPid, child.pid ?? 0])) {
        try {
          if (pid) process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && isRunning(serverPid)) await sleep(50);
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server's own pid (runuser forks, so the child pid is not the server). */
async function pidOf(make: () => Redis): Promise<number> {
  const c = make();
  try {
    await c.connect();
    return Number(/process_id:(\d+)/.exec(await c.info('server'))?.[1]);
  } finally {
    c.disconnect();
  }
}

function execId(user: string, flag: '-u' | '-g'): string {
  return execFileSync('id', [flag, user], { encoding: 'utf8' }).trim();
}
