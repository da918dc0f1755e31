import { z } from 'zod';
import type { ActionRisk } from '../../core/actions/types';

/**
 * The configuration parameters config_set may change, each with its value grammar and risk.
 * Values and ranges follow redis.conf (Redis 7.x, self-documented) and the CONFIG SET page:
 * only runtime-settable parameters whose effect is immediate and reversible are listed; nothing
 * that moves data on disk (dir, dbfilename), opens the server (bind, protected-mode, requirepass)
 * or renames commands.
 */

/** redis.conf "Units": 1k = 1000 bytes, 1kb = 1024 bytes, case-insensitive. */
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };

export function parseMemory(value: string): number | undefined {
  const m = /^(\d+)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()];
}

const yesNo = z.enum(['yes', 'no']);
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'a whole number')
    .refine((v) => Number(v) >= min && Number(v) <= max, `between ${min} and ${max}`);

interface ConfigParam {
  value: z.ZodType<string>;
  risk: ActionRisk;
  /** How CONFIG GET writes the value, so "2gb" and "2147483648" compare equal. */
  normalize?(value: string): string;
  /** Why the risk: one line for the approver. */
  note: string;
}

const memory: ConfigParam['normalize'] = (v) => String(parseMemory(v) ?? v);

export const CONFIG_PARAMS: Record<string, ConfigParam> = {
  'maxmemory-policy': {
    value: z.enum(['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']),
    risk: 'medium',
    note: 'an allkeys-* policy evicts any key at maxmemory: right for a cache, data loss for a store',
  },
  maxmemory: {
    value: z.string().refine((v) => parseMemory(v) !== undefined, 'bytes, or a size like 512mb or 2gb (redis.conf units)'),
    risk: 'medium',
    normalize: memory,
    note: 'lowering it below used memory evicts (or rejects writes) at once',
  },
  'slowlog-log-slower-than': { value: int(-1, 10_000_000), risk: 'low', note: 'only what the slow log records' },
  'slowlog-max-len': { value: int(0, 100_000), risk: 'low', note: 'slow log memory: about 1 KB per entry' },
  'latency-monitor-threshold': { value: int(0, 100_000), risk: 'low', note: 'only what the latency monitor records' },
  timeout: { value: int(0, 7 * 86_400), risk: 'medium', note: 'idle clients are disconnected after this many seconds' },
  'tcp-keepalive': { value: int(0, 7_200), risk: 'low', note: 'TCP keepalive probes to clients' },
  maxclients: { value: int(1, 100_000), risk: 'medium', note: 'below the connected clients, new connections are refused' },
  activedefrag: { value: yesNo, risk: 'low', note: 'background defragmentation uses some CPU (active-defrag-cycle-min/max)' },
  'lazyfree-lazy-eviction': { value: yesNo, risk: 'low', note: 'evictions free memory in a background thread' },
  'lazyfree-lazy-expire': { value: yesNo, risk: 'low', note: 'expired keys are freed in a background thread' },
  'lazyfree-lazy-user-del': { value: yesNo, risk: 'low', note: 'DEL behaves like UNLINK' },
  appendfsync: { value: z.enum(['always', 'everysec', 'no']), risk: 'medium', note: 'trades write latency against how much a crash can lose' },
  hz: { value: int(1, 500), risk: 'low', note: 'background task frequency; above 100 costs CPU (redis.conf)' },
};

export const CONFIG_PARAM_NAMES = Object.keys(CONFIG_PARAMS) as [string, ...string[]];

export function normalizeConfigValue(parameter: string, value: string): string {
  const p = CONFIG_PARAMS[parameter];
  return p?.normalize ? p.normalize(value) : value.toLowerCase();
}
