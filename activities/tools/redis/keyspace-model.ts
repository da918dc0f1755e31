/**
 * The pure parts of the keyspace profile (redis_keyspace_profile): how a key name maps to a
 * prefix and a shape, how TTLs are bucketed and clustered, and what a collection in a
 * non-compact encoding costs compared with the compact one. No I/O here, so unit tests cover it.
 */

export type ServerFamily = 'redis' | 'valkey';

// ---------------------------------------------------------------------------------------------
// Key names

/** Delimiters that end a key's prefix (user:42, cache.page.1, session_ab12, tenant|7). */
const PREFIX_DELIMITERS = /[:._|]/;
const MAX_PREFIX = 40;

/**
 * The prefix a key belongs to, for "which feature holds the memory": the part before the first
 * ':' / '.' / '_' / '|' (kept with its delimiter, so `user:` reads as the pattern `user:*`);
 * without a delimiter, the name with its numeric tail removed (`order123` → `order`), because
 * ids are appended to a fixed name; a name of digits only is `(digits)`; any other name is its
 * own prefix. A delimiter in first position is skipped so `_tmp:1` groups under `_tmp:`.
 * Same idea as RedisInsight's namespaces (delimiter ':'), widened to the delimiters apps use.
 */
export function keyPrefix(key: string): string {
  const at = key.slice(1).search(PREFIX_DELIMITERS);
  if (at >= 0) return key.slice(0, Math.min(at + 2, MAX_PREFIX));
  if (/^\d+$/.test(key)) return '(digits)';
  const tail = /^(.*\D)\d+$/.exec(key);
  return (tail ? tail[1] : key).slice(0, MAX_PREFIX);
}

/** The glob that lists a prefix's keys (for redis-cli --scan --pattern). */
export function prefixPattern(prefix: string): string {
  if (prefix === '(digits)') return '[0-9]*';
  return `${prefix.replace(/([*?[\]\\])/g, '\\$1')}*`;
}

/**
 * A key's shape: the name with its ids replaced by '#' (uuids, long hex runs, digit runs), so
 * `cart:42` and `cart:97` share the shape `cart:#` while `cart:42:items` is another one. Keys
 * of one shape are written by one piece of code and should all have one type.
 */
export function keyShape(key: string): string {
  return key
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '#')
    .replace(/\b[0-9a-f]{16,}\b/gi, '#')
    .replace(/\d+/g, '#')
    .slice(0, 80);
}

/** Key names that say the data is transient: caches, sessions, tokens, locks, rate limits. */
const TRANSIENT_NAME =
  /(^|[^a-z])(cache[ds]?|caching|sessions?|sess|tmp|temp|tokens?|otp|nonce|captcha|locks?|ratelimit|rate-limit|rate_limit|throttle)([^a-z]|$)/i;

export function looksTransient(prefix: string): boolean {
  return TRANSIENT_NAME.test(prefix);
}

// ---------------------------------------------------------------------------------------------
// TTLs

/** TTL buckets of the profile (RedisInsight's TTL chart uses finer ones past an hour). */
export const TTL_BUCKETS = ['none', 'underMinute', 'underHour', 'underDay', 'longer'] as const;
export type TtlBucket = (typeof TTL_BUCKETS)[number];

/** The bucket of a PTTL reply: -1 is no TTL; -2 (the key is gone) has none. */
export function ttlBucket(pttlMs: number): TtlBucket | undefined {
  if (pttlMs === -1) return 'none';
  if (pttlMs < 0) return undefined;
  if (pttlMs < 60_000) return 'underMinute';
  if (pttlMs < 3_600_000) return 'underHour';
  if (pttlMs < 86_400_000) return 'underDay';
  return 'longer';
}

export interface ExpiryCluster {
  /** Sampled keys whose expiry falls in this second (or minute). */
  keys: number;
  /** How far ahead it is, in seconds. */
  inSeconds: number;
  /** One of those keys, to look at. */
  example: string;
}

/**
 * When the sampled keys expire, counted per second and per minute of their expiry instant: many
 * keys due in the same second mean they were written together with one fixed TTL and will expire
 * together (an expiry storm and a burst of cache misses then). Bounded by the key cap of the walk.
 */
export class ExpiryClusters {
  private readonly perSecond = new Map<number, { keys: number; example: string }>();
  private readonly perMinute = new Map<number, { keys: number; example: string }>();
  private keys = 0;

  add(expiresAtMs: number, key: string): void {
    this.keys++;
    const count = (m: Map<number, { keys: number; example: string }>, slot: number) => {
      const at = m.get(slot) ?? { keys: 0, example: key };
      at.keys++;
      m.set(slot, at);
    };
    count(this.perSecond, Math.floor(expiresAtMs / 1000));
    count(this.perMinute, Math.floor(expiresAtMs / 60_000));
  }

