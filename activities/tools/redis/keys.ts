import { performance } from 'node:perf_hooks';
import type { RedisCommands } from '../../../core/target-redis';

/** Time-bounded keyspace scanning shared by the key tools. SCAN only: never KEYS. */

export const LENGTH_COMMAND: Record<string, string> = {
  string: 'STRLEN',
  list: 'LLEN',
  hash: 'HLEN',
  set: 'SCARD',
  zset: 'ZCARD',
  stream: 'XLEN',
};

/** Sizes at which a key counts as big (redis-checks.md #28). */
export const BIG_KEY_THRESHOLDS: Record<string, { size: number; unit: string }> = {
  string: { size: 1_048_576, unit: 'bytes' },
  list: { size: 1_000, unit: 'elements' },
  hash: { size: 5_000, unit: 'fields' },
  set: { size: 100_000, unit: 'members' },
  zset: { size: 100_000, unit: 'members' },
  stream: { size: 100_000, unit: 'entries' },
};

export interface KeyFacts {
  key: string;
  type: string;
  size: number;
  unit: string;
  ttlSeconds: number;
  memoryBytes?: number;
}

export function printableKey(key: string): string {
  // eslint-disable-next-line no-control-regex -- control characters in key names are exactly what we strip
  const clean = key.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

export async function keyFacts(redis: RedisCommands, key: string, withMemory: boolean): Promise<KeyFacts> {
  const type = String(await redis.call('TYPE', key));
  const lengthCommand = LENGTH_COMMAND[type];
  const [size, ttl, memory] = await Promise.all([
    lengthCommand ? redis.call(lengthCommand, key) : Promise.resolve(0),
    redis.call('TTL', key),
    withMemory && type !== 'none' ? redis.call('MEMORY', 'USAGE', key).catch(() => null) : Promise.resolve(null),
  ]);
  return {
    key: printableKey(key),
    type,
    size: Number(size),
    unit: BIG_KEY_THRESHOLDS[type]?.unit ?? '',
    ttlSeconds: Number(ttl),
    memoryBytes: memory === null ? undefined : Number(memory),
  };
}

export interface ScanProgress {
  scanned: number;
  complete: boolean;
  elapsedMs: number;
  /** The COUNT the scan settled on (adapted so each SCAN stays cheap on this keyspace). */
  count?: number;
}

/**
 * Cost bounds of every keyspace walk (see the footprint benchmark): each SCAN call is kept near
 * SCAN_CALL_TARGET_MS of round trip (well under the 1 ms a command may take; the round trip
 * includes the network, so the server's share is smaller still) by adapting COUNT to what this keyspace costs (TYPE filters
 * and expired keys make SCAN slower per key), and the walk is paced so that it keeps the target
 * busy at most SCAN_DUTY of the time, probes of each batch included.
 */
export const SCAN_CALL_TARGET_MS = 0.3;
export const SCAN_DUTY = 0.02;
const MIN_COUNT = 10;
/**
 * The ceiling matters when round trips say little (PING overhead subtracted leaves a cost near
 * zero): on 1M keys a SCAN COUNT 1000 took up to 5.5 ms of server time (footprint benchmark), a
 * COUNT of 250 stays near a quarter of that at worst and in microseconds typically.
 */
const MAX_COUNT = 250;
/** A pause between batches is at most this long, so a slow-looking batch does not stall the walk. */
const MAX_REST_MS = 200;
/**
 * Server time of one O(1) probe (TYPE, STRLEN, OBJECT FREQ…), for pacing. The agent's own
 * round trips cannot measure it (they carry the client's encoding and the shared connection's
 * queue, 20-80 times the server's microsecond); the footprint benchmark checks it from SLOWLOG.
 */
const PROBE_COST_MS = 0.003;
/**
 * Round trips on the shared connection include waiting behind other tools' replies; the least of
 * the last few is a steadier measure of what one SCAN costs the server.
 */
const RTT_WINDOW = 4;
/**
 * A round trip is fixed overhead (client event loop, network, the connection's queue) plus the
 * server's work. On a busy agent machine the overhead dominates, and charging it all to SCAN shrank
 * COUNT to its floor and left walks covering a fraction of the keyspace. A PING (O(1), about a
 * microsecond of server time) every few batches measures the overhead, which is subtracted.
 */
const PING_EVERY = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Walks the keyspace with SCAN until done, the key limit, or the time budget; batches go to visit. */
export async function scanKeyspace(
  redis: RedisCommands,
  options: { budgetMs: number; maxKeys: number; match?: string; count?: number; type?: string; duty?: number; onProgress?: (p: ScanProgress) => void },
  /** Handles a batch; returns how many commands it sent per key batch (default: one per key). */
  visit: (keys: string[]) => Promise<number | void>,
): Promise<ScanProgress> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const maxCount = Math.min(options.count ?? MAX_COUNT, MAX_COUNT);
  const duty = options.duty ?? SCAN_DUTY;
  const recent: number[] = [];
  const pings: number[] = [];
  const overhead = async () => {
    const t = performance.now();
    await redis.call('PING');
    pings.push(performance.now() - t);
    if (pings.length > RTT_WINDOW) pings.shift();
  };
  let count = Math.min(100, maxCount);
  let cursor = '0';
  let scanned = 0;
  let batches = 0;
  do {
    if (batches++ % PING_EVERY === 0) await overhead();
    const asked = count;
    const args: Array<string | number> = [cursor, 'COUNT', asked];
    if (options.match) args.push('MATCH', options.match);
    if (options.type) args.push('TYPE', options.type);
    const batchStarted = performance.now();
    const [next, keys] = (await redis.call('SCAN', ...args)) as [string, string[]];
    recent.push(Math.max(performance.now() - batchStarted - Math.min(...pings), 0.001) / asked);
    if (recent.length > RTT_WINDOW) recent.shift();
    cursor = next;
    const batch = keys.slice(0, options.maxKeys - scanned);
    scanned += batch.length;
    const probes = batch.length ? await visit(batch) : 0;
    // COUNT follows what one SCAN costs per bucket here (TYPE filters and expiring keys cost more).
    const perBucketMs = Math.min(...recent);
    count = Math.max(MIN_COUNT, Math.min(maxCount, Math.floor(SCAN_CALL_TARGET_MS / Math.max(perBucketMs, 1e-6)), Math.ceil(count * 1.5)));
    options.onProgress?.({ scanned, complete: false, elapsedMs: Math.round(elapsed()), count });
    if (cursor === '0' || scanned >= options.maxKeys) break;
    // Pacing: rest long enough that this batch's server time was at most `duty` of the time.
    const serverMs = perBucketMs * asked + (typeof probes === 'number' ? probes : batch.length) * PROBE_COST_MS;
    const rest = Math.min(serverMs * (1 / duty - 1), MAX_REST_MS, options.budgetMs - elapsed());
    if (rest > 0) await sleep(rest);
  } while (elapsed() < options.budgetMs);
  return { scanned, complete: cursor === '0', elapsedMs: Math.round(elapsed()), count };
}
