import { z } from 'zod';
import { serverIdentity } from '../../../core/server-identity';
import type { RedisCommands } from '../../../core/target-redis';
import { LENGTH_COMMAND, printableKey, scanKeyspace } from './keys';
import {
  BIG_SET_MEMBERS,
  BIG_STRING_BYTES,
  ENCODING_PARAMS,
  ExpiryClusters,
  SMALL_STRING_BYTES,
  TTL_BUCKETS,
  encodingVerdict,
  keyPrefix,
  keyShape,
  prefixPattern,
  smallStringSaving,
  ttlBucket,
  type EncodingVerdict,
  type ExpiryCluster,
  type ServerFamily,
  type Thresholds,
  type TtlBucket,
} from './keyspace-model';
import { onOwnConnection, readConfigIfReadable, readInfoFields, withUnreadable } from './target';
import { redisTool } from './tool';

/**
 * A profile of a bounded sample of the keyspace: what the memory is made of (types, prefixes,
 * encodings against the configured thresholds), how keys expire, and what a fix would save. The
 * walk is the shared paced SCAN (keys.ts); per key it sends only O(1) probes and a MEMORY USAGE
 * with a bounded SAMPLES count (never SAMPLES 0, which reads every element).
 */

export interface KeyProbe {
  key: string;
  type: string;
  encoding?: string;
  /** Elements (or bytes for a string), from the type's length command. */
  length: number;
  pttlMs: number;
  memoryBytes?: number;
  /** When the probe answered (ms since epoch), to place the key's expiry instant. */
  probedAtMs: number;
}

export interface PrefixStat {
  prefix: string;
  pattern: string;
  keys: number;
  memoryBytes: number;
  withTtl: number;
  types: Record<string, number>;
  /** The key of this prefix that uses the most memory in the sample. */
  biggestKey: string;
}

export interface EncodingGroup extends Omit<EncodingVerdict, 'elementBytes' | 'savingBytes'> {
  keys: number;
  /** Largest element count among the keys. */
  maxElements: number;
  /** Largest estimated element length among the keys, bytes. */
  maxElementBytes: number;
  memoryBytes: number;
  savingBytes: number;
  examples: string[];
}

export interface MixedShape {
  shape: string;
  keys: number;
  types: Record<string, { keys: number; example: string }>;
}

export interface KeyspaceProfile {
  server: ServerFamily;
  /** Keys in the database walked (DBSIZE), and how many were sampled. */
  dbsize: number;
  sampled: number;
  complete: boolean;
  elapsedMs: number;
  memorySamples: number;
  sampledMemoryBytes: number;
  avgKeyNameBytes: number;
  types: Record<string, { keys: number; memoryBytes: number; encodings: Record<string, number> }>;
  prefixes: { distinct: number; byCount: PrefixStat[]; byMemory: PrefixStat[] };
  ttl: Record<TtlBucket, number> & { busiestSecond?: ExpiryCluster; busiestMinute?: ExpiryCluster };
  thresholds: Thresholds;
  encodings: EncodingGroup[];
  smallStrings: { keys: number; memoryBytes: number; savingBytes: number };
  /** Strings over 100,000 bytes and sets over 1,000 members: how many were sampled, their memory, the largest. */
  bigStrings: { keys: number; memoryBytes: number; largest: Array<{ key: string; memoryBytes: number }> };
  bigSets: { keys: number; memoryBytes: number; largest: Array<{ key: string; members: number; memoryBytes: number }> };
  /** Key shapes whose keys have different types (two writers disagreeing on a key's type), with a key of each type. */
  mixedShapes: MixedShape[];
}

const TOP_PREFIXES = 8;
const TOP_LIST = 5;
/** Distinct shapes tracked; past this, new shapes are not counted (bounded memory on odd keyspaces). */
const MAX_SHAPES = 2_000;
/** A shape is mixed when a second type holds at least this share of its keys. */
const MIXED_SHARE = 0.05;
const MIXED_MIN_KEYS = 10;

interface PrefixAcc extends Omit<PrefixStat, 'pattern' | 'biggestKey'> {
  biggest: { key: string; memoryBytes: number };
}

