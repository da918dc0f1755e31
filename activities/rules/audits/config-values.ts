import type { Evidence } from '../../../core/types';
import type { SecurityReport } from '../../tools/redis/security';
import { bytes, type Baseline } from '../baseline';
import { ev } from '../check';

/**
 * Small pure readers over the baseline for the configuration audit: CONFIG GET values as numbers
 * and structures, the role, and the workload rates some rules weigh a setting against.
 */

/** A CONFIG GET value, trying aliases in order (e.g. replica-read-only, then slave-read-only). */
export function conf(b: Baseline, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = b.config(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

export function confNum(b: Baseline, ...names: string[]): number | undefined {
  const value = conf(b, ...names);
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** master or replica, from INFO role (Redis and Valkey both still print "slave"). */
export function role(b: Baseline): 'master' | 'replica' | undefined {
  const r = b.str('role');
  return r === undefined ? undefined : r === 'slave' ? 'replica' : 'master';
}

export const cfgEv = (name: string, value: string | number): Evidence => ev('redis_config_get', name, value === '' ? '""' : value);
export const infoEv = (field: string, value: string | number): Evidence => ev('redis_info', field, value);
export const rateEv = (what: string, value: number): Evidence => ev('redis_info_rates', what, Math.abs(value) >= 100 ? Math.round(value) : value);

/** A save point: snapshot after `seconds` if at least `changes` writes happened. */
export interface SavePoint {
  seconds: number;
  changes: number;
}

/** CONFIG GET save ("3600 1 300 100 60 10000", "" when snapshots are off) as save points. */
export function savePoints(value: string | undefined): SavePoint[] {
  const n = (value ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const points: SavePoint[] = [];
  for (let i = 0; i + 1 < n.length; i += 2) points.push({ seconds: n[i], changes: n[i + 1] });
  return points;
}

/**
 * How often snapshots happen at a write rate: a point fires once its seconds have passed and its
 * changes have accumulated, so each point takes max(seconds, changes / rate); the first wins.
 * With no writes measured, the best case is the shortest interval.
 */
export function snapshotInterval(points: SavePoint[], writesPerSec: number | undefined): { seconds: number; point: SavePoint } | undefined {
  if (points.length === 0) return undefined;
  const cost = (p: SavePoint) => (writesPerSec && writesPerSec > 0 ? Math.max(p.seconds, p.changes / writesPerSec) : p.seconds);
  const point = points.reduce((best, p) => (cost(p) < cost(best) ? p : best));
  return { seconds: cost(point), point };
}

export interface BufferLimit {
  hard: number;
  soft: number;
  seconds: number;
}

/** client-output-buffer-limit by class; the replica class is printed "slave" even on Valkey. */
export function outputBufferLimits(value: string | undefined): Partial<Record<'normal' | 'replica' | 'pubsub', BufferLimit>> {
  const t = (value ?? '').trim().split(/\s+/);
  const out: Partial<Record<'normal' | 'replica' | 'pubsub', BufferLimit>> = {};
  for (let i = 0; i + 3 < t.length; i += 4) {
    const cls = t[i] === 'slave' || t[i] === 'replica' ? 'replica' : t[i] === 'normal' || t[i] === 'pubsub' ? t[i] : undefined;
    if (cls) out[cls as 'normal' | 'replica' | 'pubsub'] = { hard: Number(t[i + 1]), soft: Number(t[i + 2]), seconds: Number(t[i + 3]) };
  }
  return out;
}

export const limitText = (l: BufferLimit) => `hard ${l.hard ? bytes(l.hard) : 'none'}, soft ${l.soft ? `${bytes(l.soft)} for ${l.seconds}s` : 'none'}`;

/** Addresses in CONFIG GET bind; a leading "-" marks an optional address. */
export function bindAddresses(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => a.replace(/^-/, ''));
}

export const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || address === 'localhost';

/** Whether the server listens beyond loopback (bind *, 0.0.0.0, :: or a routable address). */
export function listensBeyondLoopback(b: Baseline): boolean {
  const addresses = bindAddresses(conf(b, 'bind'));
  return addresses.length === 0 || addresses.some((a) => !isLoopback(a));
}

/** Whether the default user (or any enabled user) needs no password; undefined when not known. */
export function passwordless(b: Baseline): boolean | undefined {
  const s = b.data<SecurityReport>('redis_security');
  if (!s) return undefined;
  return s.users.some((u) => u.enabled && u.nopass) || (s.users.length === 0 && !s.requirepassSet);
}

export const tlsEnabled = (b: Baseline) => (confNum(b, 'tls-port') ?? 0) > 0;

/** RDB snapshots or AOF are on. */
export const persistenceOn = (b: Baseline) => savePoints(conf(b, 'save')).length > 0 || conf(b, 'appendonly') === 'yes';

/**
 * Commands that modify the dataset (the "write" flag in COMMAND DOCS), as INFO commandstats names
 * them; enough to measure a write rate from the busiest commands of the rate sample.
 */
const WRITE_COMMANDS = new Set(
  (
    'set setex psetex setnx mset msetnx append incr incrby incrbyfloat decr decrby getset getdel getex setrange setbit bitop bitfield ' +
    'del unlink expire pexpire expireat pexpireat persist rename renamenx copy move restore swapdb flushdb flushall ' +
    'hset hsetnx hmset hincrby hincrbyfloat hdel hexpire hpexpire hpersist hgetdel hgetex hsetex ' +
    'lpush rpush lpushx rpushx linsert lset lrem ltrim lpop rpop rpoplpush lmove lmpop blpop brpop brpoplpush blmove blmpop ' +
    'sadd srem spop smove sinterstore sunionstore sdiffstore ' +
    'zadd zincrby zrem zremrangebyscore zremrangebyrank zremrangebylex zpopmin zpopmax bzpopmin bzpopmax zmpop bzmpop zunionstore zinterstore zdiffstore zrangestore ' +
    'xadd xdel xtrim xack xclaim xautoclaim xsetid xgroup|create xgroup|destroy xgroup|setid xgroup|createconsumer xgroup|delconsumer ' +
    'pfadd pfmerge geoadd georadius georadiusbymember geosearchstore'
  ).split(' '),
);

/** Writes per second in the rate sample (the agent's own commands left out); undefined when not sampled. */
export function writesPerSecond(b: Baseline): number | undefined {
  const rates = b.rates();
  if (!rates) return undefined;
  return Math.round(rates.commands.filter((c) => WRITE_COMMANDS.has(c.command)).reduce((n, c) => n + c.callsPerSec, 0));
}

/**
 * Bytes per second of the replication stream (the write volume in protocol bytes): the growth of
 * master_repl_offset, which only moves while a replication backlog exists.
 */
export function replicationBytesPerSecond(b: Baseline): number | undefined {
  if (b.num('repl_backlog_active') !== 1) return undefined;
  return b.rate('master_repl_offset');
}

/** "2.5 h", "40 min", "12 s". */
export function duration(seconds: number): string {
  if (seconds >= 5400) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds * 10) / 10} s`;
}

/** Whether a value is one of yes/no style booleans set to yes. */
export const yes = (b: Baseline, ...names: string[]) => conf(b, ...names) === 'yes';
