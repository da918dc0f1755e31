import type { TargetRedis } from '../../../core/target-redis';

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

export async function keyFacts(redis: TargetRedis, key: string, withMemory: boolean): Promise<KeyFacts> {
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
}

/** Walks the keyspace with SCAN until done, the key limit, or the time budget; batches go to visit. */
export async function scanKeyspace(
  redis: TargetRedis,
  options: { budgetMs: number; maxKeys: number; match?: string; count?: number; type?: string; onProgress?: (p: ScanProgress) => void },
  visit: (keys: string[]) => Promise<void>,
): Promise<ScanProgress> {
  const started = Date.now();
  let cursor = '0';
  let scanned = 0;
  do {
    const args: Array<string | number> = [cursor, 'COUNT', options.count ?? 500];
    if (options.match) args.push('MATCH', options.match);
    if (options.type) args.push('TYPE', options.type);
    const [next, keys] = (await redis.call('SCAN', ...args)) as [string, string[]];
    cursor = next;
    const room = options.maxKeys - scanned;
    const batch = keys.slice(0, room);
    scanned += batch.length;
    if (batch.length) await visit(batch);
    options.onProgress?.({ scanned, complete: false, elapsedMs: Date.now() - started });
  } while (cursor !== '0' && scanned < options.maxKeys && Date.now() - started < options.budgetMs);
  return { scanned, complete: cursor === '0', elapsedMs: Date.now() - started };
}