/** Aggregates probes into the bounded profile; pure, so tests can feed it probes directly. */
export class KeyspaceProfileBuilder {
  private sampled = 0;
  private memory = 0;
  private nameBytes = 0;
  private readonly types: KeyspaceProfile['types'] = {};
  private readonly prefixes = new Map<string, PrefixAcc>();
  private readonly shapes = new Map<string, MixedShape['types']>();
  private readonly ttl = Object.fromEntries(TTL_BUCKETS.map((b) => [b, 0])) as Record<TtlBucket, number>;
  private readonly expiries = new ExpiryClusters();
  private readonly encodings = new Map<string, EncodingGroup>();
  private readonly small = { keys: 0, memoryBytes: 0, savingBytes: 0 };
  private readonly bigStrings: KeyspaceProfile['bigStrings'] = { keys: 0, memoryBytes: 0, largest: [] };
  private readonly bigSets: KeyspaceProfile['bigSets'] = { keys: 0, memoryBytes: 0, largest: [] };

  constructor(
    private readonly thresholds: Thresholds,
    private readonly server: ServerFamily,
  ) {}

  add(p: KeyProbe): void {
    const bucket = ttlBucket(p.pttlMs);
    if (p.type === 'none' || bucket === undefined) return; // gone between SCAN and the probes
    const memory = p.memoryBytes ?? 0;
    const name = printableKey(p.key);
    this.sampled++;
    this.memory += memory;
    this.nameBytes += Buffer.byteLength(p.key);
    const t = (this.types[p.type] ??= { keys: 0, memoryBytes: 0, encodings: {} });
    t.keys++;
    t.memoryBytes += memory;
    if (p.encoding) t.encodings[p.encoding] = (t.encodings[p.encoding] ?? 0) + 1;
    this.ttl[bucket]++;
    if (p.pttlMs >= 0) this.expiries.add(p.probedAtMs + p.pttlMs, name);
    this.addPrefix(keyPrefix(p.key), p, name, memory);
    this.addShape(keyShape(p.key), p.type, name);
    if (p.memoryBytes !== undefined && p.encoding) this.addEncoding(p, name);
    if (p.type === 'string' && p.memoryBytes !== undefined) this.addString(p, name);
    if (p.type === 'set' && p.length > BIG_SET_MEMBERS) {
      this.bigSets.keys++;
      this.bigSets.memoryBytes += memory;
      this.bigSets.largest = top([...this.bigSets.largest, { key: name, members: p.length, memoryBytes: memory }], (s) => s.memoryBytes);
    }
  }

  private addPrefix(prefix: string, p: KeyProbe, name: string, memory: number): void {
    const acc = this.prefixes.get(prefix) ?? { prefix, keys: 0, memoryBytes: 0, withTtl: 0, types: {}, biggest: { key: name, memoryBytes: -1 } };
    acc.keys++;
    acc.memoryBytes += memory;
    if (p.pttlMs >= 0) acc.withTtl++;
    acc.types[p.type] = (acc.types[p.type] ?? 0) + 1;
    if (memory > acc.biggest.memoryBytes) acc.biggest = { key: name, memoryBytes: memory };
    this.prefixes.set(prefix, acc);
  }

  private addShape(shape: string, type: string, name: string): void {
    const types = this.shapes.get(shape);
    if (!types && this.shapes.size >= MAX_SHAPES) return;
    const t = types ?? {};
    (t[type] ??= { keys: 0, example: name }).keys++;
    this.shapes.set(shape, t);
  }

  private addEncoding(p: KeyProbe, name: string): void {
    const verdict = encodingVerdict({ type: p.type, encoding: p.encoding!, length: p.length, memoryBytes: p.memoryBytes! }, this.thresholds, this.server);
    if (!verdict) return;
    const id = `${verdict.type}/${verdict.to}/${verdict.reason}`;
    const { elementBytes, savingBytes, ...rest } = verdict;
    const g = this.encodings.get(id) ?? { ...rest, keys: 0, maxElements: 0, maxElementBytes: 0, memoryBytes: 0, savingBytes: 0, examples: [] };
    g.keys++;
    g.maxElements = Math.max(g.maxElements, p.length);
    g.maxElementBytes = Math.max(g.maxElementBytes, elementBytes);
    g.memoryBytes += p.memoryBytes!;
    g.savingBytes += savingBytes;
    g.entriesSuggested = maxDefined(g.entriesSuggested, verdict.entriesSuggested);
    g.valueSuggested = maxDefined(g.valueSuggested, verdict.valueSuggested);
    if (g.examples.length < 3) g.examples.push(name);
    this.encodings.set(id, g);
  }