  /** The busiest second and minute, relative to nowMs; undefined when no key has a TTL. */
  busiest(nowMs: number): { second: ExpiryCluster; minute: ExpiryCluster } | undefined {
    if (this.keys === 0) return undefined;
    const top = (m: Map<number, { keys: number; example: string }>, slotMs: number): ExpiryCluster => {
      const [slot, at] = [...m.entries()].reduce((a, b) => (b[1].keys > a[1].keys ? b : a));
      return { keys: at.keys, inSeconds: Math.max(0, Math.round((slot * slotMs - nowMs) / 1000)), example: at.example };
    };
    return { second: top(this.perSecond, 1000), minute: top(this.perMinute, 60_000) };
  }
}

// ---------------------------------------------------------------------------------------------
// Encodings

/** The encoding thresholds the profile reads with CONFIG GET, and their defaults (research §3). */
export const ENCODING_PARAMS = [
  'hash-max-listpack-entries',
  'hash-max-listpack-value',
  'set-max-intset-entries',
  'set-max-listpack-entries',
  'set-max-listpack-value',
  'zset-max-listpack-entries',
  'zset-max-listpack-value',
  'list-max-listpack-size',
] as const;
export type EncodingParam = (typeof ENCODING_PARAMS)[number];
export type Thresholds = Partial<Record<EncodingParam, number>>;

/**
 * Defaults: the same in Redis 7.0, 7.2, 7.4 and Valkey 8/9 (src/config.c static_configs[],
 * /work/research/client-and-keyspace.md §3); set-max-listpack-* exist from Redis 7.2 / Valkey.
 */
export const ENCODING_DEFAULTS: Record<EncodingParam, number> = {
  'hash-max-listpack-entries': 512,
  'hash-max-listpack-value': 64,
  'set-max-intset-entries': 512,
  'set-max-listpack-entries': 128,
  'set-max-listpack-value': 64,
  'zset-max-listpack-entries': 128,
  'zset-max-listpack-value': 64,
  'list-max-listpack-size': -2,
};

/** How one non-compact collection could be stored compactly. */
interface CompactForm {
  type: 'hash' | 'set' | 'zset';
  /** The encoding it is in, and the one it could have. */
  from: string;
  to: 'listpack' | 'intset';
  entriesParam: EncodingParam;
  /** The element-length limit (intset has none: members must be integers). */
  valueParam?: EncodingParam;
  /** Longest element an integer member can be: int64 as text is 20 bytes, plus the estimate's error. */
  maxElementBytes?: number;
}

const COMPACT_FORMS: CompactForm[] = [
  { type: 'hash', from: 'hashtable', to: 'listpack', entriesParam: 'hash-max-listpack-entries', valueParam: 'hash-max-listpack-value' },
  { type: 'zset', from: 'skiplist', to: 'listpack', entriesParam: 'zset-max-listpack-entries', valueParam: 'zset-max-listpack-value' },
  // Sets: listpack first (7.2+/Valkey, any short member), then intset (integer members only).
  { type: 'set', from: 'hashtable', to: 'listpack', entriesParam: 'set-max-listpack-entries', valueParam: 'set-max-listpack-value' },
  { type: 'set', from: 'hashtable', to: 'intset', entriesParam: 'set-max-intset-entries', maxElementBytes: 24 },
];

/**
 * What the two encodings cost, in bytes, from MEMORY USAGE (default SAMPLES) of the same data
 * written once with the default thresholds and once with the threshold at 0: the method of
 * research §4 (/work/research/client-and-keyspace.md, which measured hash 2.6×, intset 19×, zset
 * 7.1× on Redis 7.0), re-measured for this tool on Redis 7.0.15 (jemalloc) and Valkey 9.1.2 (libc
 * malloc, its own hashtable) with 10-800 elements of 5-40 bytes, fitted as fixed + N × per element:
 * - fixed: the non-compact key's own structures (dict, skiplist header of 32 levels);
 * - overhead: what it spends per element beyond the element's bytes (hash: per field+value pair;
 *   zset: per member, score included). Both taken at the low end, so the element length estimated
 *   from them is high and doubtful keys are left out rather than wrongly included;
 * - saving: what the compact encoding saves per element, also the low end: the estimate is a lower
 *   bound (keys that shrank keep an oversized table and save more).
 */
const ENCODING_COST: Record<ServerFamily, Record<string, { fixed: number; overhead: number; saving: number }>> = {
  redis: {
    'hash/listpack': { fixed: 200, overhead: 46, saving: 37 },
    'set/listpack': { fixed: 200, overhead: 42, saving: 24 },
    'set/intset': { fixed: 200, overhead: 34, saving: 36 },
    'zset/listpack': { fixed: 1000, overhead: 82, saving: 90 },
  },
  valkey: {
    'hash/listpack': { fixed: 120, overhead: 20, saving: 16 },
    'set/listpack': { fixed: 0, overhead: 26, saving: 24 },
    'set/intset': { fixed: 0, overhead: 30, saving: 32 },
    'zset/listpack': { fixed: 800, overhead: 54, saving: 58 },
  },
};
/** What a compact key still costs (object header, listpack header). */
const COMPACT_FIXED_BYTES = 32;

