import type { EncodingGroup, KeyspaceProfile, PrefixStat } from '../../tools/redis/keyspace-profile';
import { ENCODING_DEFAULTS, looksTransient } from '../../tools/redis/keyspace-model';
import { bytes, percent, type Baseline } from '../baseline';
import { ev, fail, finding, pass, skip, type Check, type CheckOutcome } from '../check';

/**
 * Checks over the keyspace profile (redis_keyspace_profile): a bounded SCAN sample, so every
 * figure is scaled from the sample to the database (DBSIZE / sampled) and says so.
 */

const TOOL = 'redis_keyspace_profile';
const MB = 1_048_576;

function profiled(b: Baseline, run: (p: KeyspaceProfile) => CheckOutcome): CheckOutcome {
  const p = b.data<KeyspaceProfile>(TOOL);
  if (!p) return skip(`keyspace profile not available${b.error(TOOL) ? `: ${b.error(TOOL)}` : ''}`);
  if (p.sampled === 0) return pass();
  return run(p);
}

/** Sample → database. */
const scale = (p: KeyspaceProfile) => (p.complete || p.sampled === 0 ? 1 : p.dbsize / p.sampled);
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const approx = (p: KeyspaceProfile, n: number) => (p.complete ? count(n) : `~${count(n * scale(p))}`);
const coverage = (p: KeyspaceProfile) => (p.complete ? `all ${count(p.sampled)} keys` : `a SCAN sample of ${count(p.sampled)} of ${count(p.dbsize)} keys`);

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

// ---------------------------------------------------------------------------------------------

const TYPE_WORD: Record<string, { plural: string; elements: string }> = {
  hash: { plural: 'hashes', elements: 'fields' },
  set: { plural: 'sets', elements: 'members' },
  zset: { plural: 'sorted sets', elements: 'members' },
};

function encodingFix(g: EncodingGroup): string[] {
  const sets: string[] = [];
  if (g.entriesSuggested) sets.push(`CONFIG SET ${g.entriesParam} ${g.entriesSuggested}`);
  if (g.valueSuggested && g.valueParam) sets.push(`CONFIG SET ${g.valueParam} ${g.valueSuggested}`);
  return sets;
}