  private addString(p: KeyProbe, name: string): void {
    const memory = p.memoryBytes!;
    if (memory < SMALL_STRING_BYTES) {
      this.small.keys++;
      this.small.memoryBytes += memory;
      this.small.savingBytes += smallStringSaving(memory, Buffer.byteLength(p.key), p.length);
    } else if (memory > BIG_STRING_BYTES) {
      this.bigStrings.keys++;
      this.bigStrings.memoryBytes += memory;
      this.bigStrings.largest = top([...this.bigStrings.largest, { key: name, memoryBytes: memory }], (s) => s.memoryBytes);
    }
  }

  report(meta: { dbsize: number; complete: boolean; elapsedMs: number; memorySamples: number; nowMs: number }): KeyspaceProfile {
    const prefixes = [...this.prefixes.values()].map(({ biggest, ...rest }): PrefixStat => ({
      ...rest,
      pattern: prefixPattern(rest.prefix),
      biggestKey: biggest.key,
    }));
    const clusters = this.expiries.busiest(meta.nowMs);
    const mixedShapes = [...this.shapes.entries()]
      .map(([shape, types]): MixedShape => ({ shape, keys: Object.values(types).reduce((n, t) => n + t.keys, 0), types }))
      .filter((s) => s.keys >= MIXED_MIN_KEYS && Object.values(s.types).filter((t) => t.keys >= s.keys * MIXED_SHARE).length >= 2);
    return {
      server: this.server,
      dbsize: meta.dbsize,
      sampled: this.sampled,
      complete: meta.complete,
      elapsedMs: meta.elapsedMs,
      memorySamples: meta.memorySamples,
      sampledMemoryBytes: this.memory,
      avgKeyNameBytes: this.sampled ? Math.round(this.nameBytes / this.sampled) : 0,
      types: this.types,
      prefixes: {
        distinct: prefixes.length,
        byCount: top(prefixes, (p) => p.keys, TOP_PREFIXES),
        byMemory: top(prefixes, (p) => p.memoryBytes, TOP_PREFIXES),
      },
      ttl: { ...this.ttl, ...(clusters ? { busiestSecond: clusters.second, busiestMinute: clusters.minute } : {}) },
      thresholds: this.thresholds,
      encodings: top([...this.encodings.values()], (g) => g.savingBytes, 8),
      smallStrings: this.small,
      bigStrings: this.bigStrings,
      bigSets: this.bigSets,
      mixedShapes: top(mixedShapes, (s) => s.keys),
    };
  }
}

