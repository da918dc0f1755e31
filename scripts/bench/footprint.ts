import { spawn } from 'node:child_process';
import type Redis from 'ioredis';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import type { IsolatedStack } from '../../stack/isolated';
import { agentEnv, startBenchAgent } from './harness';

/**
 * What an offline deep triage costs the Redis it examines, measured by the target itself: on a
 * 1M-key dataset (mixed types, some big keys) with SLOWLOG at threshold 0, every command the
 * agent sent (client name sre-agent) is in the slow log with its server time. The same figures for
 * `redis-cli --bigkeys` on the same dataset, side by side. Targets: longest <= 1 ms, total <= 2 % of
 * the triage's wall time.
 */

export interface ServerCost {
  commands: number;
  totalServerMs: number;
  longestUs: number;
  longestCommand: string;
  over1ms: number;
  wallSeconds: number;
  /** Total server time as a share of wall time, in percent. */
  sharePercent: number;
}

export interface FootprintResult {
  keys: number;
  triage: ServerCost & { agentEstimate?: { commands: number; busyMs: number } };
  bigkeys: ServerCost;
}

const BATCH = 10_000;

/** 1M keys: strings, small hashes, lists, sets, sorted sets, and a few big keys of each type. */
async function loadDataset(c: Redis, say: (line: string) => void): Promise<number> {
  say('footprint: loading 1,000,000 keys (strings, hashes, lists, sets, sorted sets, big keys)');
  await c.call('DEBUG', 'POPULATE', '600000', 'str', '64');
  const kinds: Array<[string, (i: number) => Array<string | number>]> = [
    ['hset', (i) => [`user:${i}`, 'name', `n${i}`, 'email', `e${i}@x`, 'visits', i % 97]],
    ['rpush', (i) => [`queue:${i}`, 'a', 'b', 'c']],
    ['sadd', (i) => [`tags:${i}`, 'x', 'y', String(i % 13)]],
    ['zadd', (i) => [`rank:${i}`, 1, 'a', 2, 'b']],
  ];
  for (const [command, args] of kinds) {
    for (let start = 0; start < 100_000; start += BATCH) {
      await c.pipeline(Array.from({ length: BATCH }, (_, j) => [command, ...args(start + j)])).exec();
    }
  }
  const big: Array<[string, string, (i: number) => Array<string | number>]> = [
    ['hset', 'big:hash', (i) => [`f${i}`, `v${i}`]],
    ['rpush', 'big:list', (i) => [`e${i}`]],
    ['sadd', 'big:set', (i) => [`m${i}`]],
    ['zadd', 'big:zset', (i) => [i, `m${i}`]],
  ];
  for (const [command, key, member] of big) {
    for (let start = 0; start < 100_000; start += BATCH) {
      await c.call(command, key, ...Array.from({ length: BATCH }, (_, j) => member(start + j)).flat());
    }
  }
  await c.set('big:string', 'x'.repeat(5 * 1024 * 1024));
  return Number(await c.dbsize());
}

type SlowlogRow = [number, number, number, string[], string, string];

function cost(rows: SlowlogRow[], wallSeconds: number): ServerCost {
  const longest = rows.reduce<SlowlogRow | undefined>((best, r) => (!best || r[2] > best[2] ? r : best), undefined);
  const totalUs = rows.reduce((n, r) => n + r[2], 0);
  return {
    commands: rows.length,
    totalServerMs: Math.round(totalUs) / 1000,
    longestUs: longest?.[2] ?? 0,
    longestCommand: longest ? longest[3].slice(0, 4).join(' ').slice(0, 80) : '',
    over1ms: rows.filter((r) => r[2] > 1000).length,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    sharePercent: Math.round((totalUs / 1e6 / wallSeconds) * 100 * 1000) / 1000,
  };
}

async function slowlogSince(c: Redis, keep: (row: SlowlogRow) => boolean): Promise<SlowlogRow[]> {
  return ((await c.call('SLOWLOG', 'GET', '-1')) as SlowlogRow[]).filter(keep);
}

export async function benchFootprint(stack: IsolatedStack, say: (line: string) => void): Promise<FootprintResult> {
  const target = await startEphemeralRedis({ args: ['--slowlog-max-len', '2000000'], readyTimeoutMs: 20_000 });
  const c = target.client();
  await c.client('SETNAME', 'bench-harness');
  const agent = await startBenchAgent(agentEnv(stack), { inProcessWorker: true });
  try {
    const keys = await loadDataset(c, say);
    say(`footprint: ${keys} keys loaded; offline deep triage with SLOWLOG at threshold 0`);
    await c.config('SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    const instance = await agent.services.stores.instances.ensureForUrl(target.url, `footprint-${target.port}`);
    const started = Date.now();
    const view = await agent.run({ message: 'Run a full health check', instance_id: instance.id, agent: 'triage' }, { forceOffline: true });
    const triageWall = (Date.now() - started) / 1000;
    if (view.status !== 'done') throw new Error(`the triage ended ${view.status}: ${view.error}`);
    const triage = cost(await slowlogSince(c, (r) => r[5] === 'sre-agent'), triageWall);
    const estimate = /(\d+) commands sent, at most ([\d.]+) ms/.exec(view.result?.answer ?? '');

    say('footprint: redis-cli --bigkeys on the same dataset');
    await c.call('SLOWLOG', 'RESET');
    const bigStarted = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('redis-cli', ['-p', String(target.port), '--bigkeys'], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --bigkeys exited ${code}`))));
    });
    const bigWall = (Date.now() - bigStarted) / 1000;
    // Everything but the harness's own connection is redis-cli's.
    const bigkeys = cost(await slowlogSince(c, (r) => r[5] !== 'bench-harness'), bigWall);
    await c.config('SET', 'slowlog-log-slower-than', '10000');
    return { keys, triage: { ...triage, ...(estimate ? { agentEstimate: { commands: Number(estimate[1]), busyMs: Number(estimate[2]) } } : {}) }, bigkeys };
  } finally {
    c.disconnect();
    await agent.stop();
    await target.stop();
  }
}
