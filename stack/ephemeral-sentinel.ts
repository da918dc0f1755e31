import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { registerPid } from './pid-registry';
import { freePort, isAlive, sleep, which } from './processes';
import { startEphemeralRedis, type EphemeralRedis } from './ephemeral-redis';

/**
 * A real Sentinel setup on loopback (the tests' fixture and the eval harness's `topology: sentinel`): a master, one replica (replicaof) and three redis-sentinel
 * processes with quorum 2. Timings are small so failovers happen within seconds in tests:
 * down-after-milliseconds 1000, failover-timeout 5000. The fixture may write (SENTINEL FAILOVER);
 * the agent only as a person's approved replica_failover.
 */

export const MASTER_NAME = 'mymaster';

export interface SentinelProcess {
  port: number;
  address: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface SentinelFixture {
  master: EphemeralRedis;
  replica: EphemeralRedis;
  sentinels: SentinelProcess[];
  /** A plain client to one sentinel (setup steps only). */
  sentinelClient(i: number): Redis;
  /** The master address as a live sentinel reports it. */
  currentMaster(): Promise<string>;
  /** host:port of the master and the replica (which is which changes with a failover). */
  nodeIds(): string[];
  /** Waits until sentinel i answers CKQUORUM with NOQUORUM (it has marked the stopped sentinels down). */
  waitForNoQuorum(i: number): Promise<void>;
  /** SENTINEL FAILOVER, then waits until the sentinels report the other node as master and it says role:master. */
  failover(): Promise<string>;
  stop(): Promise<void>;
}

function client(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  c.on('error', () => undefined);
  return c;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`sentinel fixture: timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startSentinel(dir: string, masterPort: number): Promise<SentinelProcess> {
  const port = await freePort();
  const conf = path.join(dir, `sentinel-${port}.conf`);
  const logFile = path.join(dir, `sentinel-${port}.log`);
  fs.writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `logfile ${logFile}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      `sentinel failover-timeout ${MASTER_NAME} 5000`,
      '',
    ].join('\n'),
  );
  // Debian's redis-sentinel (the redis-sentinel package) is redis-server in sentinel mode.
  const binary = which('redis-sentinel');
  const child = binary
    ? spawn(binary, [conf], { stdio: 'ignore', detached: true })
    : spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore', detached: true });
  child.unref();
  const pid = child.pid!;
  registerPid(pid, binary ?? 'redis-server');
  await until(`sentinel on ${port}`, async () => {
    const c = client(port);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } finally {
      c.disconnect();
    }
  });
  return {
    port,
    address: `127.0.0.1:${port}`,
    pid,
    logFile,
    stop: async () => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && isAlive(pid)) await sleep(50);
    },
  };
}

async function ask<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = client(port);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

export async function startSentinelFixture(options: { args?: string[] } = {}): Promise<SentinelFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-sentinel-'));
  const master = await startEphemeralRedis({ args: options.args });
  const replica = await startEphemeralRedis({ args: options.args, replicaOf: master.port });
  const sentinels: SentinelProcess[] = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(dir, master.port));
  const live = () => sentinels.find((s) => isAlive(s.pid))!;
  const currentMaster = async () => {
    const [ip, port] = (await ask(live().port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME))) as [string, string];
    return `${ip}:${port}`;
  };
  // Ready when every sentinel knows the replica and both other sentinels (discovery runs over hello messages).
  await until('sentinels to discover the replica and each other', async () => {
    for (const s of sentinels) {
      const m = (await ask(s.port, (c) => c.call('SENTINEL', 'MASTER', MASTER_NAME))) as string[];
      const f = Object.fromEntries(m.flatMap((v, i) => (i % 2 ? [] : [[v, m[i + 1]]])));
      if (f['num-slaves'] !== '1' || f['num-other-sentinels'] !== '2') return false;
      // Sentinel refreshes a replica's INFO every 10 s (SENTINEL_INFO_PERIOD): until then it reports the link as err.
      const [r] = (await ask(s.port, (c) => c.call('SENTINEL', 'REPLICAS', MASTER_NAME))) as string[][];
      if (r[r.indexOf('master-link-status') + 1] !== 'ok') return false;
    }
    return (await ask(replica.port, (c) => c.info('replication'))).includes('master_link_status:up');
  });
  return {
    master,
    replica,
    sentinels,
    sentinelClient: (i) => {
      const c = client(sentinels[i].port);
      void c.connect().catch(() => undefined);
      return c;
    },
    currentMaster,
    nodeIds: () => [master, replica].map((r) => `127.0.0.1:${r.port}`),
    waitForNoQuorum: (i) =>
      until('the quorum to be lost', () =>
        ask(sentinels[i].port, (c) => c.call('SENTINEL', 'CKQUORUM', MASTER_NAME)).then(
          () => false,
          (err: Error) => /NOQUORUM/.test(err.message),
        ),
      ),
    failover: async () => {
      const before = await currentMaster();
      await ask(live().port, (c) => c.call('SENTINEL', 'FAILOVER', MASTER_NAME));
      let after = before;
      await until('the failover to finish', async () => {
        after = await currentMaster();
        if (after === before) return false;
        const role = await ask(Number(after.split(':')[1]), (c) => c.info('replication'));
        return role.includes('role:master');
      });
      // Every live sentinel has switched too (they learn the new configuration from the leader).
      await until('every sentinel to follow the new master', async () => {
        for (const s of sentinels.filter((x) => isAlive(x.pid))) {
          const [ip, port] = (await ask(s.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME))) as [string, string];
          if (`${ip}:${port}` !== after) return false;
        }
        return true;
      });
      return after;
    },
    stop: async () => {
      await Promise.all(sentinels.map((s) => s.stop()));
      await Promise.all([master.stop(), replica.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