function describeGroup(p: KeyspaceProfile, g: EncodingGroup): string {
  const w = TYPE_WORD[g.type];
  const what = `${approx(p, g.keys)} ${w.plural} (sampled ${count(g.keys)}, e.g. ${g.examples[0]}) with at most ${count(g.maxElements)} ${w.elements} are stored as ${g.from}`;
  const integers = g.needsIntegers ? ` if their members are integers (they look short enough: ~${g.maxElementBytes} bytes each at most, estimated)` : '';
  const saving = `${bytes(g.savingBytes * scale(p))} of their ${bytes(g.memoryBytes * scale(p))}`;
  if (g.reason === 'threshold') {
    const limits = [
      g.entriesSuggested ? `${g.entriesParam} is ${g.entriesConfigured} (default ${ENCODING_DEFAULTS[g.entriesParam]})` : '',
      g.valueSuggested && g.valueParam ? `${g.valueParam} is ${g.valueConfigured} (default ${ENCODING_DEFAULTS[g.valueParam]})` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return `${what}: ${limits}, so they do not fit ${g.to}. With ${encodingFix(g)
      .map((c) => c.replace('CONFIG SET ', ''))
      .join(', ')} they would be ${g.to}${integers}, saving at least ${saving}.`;
  }
  return `${what} although they fit ${g.entriesParam} ${g.entriesConfigured}${g.valueParam ? ` and ${g.valueParam} ${g.valueConfigured}` : ''}: they left ${g.to} earlier (grew past the threshold, held a longer element, or were written while a threshold was lower) and ${w.plural} never convert back by themselves. Rewritten, they would be ${g.to}${integers}, saving at least ${saving}.`;
}

/**
 * Collections in a non-compact encoding although they fit (or nearly fit) the compact one.
 * Sources: the encoding thresholds and conversion rules of /work/research/client-and-keyspace.md
 * §3 (redis.conf ADVANCED CONFIG; t_hash.c/t_set.c/t_zset.c conversions, which never go back;
 * rdb.c re-encodes on load/RESTORE), the saving estimate of §4 (measured 2.6×-19×), VDOC-MEM
 * "Special encoding of small aggregate data types" (up to 10× less memory), and RedisInsight's
 * hashHashtableToZiplist / zSetHashtableToZiplist / increaseSetMaxIntsetEntries recommendations
 * (length above the configured threshold). Worth a warning when a fifth of memory is at stake.
 */
export const compactEncodings: Check = {
  id: 'memory.encoding-efficiency',
  name: 'compact encodings',
  category: 'memory',
  run(b) {
    return profiled(b, (p) => {
      const groups = p.encodings.filter((g) => g.savingBytes > 0);
      const saving = groups.reduce((n, g) => n + g.savingBytes, 0) * scale(p);
      const used = b.num('used_memory') ?? p.sampledMemoryBytes * scale(p);
      if (saving < 256 * 1024 || saving < 0.05 * used) return pass();
      const main = groups[0];
      const fixes = [...new Set(groups.flatMap(encodingFix))];
      return fail(
        finding(this, {
          title: `${TYPE_WORD[main.type].plural[0].toUpperCase()}${TYPE_WORD[main.type].plural.slice(1)} stored as ${main.from} instead of ${main.to}: at least ${bytes(saving)} (${percent(saving / used)} of used memory) could be saved`,
          severity: saving >= 0.2 * used && saving >= MB ? 'warning' : 'info',
          detail: `${groups.map((g) => describeGroup(p, g)).join(' ')} Small collections have a compact encoding (listpack, intset) that takes several times less memory than a hashtable or skiplist (measured 2.6× for hashes, 7× for sorted sets, 19× for integer sets); the savings are conservative estimates from MEMORY USAGE over ${coverage(p)}.`,
          evidence: [
            ...groups
              .slice(0, 4)
              .map((g) =>
                ev(
                  TOOL,
                  `${g.type} ${g.from} (could be ${g.to})`,
                  `${approx(p, g.keys)} keys, ≤ ${g.maxElements} ${TYPE_WORD[g.type].elements}, ~${bytes(g.savingBytes * scale(p))} to save`,
                ),
              ),
            ...[...new Set(groups.flatMap((g) => [g.entriesParam, g.valueParam ?? g.entriesParam]))].map((param) =>
              ev('redis_config_get', param, b.config(param) ?? 'unknown'),
            ),
            ev('redis_info', 'used_memory', used),
          ],
          recommendation: `${fixes.length ? `Raise the threshold${fixes.length > 1 ? 's' : ''} (${fixes.join('; ')}) and persist with CONFIG REWRITE. ` : ''}Existing keys keep their encoding until they are rewritten: a restart from the RDB/AOF file or DEBUG RELOAD (blocks the server while it saves and loads: do it on a replica and fail over, or in a maintenance window), DUMP + RESTORE … REPLACE of each key, or the application writing the key anew converts them, because loading re-checks the thresholds (verified on Redis 7.0 and Valkey 9). Check an example before and after with OBJECT ENCODING and MEMORY USAGE.`,
          commands: [
            `OBJECT ENCODING ${main.examples[0]}`,
            `MEMORY USAGE ${main.examples[0]}`,
            `CONFIG GET ${main.entriesParam.replace(/-entries$/, '-*')}`,
            ...fixes,
            ...(fixes.length ? ['CONFIG REWRITE'] : []),
            'DEBUG RELOAD',
          ],
          runbook: 'capacity-planning',
        }),
      );
    });
  },
};

// ---------------------------------------------------------------------------------------------

/** Prefixes seen in either top list (the profile keeps the top by count and by memory). */
function prefixesOf(p: KeyspaceProfile): PrefixStat[] {
  const seen = new Map<string, PrefixStat>();
  for (const s of [...p.prefixes.byMemory, ...p.prefixes.byCount]) seen.set(s.prefix, s);
  return [...seen.values()];
}

/**
 * Transient data (caches, sessions, tokens, locks by their key names) kept without a TTL where
 * nothing else removes it: with maxmemory 0 or noeviction it only accumulates, and volatile-*
 * policies cannot evict keys without a TTL. Sources: redis.conf maxmemory-policy comment (volatile-*
 * evict only keys with an expire; noeviction returns errors), the Redis "Key eviction" page
 * (allkeys-lru for caches), RedisInsight Database Analysis TTL distribution (keys with no expiry).
 * An allkeys-* policy under a maxmemory bounds such a cache, so it passes.
 */
export const transientWithoutTtl: Check = {
  id: 'keyspace.transient-without-ttl',
  name: 'TTLs on cache keys',
  category: 'memory',
  run(b) {
    return profiled(b, (p) => {
      const policy = b.config('maxmemory-policy') ?? b.str('maxmemory_policy') ?? 'noeviction';
      const maxmemory = b.num('maxmemory') ?? Number(b.config('maxmemory') ?? 0);
      if (maxmemory > 0 && policy.startsWith('allkeys-')) return pass();
      const transient = prefixesOf(p).filter((s) => looksTransient(s.prefix) && s.keys >= 10 && s.withTtl < 0.1 * s.keys);
      const memory = transient.reduce((n, s) => n + s.memoryBytes, 0);
      const keys = transient.reduce((n, s) => n + s.keys, 0);
      if (transient.length === 0 || (memory * scale(p) < MB && memory < 0.25 * p.sampledMemoryBytes)) return pass();
      const unbounded = maxmemory === 0 || policy === 'noeviction' || policy.startsWith('volatile-');
      const names = transient.map((s) => s.pattern).join(', ');
      const main = transient[0];
      return fail(
        finding(this, {
          title: `Cache-like keys ${names} have no TTL (${approx(p, keys)} keys, ${percent(memory / Math.max(1, p.sampledMemoryBytes))} of the memory sampled)${unbounded ? ' and nothing evicts them: memory only grows' : ''}`,
          severity: unbounded ? 'warning' : 'info',
          detail: `In ${coverage(p)}, ${transient.map((s) => `${s.pattern}: ${approx(p, s.keys)} keys, ${s.withTtl ? `only ${s.withTtl} of ${s.keys} sampled` : 'none'} with a TTL, ${bytes(s.memoryBytes * scale(p))}`).join('; ')}. Their names say cache, session, token or lock, data that is meant to go away, but without a TTL a key stays until something deletes it. ${maxmemory === 0 ? 'maxmemory is 0 (no limit), so nothing ever evicts them and memory grows with every new key until the host runs out.' : `maxmemory-policy is ${policy}, which ${policy === 'noeviction' ? 'never evicts: at maxmemory writes fail with OOM errors' : 'evicts only keys that have a TTL, so these are never evicted'}.`} Overall ${count(p.ttl.none)} of ${count(p.sampled)} sampled keys have no TTL.`,
          evidence: [
            ...transient.slice(0, 4).map((s) => ev(TOOL, `${s.pattern} keys with a TTL`, `${s.withTtl} of ${s.keys} sampled`)),
            ev(TOOL, 'sampled keys without TTL', `${p.ttl.none} of ${p.sampled}`),
            ev('redis_config_get', 'maxmemory', maxmemory),
            ev('redis_config_get', 'maxmemory-policy', policy),
          ],
          recommendation: `Give transient keys a TTL when they are written (SET … EX <seconds>, or EXPIRE after HSET) and add one to the keys already there with a SCAN loop (EXPIRE … NX leaves existing TTLs alone). If this instance is only a cache, also bound it: set maxmemory and an allkeys-lru or allkeys-lfu policy so old entries are evicted instead of accumulating.`,
          commands: [
            `TTL ${main.biggestKey}`,
            `redis-cli --scan --pattern '${main.pattern}' | head`,
            `redis-cli --scan --pattern '${main.pattern}' | while read -r k; do redis-cli EXPIRE "$k" 86400 NX; done`,
            'CONFIG SET maxmemory <size, e.g. 75% of the host RAM>',
            'CONFIG SET maxmemory-policy allkeys-lru',
          ],
          runbook: 'maxmemory-policies',
        }),
      );
    });
  },
};

// ---------------------------------------------------------------------------------------------

const PREFIX_SHARE = 0.5;

function describePrefix(p: KeyspaceProfile, s: PrefixStat): string {
  const types = Object.entries(s.types)
    .sort((x, y) => y[1] - x[1])
    .map(([t]) => t)
    .join('/');
  return `${s.pattern} ${percent(s.memoryBytes / p.sampledMemoryBytes)} (${bytes(s.memoryBytes * scale(p))}, ${approx(p, s.keys)} ${types} keys, ${bytes(s.memoryBytes / s.keys)} each on average)`;
}

/**
 * One key prefix (one feature of the application) holds most of the memory: the first thing to
 * know when memory grows. Source: RedisInsight Database Analysis "top namespaces" by memory
 * (database-analyzer.ts, TOP_NSP_LIMIT 15, delimiter ':'); redis-cli --memkeys. Informational:
 * attribution, not a fault by itself.
 */
export const prefixConcentration: Check = {
  id: 'memory.prefix-concentration',
  name: 'memory by key prefix',
  category: 'memory',
  run(b) {
    return profiled(b, (p) => {
      const [first, ...rest] = p.prefixes.byMemory;
      if (!first || rest.length === 0 || p.sampledMemoryBytes * scale(p) < MB) return pass();
      const share = first.memoryBytes / p.sampledMemoryBytes;
      if (share < PREFIX_SHARE) return pass();
      return fail(
        finding(this, {
          title: `Key prefix ${first.pattern} holds ${percent(share)} of the keyspace memory (${bytes(first.memoryBytes * scale(p))} in ${approx(p, first.keys)} keys)`,
          severity: 'info',
          detail: `Memory by key prefix over ${coverage(p)}: ${p.prefixes.byMemory
            .slice(0, 5)
            .map((s) => describePrefix(p, s))
            .join('; ')}. The feature writing ${first.pattern} keys is where memory goes; its biggest sampled key is ${first.biggestKey}.`,
          evidence: p.prefixes.byMemory
            .slice(0, 5)
            .map((s) => ev(TOOL, `${s.pattern} memory`, `${percent(s.memoryBytes / p.sampledMemoryBytes)}, ${approx(p, s.keys)} keys`)),
          recommendation: `Look at what the ${first.pattern} keys hold and why they are big or many: shorten what they store (compress or trim values, drop fields nobody reads), give them a TTL if they are derived data, or move that feature to its own instance. Confirm with redis-cli --memkeys, which walks the whole keyspace.`,
          commands: [`MEMORY USAGE ${first.biggestKey}`, `redis-cli --scan --pattern '${first.pattern}' | head`, 'redis-cli --memkeys'],
          runbook: 'capacity-planning',
        }),
      );
    });
  },
};

// ---------------------------------------------------------------------------------------------

/**
 * Many keys due to expire in the same second (or minute): written together with one fixed TTL,
 * they will expire together. The active expiry cycle then deletes them in a burst (expire.c:
 * ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP 20 keys per loop, repeated while more than
 * ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE 10% of them are expired, up to 25% of CPU time), and every
 * client misses at once and reloads from the backing store. Sources: Redis EXPIRE page "How Redis
 * expires keys"; the existing keyspace.expiry-pressure check sees the backlog once it happens.
 */
export const expiryCluster: Check = {
  id: 'keyspace.expiry-cluster',
  name: 'TTL spread',
  category: 'performance',
  run(b) {
    return profiled(b, (p) => {
      const withTtl = p.sampled - p.ttl.none;
      const second = p.ttl.busiestSecond;
      const minute = p.ttl.busiestMinute;
      if (!second || !minute || withTtl < 20) return pass();
      const inSecond = second.keys * scale(p);
      const inMinute = minute.keys * scale(p);
      const secondCluster = second.keys >= 20 && second.keys >= 0.2 * withTtl && inSecond >= 1000;
      const minuteCluster = minute.keys >= 0.5 * withTtl && inMinute >= 10_000;
      if (!secondCluster && !minuteCluster) return pass();
      const c = secondCluster ? { ...second, span: 'second' } : { ...minute, span: 'minute' };
      return fail(
        finding(this, {
          title: `${approx(p, c.keys)} keys expire within the same ${c.span}, in ${duration(c.inSeconds)}: an expiry storm and a burst of cache misses ahead`,
          severity: inSecond >= 10_000 || inMinute >= 50_000 ? 'warning' : 'info',
          detail: `Of ${count(withTtl)} sampled keys with a TTL (${coverage(p)}), ${count(c.keys)} (${percent(c.keys / withTtl)}) are due in the same ${c.span}, e.g. ${c.example}: they were written together with one fixed TTL (a cache warm-up, a batch import, a deploy). When that moment comes Redis deletes them in a burst, costing CPU and latency in the expiry cycle, and every client that reads them misses at the same time and goes to the backing store together (a cache stampede); with a fixed TTL the burst repeats every time they are refreshed together.`,
          evidence: [
            ev(TOOL, 'keys due in the busiest second', `${second.keys} sampled, in ${duration(second.inSeconds)}`),
            ev(TOOL, 'keys due in the busiest minute', `${minute.keys} sampled, in ${duration(minute.inSeconds)}`),
            ev(TOOL, 'sampled keys with a TTL', withTtl),
          ],
          recommendation:
            'Add random jitter to the TTLs when writing (e.g. EX 3600 plus a random 0-10%), so expiries spread over minutes; refresh hot entries before they expire rather than all after; stagger warm-up jobs. If the values are large, lazyfree-lazy-expire yes moves the freeing off the main thread.',
          commands: [`PTTL ${c.example}`, 'SET <key> <value> EX $((3600 + RANDOM % 360))', 'CONFIG SET lazyfree-lazy-expire yes', 'INFO keyspace'],
          runbook: 'expiry-storms',
        }),
      );
    });
  },
};

// ---------------------------------------------------------------------------------------------

/** RedisInsight useSmallerKeys: more than 1,000,000 keys (USE_SMALLER_KEYS_RECOMMENDATION_TOTAL). */
const MANY_KEYS = 1_000_000;

/**
 * Millions of keys: each key costs its own bookkeeping (dict entry, object header, key name, an
 * expires entry with a TTL), often more than its value. Sources: RedisInsight useSmallerKeys
 * (> 1,000,000 keys) and combineSmallStringsToHashes (strings under 200 bytes of MEMORY USAGE),
 * VDOC-MEM "Using hashes to abstract a very memory-efficient plain key-value store" (~100 fields
 * per hash), research §4 "Top-level key overhead" (70-110 bytes per key).
 */
export const manySmallKeys: Check = {
  id: 'keyspace.many-small-keys',
  name: 'per-key overhead',
  category: 'memory',
  run(b) {
    const total = b.data<{ totalKeys: number }>('redis_keyspace')?.totalKeys;
    return profiled(b, (p) => {
      const keys = total ?? p.dbsize;
      if (keys <= MANY_KEYS) return pass();
      const small = p.smallStrings;
      const smallShare = small.keys / p.sampled;
      const saving = small.savingBytes * scale(p);
      const used = b.num('used_memory');
      const names = p.avgKeyNameBytes * keys;
      const hashes = Math.ceil(keys / 100);
      return fail(
        finding(this, {
          title:
            smallShare >= 0.5
              ? `${count(keys)} keys, ${percent(smallShare)} of them small strings: at least ${bytes(saving)} of per-key overhead could be saved by grouping them into hashes`
              : `${count(keys)} keys: each pays its own bookkeeping, and key names average ${p.avgKeyNameBytes} bytes (${bytes(names)})`,
          severity: 'info',
          detail: `Every key costs its own bookkeeping besides its value (an entry in the keyspace dictionary, an object header, the key name, another entry if it has a TTL). In ${coverage(p)}, ${percent(smallShare)} are strings under 200 bytes of memory each (${bytes(small.memoryBytes / Math.max(1, small.keys))} on average), so that overhead is most of what they cost; key names average ${p.avgKeyNameBytes} bytes (${bytes(names)} for names alone). Stored as fields of small hashes (about 100 fields each, within hash-max-listpack-entries, so they stay listpack), the same data would take at least ${bytes(saving)} less${used ? ` of the ${bytes(used)} used` : ''} (MEMORY USAGE leaves out part of each key's cost, so the real saving is larger).`,
          evidence: [
            ev('redis_keyspace', 'keys', keys),
            ev(TOOL, 'small strings (< 200 bytes) in the sample', `${small.keys} of ${p.sampled}`),
            ev(TOOL, 'average key name', `${p.avgKeyNameBytes} bytes`),
            ...(used ? [ev('redis_info', 'used_memory', used)] : []),
          ],
          recommendation: `Group small values into hashes by splitting the key: user:123456 becomes field 56 of hash user:1234 (HSET user:1234 56 <value>, HGET to read), about ${count(hashes)} hashes of ~100 fields for ${count(keys)} keys; keep each hash under hash-max-listpack-entries and values under hash-max-listpack-value so they stay compact. Shorten long key names. A TTL then applies per hash (or per field with HEXPIRE on Redis 7.4+ / Valkey 9).`,
          commands: ['INFO keyspace', 'MEMORY USAGE <a small key>', 'HSET user:1234 56 <value>', 'CONFIG GET hash-max-listpack-*'],
          runbook: 'capacity-planning',
        }),
      );
    });
  },
};

// ---------------------------------------------------------------------------------------------

/**
 * Keys of the same shape (same name with the ids taken out) holding different types: two writers
 * (two services, or two versions of one) disagree about what the key is, and every command of one
 * type on a key of the other fails with WRONGTYPE. Sources: INFO errorstats (errorstat_WRONGTYPE,
 * Redis 6.2+), the error text "WRONGTYPE Operation against a key holding the wrong kind of value"
 * (server.c shared.wrongtypeerr); Redis docs on keys ("stick with a schema"). A warning with
 * WRONGTYPE errors (requests fail), informational without them.
 */
export const mixedTypes: Check = {
  id: 'keyspace.mixed-types',
  name: 'one type per key pattern',
  category: 'keyspace',
  run(b) {
    return profiled(b, (p) => {
      const shape = p.mixedShapes[0];
      if (!shape) return pass();
      const wrongType = b.errorCount('WRONGTYPE');
      const types = Object.entries(shape.types).sort((x, y) => y[1].keys - x[1].keys);
      const mix = types.map(([t, s]) => `${t} ${percent(s.keys / shape.keys)}`).join(', ');
      return fail(
        finding(
          { id: this.id, category: wrongType ? 'availability' : 'keyspace' },
          {
            title: `Keys named ${shape.shape} hold different types (${mix})${wrongType ? ` and ${count(wrongType)} commands failed with WRONGTYPE` : ''}`,
            severity: wrongType ? 'warning' : 'info',
            detail: `Keys of one name pattern (${shape.shape}, # for the id) are written by one piece of code and should all have one type, but of the ${count(shape.keys)} such keys in ${coverage(p)}, ${types.map(([t, s]) => `${count(s.keys)} are of type ${t} (e.g. ${s.example})`).join(' and ')}. Two writers disagree about the key: typically a new version of a service stores it differently (a hash instead of a JSON string) while old keys or an old version remain. ${wrongType ? `Redis has answered ${count(wrongType)} commands with "WRONGTYPE Operation against a key holding the wrong kind of value": every read or write of the other type on such a key fails.` : 'Any command of the other type on such a key fails with WRONGTYPE.'}${
              p.mixedShapes.length > 1
                ? ` Also mixed: ${p.mixedShapes
                    .slice(1)
                    .map((s) => s.shape)
                    .join(', ')}.`
                : ''
            }`,
            evidence: [
              ...types.map(([t, s]) => ev(TOOL, `${shape.shape} as ${t}`, `${s.keys} sampled, e.g. ${s.example}`)),
              ...(wrongType ? [ev('redis_info', 'errorstat_WRONGTYPE', wrongType)] : []),
            ],
            recommendation:
              'Find which code writes each type (the error logs of the failing service, CLIENT LIST addr/lib-name of its clients) and settle on one. When a key changes type, give the new format a new name (cart:v2:<id>) or migrate the old keys (read, convert, write under the new type) before the new code reads them; delete old-format keys that cannot be converted.',
            commands: [...types.slice(0, 2).map(([, s]) => `TYPE ${s.example}`), 'INFO errorstats', 'INFO commandstats'],
          },
        ),
      );
    });
  },
};

// ---------------------------------------------------------------------------------------------

/** A dense HyperLogLog is 12 KB whatever it counts (hll-sparse-max-bytes 3000 before that). */
const HLL_BYTES = 12_304;

/**
 * Sets of more than 1,000 members (RedisInsight bigSets, BIG_SETS_RECOMMENDATION_LENGTH 1000:
 * "Consider using probabilistic data structures such as Bloom Filter or HyperLogLog"): when a set
 * only counts distinct items (unique visitors) a HyperLogLog answers within 0.81% in 12 KB
 * (Redis HyperLogLog docs). Informational: it trades exactness for memory. Sets big enough to be
 * slow are keyspace.big-keys' job.
 */
export const bigSets: Check = {
  id: 'memory.big-sets',
  name: 'big sets',
  category: 'memory',
  run(b) {
    return profiled(b, (p) => {
      const sets = p.bigSets.largest;
      const memory = p.bigSets.memoryBytes * scale(p);
      if (sets.length === 0 || memory < MB) return pass();
      const largest = sets[0];
      // What HyperLogLogs instead of every big set sampled would save, scaled like the memory.
      const saving = Math.max(0, p.bigSets.memoryBytes - p.bigSets.keys * HLL_BYTES) * scale(p);
      return fail(
        finding(this, {
          title: `${approx(p, p.bigSets.keys)} sets with more than 1,000 members use ${bytes(memory)} (largest ${largest.key}, ${count(largest.members)} members, ${bytes(largest.memoryBytes)})`,
          severity: 'info',
          detail: `Among ${coverage(p)}, ${count(p.bigSets.keys)} are sets of more than 1,000 members, the largest ${sets.map((s) => `${s.key} (${count(s.members)} members, ${bytes(s.memoryBytes)})`).join(', ')}. A set stores every member; if one is only used to count distinct items (SCARD) or to test membership approximately, a HyperLogLog counts within 0.81% in at most 12 KB per key: about ${bytes(saving)} less.`,
          evidence: sets.map((s) => ev(TOOL, s.key, `${s.members} members, ${bytes(s.memoryBytes)}`)),
          recommendation:
            'For counting unique items use a HyperLogLog (PFADD to add, PFCOUNT to count, PFMERGE to combine days); for approximate membership a Bloom filter (Redis Stack / valkey-bloom). Keep a set only where exact members are read back. Give per-period sets (per day, per campaign) a TTL.',
          commands: [`SCARD ${largest.key}`, `MEMORY USAGE ${largest.key}`, 'PFADD <key>:hll <member>', 'PFCOUNT <key>:hll'],
          runbook: 'big-keys',
        }),
      );
    });
  },
};

export const keyspaceProfileChecks: Check[] = [compactEncodings, transientWithoutTtl, prefixConcentration, expiryCluster, manySmallKeys, mixedTypes, bigSets];
