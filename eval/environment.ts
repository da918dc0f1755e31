import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEphemeralRedis, type EphemeralRedis } from '../stack/ephemeral-redis';
import { startEphemeralCluster, type RedisCluster } from '../stack/ephemeral-cluster';
import { MASTER_NAME, startSentinelFixture, type SentinelFixture } from '../stack/ephemeral-sentinel';
import { sleep } from '../stack/processes';
import type { Scenario, SetupStep } from './scenario';
import { registerPid } from '../stack/pid-registry';
import type { ServerKind } from '../stack/install';

/**
 * A scenario's world: fresh redis-server(s) on free loopback ports, the setup steps, and a
 * teardown that leaves nothing behind (background steps die with their whole process group).
 */

export class SetupError extends Error {}

/** Splits a command line into arguments, honouring single and double quotes. */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  return args;
}

export interface ScenarioWorld {
  master: EphemeralRedis;
  replica?: EphemeralRedis;
  /** The server that is registered and diagnosed. */
  target: EphemeralRedis;
  variables: Record<string, string>;
  background: ChildProcess[];
  /** topology: cluster — the six nodes; master and target are its first primary. */
  cluster?: RedisCluster;
  /** topology: sentinel — a master, a replica and three sentinels (quorum 2); registered as a sentinel instance. */
  sentinel?: { addresses: string[]; masterName: string };
  teardown(): Promise<void>;
}

async function waitForLink(replica: EphemeralRedis, timeoutMs: number): Promise<void> {
  const client = replica.client();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (/master_link_status:up/.test(await client.info('replication').catch(() => ''))) return;
      await sleep(200);
    }
    throw new SetupError(`replica on port ${replica.port} did not report master_link_status:up within ${timeoutMs / 1000}s`);
  } finally {
    client.disconnect();
  }
}

export async function createWorld(scenario: Scenario, server: ServerKind = 'redis'): Promise<ScenarioWorld> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `sre-eval-${scenario.id}-`));
  fs.chmodSync(root, 0o755);
  const servers: EphemeralRedis[] = [];
  const background: ChildProcess[] = [];
  let cluster: RedisCluster | undefined;
  let sentinels: SentinelFixture | undefined;
  const teardown = async () => {
    for (const child of background) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // group already gone
      }
    }
    await Promise.all(servers.map((s) => s.stop()));
    await cluster?.stop();
    await sentinels?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    if (scenario.topology === 'cluster') {
      cluster = await startEphemeralCluster({ args: scenario.server_args, password: '', dir: path.join(root, 'cluster'), server });
      const nodes = (await cluster.topology()).shards.flatMap((s) => s.nodes);
      const ports = (role?: string) =>
        nodes
          .filter((n) => !role || n.role === role)
          .map((n) => n.address.split(':').pop())
          .join(' ');
      const first = cluster.nodes[0];
      const variables = {
        PORT: String(first.port),
        DIR: first.dir,
        MASTER_PID: String(first.pid),
        NODE_PORTS: ports(),
        PRIMARY_PORTS: ports('primary'),
        REPLICA_PORTS: ports('replica'),
      };
      return { master: first, target: first, variables, background, cluster, teardown };
    }
    if (scenario.topology === 'sentinel') {
      sentinels = await startSentinelFixture({ args: scenario.server_args });
      const { master, replica } = sentinels;
      const variables = {
        PORT: String(master.port),
        DIR: master.dir,
        MASTER_PID: String(master.pid),
        REPLICA_PORT: String(replica.port),
        REPLICA_PID: String(replica.pid),
        MASTER_NAME,
        SENTINEL_PORT: String(sentinels.sentinels[0].port),
        SENTINEL_PORTS: sentinels.sentinels.map((x) => x.port).join(' '),
        SENTINEL_PIDS: sentinels.sentinels.map((x) => x.pid).join(' '),
      };
      const sentinel = { addresses: sentinels.sentinels.map((x) => x.address), masterName: MASTER_NAME };
      return { master, replica, target: master, variables, background, sentinel, teardown };
    }
    const runAs = scenario.run_as && process.getuid?.() === 0 ? scenario.run_as : undefined;
    const master = await startEphemeralRedis({ args: scenario.server_args, runAs, dir: path.join(root, 'master'), server });
    servers.push(master);
    let replica: EphemeralRedis | undefined;
    if (scenario.replica) {
      replica = await startEphemeralRedis({ args: scenario.server_args, runAs, replicaOf: master.port, dir: path.join(root, 'replica'), server });
      servers.push(replica);
      await waitForLink(replica, 30_000);
    }
    const variables: Record<string, string> = {
      PORT: String(master.port),
      DIR: master.dir,
      MASTER_PID: String(master.pid),
      ...(replica ? { REPLICA_PORT: String(replica.port), REPLICA_PID: String(replica.pid) } : {}),
    };
    return { master, replica, target: scenario.target === 'replica' && replica ? replica : master, variables, background, teardown };
  } catch (err) {
    await teardown();
    throw err instanceof SetupError ? err : new SetupError((err as Error).message);
  }
}

function runShell(command: string, world: ScenarioWorld, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: world.master.dir,
      env: { ...process.env, ...world.variables },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      reject(new SetupError(`shell step timed out after ${timeoutMs / 1000}s: ${command}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new SetupError(`shell step failed (exit ${code}): ${command}${stderr.trim() ? `\n${stderr.trim()}` : ''}`));
    });
  });
}

export async function runSetup(steps: SetupStep[], world: ScenarioWorld, timeoutMs = 300_000): Promise<void> {
  for (const step of steps) {
    if ('redis' in step) {
      const client = world.master.client();
      try {
        const [command, ...args] = splitCommand(step.redis);
        await client.call(command, ...args);
      } catch (err) {
        throw new SetupError(`redis step failed: ${step.redis}: ${(err as Error).message}`);
      } finally {
        client.disconnect();
      }
    } else if (step.background) {
      const child = spawn('bash', ['-c', step.shell], { cwd: world.master.dir, env: { ...process.env, ...world.variables }, stdio: 'ignore', detached: true });
      world.background.push(child);
      registerPid(child.pid, 'bash', 'group');
    } else {
      await runShell(step.shell, world, timeoutMs);
    }
  }
}