/** The threshold a fix may move to: back to the default, or at most double a default-or-higher one. */
function entriesTarget(configured: number, fallback: number): number {
  return configured < fallback ? fallback : Math.max(configured, Math.min(2 * configured, 2 * fallback));
}

const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export interface EncodingVerdict {
  type: string;
  from: string;
  to: 'listpack' | 'intset';
  /**
   * not-converted-back: within today's thresholds, so the key left the compact encoding earlier
   * (it was bigger, had a long element, or the threshold was lower) and hash/set/zset never
   * convert back; threshold: over a configured threshold that a modest change would clear.
   */
  reason: 'not-converted-back' | 'threshold';
  entriesParam: EncodingParam;
  entriesConfigured: number;
  /** The entries threshold that would hold this key (only when it must change). */
  entriesSuggested?: number;
  valueParam?: EncodingParam;
  valueConfigured?: number;
  valueSuggested?: number;
  /** The estimated longest element, in bytes (an over-estimate: the average payload per entry). */
  elementBytes: number;
  /** Intset needs integer members, which the sample cannot see: the finding says so. */
  needsIntegers: boolean;
  savingBytes: number;
}

/**
 * Whether a collection in a non-compact encoding (hashtable / skiplist) would fit the compact
 * one, and roughly what that would save. Lists are left out: Redis 7.0 always uses quicklist, and
 * 7.2+ converts a shrunk list back to listpack by itself (t_list.c listTypeTryConvertQuicklist).
 */
export function encodingVerdict(
  key: { type: string; encoding: string; length: number; memoryBytes: number },
  thresholds: Thresholds,
  server: ServerFamily,
): EncodingVerdict | undefined {
  if (key.length <= 0) return undefined;
  for (const form of COMPACT_FORMS) {
    if (form.type !== key.type || form.from !== key.encoding) continue;
    const entries = thresholds[form.entriesParam];
    if (entries === undefined) continue; // e.g. set-max-listpack-entries on Redis 7.0
    const cost = ENCODING_COST[server][`${form.type}/${form.to}`];
    // Treat a hash's field and value as one element: the estimate is an average, so this keeps
    // out hashes whose values are near the limit.
    const elementBytes = Math.max(0, Math.round(Math.max(0, key.memoryBytes - cost.fixed) / key.length - cost.overhead));
    const valueConfigured = form.valueParam ? thresholds[form.valueParam] : undefined;
    const valueLimit = form.maxElementBytes ?? Math.max(valueConfigured ?? 0, ENCODING_DEFAULTS[form.valueParam!]);
    const target = entriesTarget(entries, ENCODING_DEFAULTS[form.entriesParam]);
    if (key.length > target || elementBytes > valueLimit) continue;
    const valueSuggested = valueConfigured !== undefined && elementBytes > valueConfigured ? valueLimit : undefined;
    const entriesSuggested = key.length > entries ? Math.min(target, Math.max(ENCODING_DEFAULTS[form.entriesParam], nextPowerOfTwo(key.length))) : undefined;
    return {
      type: form.type,
      from: form.from,
      to: form.to,
      reason: entriesSuggested || valueSuggested ? 'threshold' : 'not-converted-back',
      entriesParam: form.entriesParam,
      entriesConfigured: entries,
      entriesSuggested,
      valueParam: form.valueParam,
      valueConfigured,
      valueSuggested,
      elementBytes,
      needsIntegers: form.to === 'intset',
      savingBytes: Math.max(0, Math.min(key.length * cost.saving + cost.fixed, key.memoryBytes) - COMPACT_FIXED_BYTES),
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Strings

/** RedisInsight combineSmallStringsToHashes: a string under 200 bytes of MEMORY USAGE is "small". */
export const SMALL_STRING_BYTES = 200;
/** RedisInsight bigStrings: a string over 100,000 bytes of MEMORY USAGE is "big". */
export const BIG_STRING_BYTES = 100_000;
/** RedisInsight bigSets: a set of more than 1,000 members. */
export const BIG_SET_MEMBERS = 1_000;

/**
 * What moving a small string into a hash field saves: the key's own cost (MEMORY USAGE counts its
 * object, name and dict entry) minus what a listpack field would take (name + value + a few
 * header bytes) — research §4, "Top-level key overhead"; VDOC-MEM "Using hashes to abstract a very
 * memory-efficient plain key-value store" (buckets of ~100 fields).
 */
export function smallStringSaving(memoryBytes: number, nameBytes: number, valueBytes: number): number {
  return Math.max(0, memoryBytes - (nameBytes + valueBytes + 4));
}