function top<T>(items: T[], by: (t: T) => number, n = TOP_LIST): T[] {
  return [...items].sort((a, b) => by(b) - by(a)).slice(0, n);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/**
 * Keys probed at once: small rounds keep the worker's event loop (shared with the tools running
 * beside this one, whose paced walks read round-trip times) free between them.
 */
const PROBE_CHUNK = 25;

/**
 * One round of probes for a few keys: TYPE, PTTL and MEMORY USAGE together, then what the type
 * needs (its length command, and OBJECT ENCODING for collections: a string's raw/embstr/int needs
 * no fix). Returns the probes and how many commands they took, for the walk's pacing.
 */
async function probeKeys(redis: RedisCommands, keys: string[], memorySamples: number): Promise<{ probes: KeyProbe[]; commands: number }> {
  let commands = 0;
  const send = (command: string, ...args: Array<string | number>) => {
    commands++;
    return redis.call(command, ...args).catch(() => null);
  };
  const each = (fn: (k: string, i: number) => Promise<unknown>) => Promise.all(keys.map(fn));
  const [types, pttls, memory] = await Promise.all([
    each((k) => send('TYPE', k)),
    each((k) => send('PTTL', k)),
    each((k) => send('MEMORY', 'USAGE', k, 'SAMPLES', memorySamples)),
  ]);
  const probedAtMs = Date.now();
  const [lengths, encodings] = await Promise.all([
    each((k, i) => (LENGTH_COMMAND[String(types[i])] ? send(LENGTH_COMMAND[String(types[i])], k) : Promise.resolve(0))),
    each((k, i) => (types[i] === 'string' || !LENGTH_COMMAND[String(types[i])] ? Promise.resolve(null) : send('OBJECT', 'ENCODING', k))),
  ]);
  const probes = keys.map((key, i) => ({
    key,
    type: String(types[i] ?? 'none'),
    encoding: encodings[i] === null ? undefined : String(encodings[i]),
    length: Number(lengths[i] ?? 0),
    pttlMs: Number(pttls[i] ?? -2),
    memoryBytes: memory[i] === null ? undefined : Number(memory[i]),
    probedAtMs,
  }));
  return { probes, commands };
}

export const redisKeyspaceProfile = redisTool({
  name: 'redis_keyspace_profile',
  categories: ['keyspace', 'memory'],
  description:
    'Profiles a bounded SCAN sample of the keyspace (never KEYS): type mix with memory per type, top key prefixes by count and by memory, TTL distribution and keys expiring in the same second/minute, hashes/sets/sorted sets stored in a non-compact encoding although they fit the listpack/intset thresholds (with the memory a fix would save), small strings that could be combined into hashes, big strings and sets, and key shapes holding mixed types. Says how much of the keyspace was covered.',
  schema: z
    .object({
      budgetMs: z
        .number()
        .int()
        .min(100)
        .max(10_000)
        .default(2_500)
        .describe('Time budget for the walk in milliseconds, 100 to 10000 (default 2500); the reply says how much was covered'),
      maxKeys: z.number().int().min(100).max(10_000).default(1_000).describe('Most keys to sample, 100 to 10000 (default 1000)'),
      memorySamples: z
        .number()
        .int()
        .min(1)
        .max(64)
        .default(5)
        .describe('Elements MEMORY USAGE samples per collection key, 1 to 64 (default 5, as Redis does); never 0, which would read every element'),
      match: z.string().max(200).optional().describe('Only keys matching this glob, e.g. cache:*; leave out for all keys'),
    })
    .strict(),
  handler: async ({ budgetMs, maxKeys, memorySamples, match }, ctx) =>
    onOwnConnection(ctx, 'keyspace-profile', async (redis): Promise<KeyspaceProfile> => {
      // Without the thresholds (CONFIG renamed or denied) no key is judged for its encoding; the rest of the profile stands.
      const unreadable: string[] = [];
      const [dbsize, config, serverFields] = await Promise.all([
        redis.call('DBSIZE'),
        readConfigIfReadable(redis, unreadable, ...ENCODING_PARAMS),
        readInfoFields(redis, 'server'),
      ]);
      const thresholds: Thresholds = Object.fromEntries(
        ENCODING_PARAMS.filter((p) => config[p] !== undefined && Number.isFinite(Number(config[p]))).map((p) => [p, Number(config[p])]),
      );
      const builder = new KeyspaceProfileBuilder(thresholds, serverIdentity(serverFields)?.kind ?? 'redis');
      const progress = await scanKeyspace(redis, { budgetMs, maxKeys, match, count: 1000, onProgress: (p) => ctx.heartbeat(p) }, async (keys) => {
        let commands = 0;
        for (let i = 0; i < keys.length; i += PROBE_CHUNK) {
          const round = await probeKeys(redis, keys.slice(i, i + PROBE_CHUNK), memorySamples);
          round.probes.forEach((probe) => builder.add(probe));
          commands += round.commands;
        }
        return commands;
      });
      return withUnreadable(
        builder.report({ dbsize: Number(dbsize), complete: progress.complete, elapsedMs: progress.elapsedMs, memorySamples, nowMs: Date.now() }),
        unreadable,
      );
    }),
  summarize: (p: KeyspaceProfile) =>
    `sampled ${p.sampled}/${p.dbsize} keys${p.complete ? ' (all)' : ''}; top prefix by memory ${p.prefixes.byMemory[0]?.prefix ?? '-'}; ${p.ttl.none} without TTL; ${p.encodings.reduce((n, g) => n + g.keys, 0)} in a non-compact encoding that could be compact`,
});
