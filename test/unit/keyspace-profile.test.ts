import * as fs from 'node:fs';
import * as path from 'node:path';
import { Baseline, type BaselineInput } from '../../activities/rules/baseline';
import { keyspaceProfileChecks } from '../../activities/rules/checks/keyspace-profile';
import { runTool } from '../../activities/tools/activities';
import type { ToolDeps } from '../../activities/tools/deps';
import {
  ExpiryClusters,
  encodingVerdict,
  keyPrefix,
  keyShape,
  looksTransient,
  prefixPattern,
  smallStringSaving,
  ttlBucket,
} from '../../activities/tools/redis/keyspace-model';
import { KeyspaceProfileBuilder, redisKeyspaceProfile, type KeyspaceProfile, type KeyProbe } from '../../activities/tools/redis/keyspace-profile';
import { loadConfig } from '../../core/config';
import type { InstanceStore } from '../../core/instances/store';
import { createLogger } from '../../core/logger';
import { TargetPool } from '../../core/target-pool';
import type { ThreadStore } from '../../core/threads';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import type { ServerKind } from '../../stack/install';

/**
 * The keyspace profile: its pure parts (prefixes, shapes, TTL buckets, saving estimates), each
 * check over captures of its scenario on Redis 7.0 and Valkey 9 (and quiet elsewhere), and what the
 * tool sends to a real server (only bounded commands, each well under a millisecond).
 */

describe('key names', () => {
  it.each([
    ['user:42', 'user:'],
    ['cache.page.3', 'cache.'],
    ['session_ab12', 'session_'],
    ['tenant|7|orders', 'tenant|'],
    ['order123', 'order'],
    ['1234567', '(digits)'],
    ['config', 'config'],
    ['_tmp:1', '_tmp:'],
    ['feed:timeline:9', 'feed:'],
  ])('%s belongs to prefix %s', (key, prefix) => expect(keyPrefix(key)).toBe(prefix));

  it('turns a prefix into the glob that lists it', () => {
    expect(prefixPattern('user:')).toBe('user:*');
    expect(prefixPattern('(digits)')).toBe('[0-9]*');
    expect(prefixPattern('odd[1]*')).toBe('odd\\[1\\]\\**');
  });

  it('gives keys written by one piece of code one shape, ids taken out', () => {
    expect(keyShape('cart:42')).toBe(keyShape('cart:97'));
    expect(keyShape('cart:42')).toBe('cart:#');
    expect(keyShape('cart:42:items')).toBe('cart:#:items');
    expect(keyShape('user:6f1c0a7e-3b2d-4c1e-9f00-123456789abc')).toBe('user:#');
    expect(keyShape('blob:deadbeefdeadbeef01')).toBe('blob:#');
  });

  it('recognises names of transient data', () => {
    for (const p of ['cache:', 'session:', 'sess_', 'tmp.', 'token:', 'otp:', 'lock:', 'ratelimit:', 'page-cache:']) expect(looksTransient(p)).toBe(true);
    for (const p of ['user:', 'orders:', 'cachet:', 'feed:', 'followers:']) expect(looksTransient(p)).toBe(false);
  });
});

describe('TTLs', () => {
  it.each([
    [-1, 'none'],
    [-2, undefined],
    [59_999, 'underMinute'],
    [60_000, 'underHour'],
    [3_599_999, 'underHour'],
    [3_600_000, 'underDay'],
    [86_400_000, 'longer'],
  ])('PTTL %d is bucket %s', (pttl, bucket) => expect(ttlBucket(pttl)).toBe(bucket));

  it('finds the second and minute most keys expire in', () => {
    const now = 1_700_000_000_000;
    const c = new ExpiryClusters();
    for (let i = 0; i < 30; i++) c.add(now + 3_600_000 + i, `burst:${i}`); // one second, an hour ahead
    for (let i = 0; i < 20; i++) c.add(now + i * 7_000, `spread:${i}`);
    const busiest = c.busiest(now)!;
    expect(busiest.second).toEqual({ keys: 30, inSeconds: 3600, example: 'burst:0' });
    expect(busiest.minute.keys).toBe(30);
    expect(new ExpiryClusters().busiest(now)).toBeUndefined();
  });
});

describe('encodings and what a fix saves', () => {
  const defaults = {
    'hash-max-listpack-entries': 512,
    'hash-max-listpack-value': 64,
    'set-max-intset-entries': 512,
    'zset-max-listpack-entries': 128,
    'zset-max-listpack-value': 64,
  };

  it('suggests the default back when a threshold was lowered', () => {
    // 40 fields of ~15 bytes in a hashtable: MEMORY USAGE measured ~2.8 KB on Redis 7.0.
    const v = encodingVerdict(
      { type: 'hash', encoding: 'hashtable', length: 40, memoryBytes: 2_900 },
      { ...defaults, 'hash-max-listpack-entries': 16 },
      'redis',
    )!;
    expect(v).toMatchObject({ to: 'listpack', reason: 'threshold', entriesParam: 'hash-max-listpack-entries', entriesConfigured: 16, entriesSuggested: 512 });
    // At least 37 bytes per field (measured 37-41), never more than the key itself.
    expect(v.savingBytes).toBeGreaterThanOrEqual(40 * 37 - 32);
    expect(v.savingBytes).toBeLessThan(2_900);
  });

  it('says a small hashtable within the thresholds was not converted back', () => {
    const v = encodingVerdict({ type: 'hash', encoding: 'hashtable', length: 10, memoryBytes: 784 }, defaults, 'redis')!;
    expect(v).toMatchObject({ reason: 'not-converted-back', entriesSuggested: undefined, valueSuggested: undefined });
  });

  it('leaves out hashes whose values are too long for listpack, and compact or big keys', () => {
    // 10 fields with ~1 KB values: long elements, not a missed encoding.
    expect(encodingVerdict({ type: 'hash', encoding: 'hashtable', length: 10, memoryBytes: 11_000 }, defaults, 'redis')).toBeUndefined();
    expect(encodingVerdict({ type: 'hash', encoding: 'listpack', length: 10, memoryBytes: 300 }, defaults, 'redis')).toBeUndefined();
    expect(encodingVerdict({ type: 'hash', encoding: 'hashtable', length: 5_000, memoryBytes: 330_000 }, defaults, 'redis')).toBeUndefined();
    expect(encodingVerdict({ type: 'list', encoding: 'quicklist', length: 3, memoryBytes: 144 }, defaults, 'redis')).toBeUndefined();
  });

  it('bumps a default threshold at most to twice the default, for integer sets only if they can be integers', () => {
    const ints = encodingVerdict({ type: 'set', encoding: 'hashtable', length: 700, memoryBytes: 30_704 }, defaults, 'redis')!;
    expect(ints).toMatchObject({ to: 'intset', reason: 'threshold', entriesSuggested: 1024, needsIntegers: true });
    expect(encodingVerdict({ type: 'set', encoding: 'hashtable', length: 1_500, memoryBytes: 66_000 }, defaults, 'redis')).toBeUndefined();
    // 40-byte members cannot be integers; Redis 7.0 has no listpack sets (no set-max-listpack-entries).
    expect(encodingVerdict({ type: 'set', encoding: 'hashtable', length: 100, memoryBytes: 100 * 85 + 200 }, defaults, 'redis')).toBeUndefined();
  });

  it('uses listpack sets where the server has them (Redis 7.2+, Valkey)', () => {
    const v = encodingVerdict(
      { type: 'set', encoding: 'hashtable', length: 50, memoryBytes: 1_896 },
      { ...defaults, 'set-max-listpack-entries': 128, 'set-max-listpack-value': 64 },
      'valkey',
    );
    expect(v).toMatchObject({ to: 'listpack', reason: 'not-converted-back' });
  });

  it('estimates what a small string saves as a hash field', () => {
    expect(smallStringSaving(64, 10, 8)).toBe(42);
    expect(smallStringSaving(20, 10, 8)).toBe(0);
  });
});

describe('profile aggregation', () => {
  const probe = (key: string, extra: Partial<KeyProbe> = {}): KeyProbe => ({
    key,
    type: 'string',
    encoding: 'embstr',
    length: 8,
    pttlMs: -1,
    memoryBytes: 64,
    probedAtMs: 1_700_000_000_000,
    ...extra,
  });

  it('counts types, prefixes, TTLs and mixed shapes, and skips keys gone since SCAN', () => {
    const b = new KeyspaceProfileBuilder({ 'set-max-intset-entries': 512 }, 'redis');
    for (let i = 0; i < 12; i++) b.add(probe(`cart:${i}`, i % 2 ? { type: 'hash', encoding: 'listpack', length: 2, memoryBytes: 100 } : {}));
    b.add(probe('visitors:1', { type: 'set', encoding: 'hashtable', length: 30_000, memoryBytes: 1_400_000, pttlMs: 5_000 }));
    b.add(probe('gone:1', { type: 'none', pttlMs: -2 }));
    const p = b.report({ dbsize: 14, complete: true, elapsedMs: 10, memorySamples: 5, nowMs: 1_700_000_000_000 });
    expect(p.sampled).toBe(13);
    expect(p.types.hash.keys).toBe(6);
    expect(p.prefixes.byMemory[0]).toMatchObject({ prefix: 'visitors:', pattern: 'visitors:*', biggestKey: 'visitors:1', withTtl: 1 });
    expect(p.ttl).toMatchObject({ none: 12, underMinute: 1 });
    expect(p.mixedShapes[0]).toMatchObject({
      shape: 'cart:#',
      keys: 12,
      types: { string: { keys: 6, example: 'cart:0' }, hash: { keys: 6, example: 'cart:1' } },
    });
    expect(p.bigSets).toEqual({ keys: 1, memoryBytes: 1_400_000, largest: [{ key: 'visitors:1', members: 30_000, memoryBytes: 1_400_000 }] });
    expect(p.smallStrings.keys).toBe(6);
  });

  it('never lets MEMORY USAGE read every element (SAMPLES 0 is not a valid argument)', () => {
    expect(() => redisKeyspaceProfile.schema.parse({ memorySamples: 0 })).toThrow();
    expect(redisKeyspaceProfile.schema.parse({})).toMatchObject({ budgetMs: 2_500, maxKeys: 1_000, memorySamples: 5 });
  });
});

// ---------------------------------------------------------------------------------------------

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SERVERS: ServerKind[] = ['redis', 'valkey'];
const suffix = (server: ServerKind) => (server === 'redis' ? '' : `.${server}`);
const capture = (id: string, server: ServerKind): BaselineInput =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'baselines', `${id}${suffix(server)}.json`), 'utf8')).baseline;
/** The healthy captures predate the profile tool; its output on the healthy scenario was captured apart. */
const healthy = (server: ServerKind): BaselineInput => ({
  ...capture('healthy', server),
  redis_keyspace_profile: JSON.parse(fs.readFileSync(path.join(FIXTURES, 'keyspace-profile', `healthy${suffix(server)}.json`), 'utf8')).redis_keyspace_profile,
});

/** [check, the scenarios whose captures show its problem, what the finding must say]; quiet on every other capture below. */
const FIRES_ON: Array<[string, string[], RegExp[]]> = [
  [
    'memory.encoding-efficiency',
    ['hash-encoding-threshold-lowered'],
    [/CONFIG SET hash-max-listpack-entries 512/, /is 16 \(default 512\)/, /DEBUG RELOAD/, /RESTORE/],
  ],
  ['memory.encoding-efficiency', ['hashes-not-converted-back'], [/never convert back/, /hashtable/, /listpack/, /DEBUG RELOAD/]],
  [
    'memory.encoding-efficiency',
    ['integer-sets-over-intset-threshold'],
    [/CONFIG SET set-max-intset-entries 1024/, /700 members/, /if their members are integers/],
  ],
  ['keyspace.transient-without-ttl', ['cache-keys-without-ttl'], [/cache:\*/, /no TTL/, /maxmemory is 0/, /EXPIRE/, /allkeys-lru/]],
  ['memory.prefix-concentration', ['memory-by-prefix', 'cache-keys-without-ttl', 'expiry-storm-ahead'], [/holds \d+% of the keyspace memory/, /--memkeys/]],
  ['keyspace.expiry-cluster', ['expiry-storm-ahead'], [/same second/, /cache:price:/, /jitter/, /in 59 min/]],
  ['keyspace.many-small-keys', ['million-tiny-string-keys'], [/1,200,000 keys/, /small strings/, /HSET/]],
  ['keyspace.mixed-types', ['mixed-types-wrongtype'], [/cart:#/, /WRONGTYPE/, /200 commands/, /hash/, /string/]],
  ['memory.big-sets', ['unique-visitor-sets'], [/visitors:2024-06-0\d/, /30,000 members/, /HyperLogLog/, /PFADD/]],
];
const SCENARIOS = [...new Set(FIRES_ON.flatMap(([, ids]) => ids))];

const check = (id: string) => keyspaceProfileChecks.find((c) => c.id === id)!;
const text = (f: { title: string; detail: string; recommendation: string; commands: string[] }) =>
  `${f.title}\n${f.detail}\n${f.recommendation}\n${f.commands.join('\n')}`;

describe.each(SERVERS)('keyspace checks over captures (%s)', (server) => {
  it('covers every keyspace-profile check', () => {
    expect(keyspaceProfileChecks.map((c) => c.id).filter((id) => !FIRES_ON.some(([c]) => c === id))).toEqual([]);
  });

  it.each(FIRES_ON.flatMap(([id, ids, patterns]) => ids.map((s) => [id, s, patterns] as const)))('%s fires on the %s capture', (id, scenario, patterns) => {
    const outcome = check(id).run(new Baseline(capture(scenario, server)));
    if (outcome.status !== 'fail') throw new Error(`${id} did not fire on ${scenario}: ${JSON.stringify(outcome)}`);
    const f = outcome.findings[0];
    for (const p of patterns) expect(text(f)).toMatch(p);
    expect(f.evidence.length).toBeGreaterThan(0);
  });

  it('each check stays quiet on the captures of the other scenarios and on the healthy one', () => {
    const noisy: string[] = [];
    for (const c of keyspaceProfileChecks) {
      const expected = new Set(FIRES_ON.filter(([id]) => id === c.id).flatMap(([, ids]) => ids));
      for (const scenario of SCENARIOS.filter((s) => !expected.has(s))) {
        if (c.run(new Baseline(capture(scenario, server))).status === 'fail') noisy.push(`${c.id} on ${scenario}`);
      }
      if (c.run(new Baseline(healthy(server))).status === 'fail') noisy.push(`${c.id} on healthy`);
      if (c.run(new Baseline(capture('healthy', server))).status === 'fail') noisy.push(`${c.id} on the healthy capture`);
    }
    expect(noisy).toEqual([]);
  });

  it('skips with a reason when the profile did not run', () => {
    const b = capture('healthy', server);
    delete b.redis_keyspace_profile;
    for (const c of keyspaceProfileChecks)
      expect(c.run(new Baseline(b))).toMatchObject({ status: 'skip', reason: expect.stringMatching(/keyspace profile not available/) });
  });
});

// ---------------------------------------------------------------------------------------------

/** Every command the profile may send (with its subcommand), plus the connection introducing itself (ioredis). */
const ALLOWED = new Set([
  'CLIENT SETNAME',
  'CLIENT SETINFO',
  'SCAN',
  'PING',
  'TYPE',
  'PTTL',
  'STRLEN',
  'LLEN',
  'HLEN',
  'SCARD',
  'ZCARD',
  'XLEN',
  'DBSIZE',
  'OBJECT ENCODING',
  'MEMORY USAGE',
  'CONFIG GET',
  'INFO',
]);

describe.each(SERVERS)('what the profile sends to a real %s', (server) => {
  jest.setTimeout(60_000);

  it('sends only bounded commands (SCAN COUNT at most 250, MEMORY USAGE never with SAMPLES 0, the big keys in microseconds, not the milliseconds SAMPLES 0 costs)', async () => {
    const target = await startEphemeralRedis({ server });
    const setup = target.client();
    const targets = new TargetPool();
    try {
      // A keyspace of every type, incl. collections big enough that an unbounded read would show.
      await setup.call('DEBUG', 'POPULATE', '1500', 'user', '64');
      await setup.eval(
        `for i=1,300000 do redis.call('SADD','big:set',i) end
         for i=1,20000 do redis.call('HSET','big:hash','f'..i,'v'..i) end
         for k=1,200 do redis.call('HSET','small:'..k,'a','1','b','2') redis.call('ZADD','board:'..k,k,'m'..k) redis.call('RPUSH','queue:'..k,'x','y') redis.call('SET','cache:'..k,'v','EX',3600) end
         redis.call('XADD','events','*','a','1')`,
        0,
      );
      await setup.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      await setup.call('CONFIG', 'SET', 'slowlog-max-len', '100000');
      await setup.call('SLOWLOG', 'RESET');

      const deps: ToolDeps = {
        config: loadConfig({ PATH: process.env.PATH ?? '' }),
        instances: { resolve: async () => ({ id: 'inst_profile', url: target.url }) } as unknown as InstanceStore,
        threads: { publish: async () => undefined, recordToolCall: async () => undefined } as unknown as ThreadStore,
        targets,
        log: createLogger('test', 'error'),
      };
      // A budget that walks it all, so the big collections are probed too.
      const args = { budgetMs: 10_000, maxKeys: 10_000 };
      const out = await runTool(redisKeyspaceProfile, deps, { callId: 'c1', taskId: 'task_test', threadId: 'thread_test', instanceId: 'inst_profile', args });
      const profile = out.data as KeyspaceProfile;
      expect(profile).toMatchObject({ complete: true, sampled: 2_303 });
      expect(Object.keys(profile.types).sort()).toEqual(['hash', 'list', 'set', 'stream', 'string', 'zset']);
      expect(Buffer.byteLength(JSON.stringify(out.data))).toBeLessThan(8_000);

      const entries = (await setup.call('SLOWLOG', 'GET', '-1')) as Array<[number, number, number, string[], string, string]>;
      const ours = entries.filter((e) => e[5] === 'sre-agent');
      expect(ours.length).toBeGreaterThan(profile.sampled * 4);
      const name = (args: string[]) =>
        ['OBJECT', 'MEMORY', 'CONFIG', 'CLIENT'].includes(args[0].toUpperCase()) ? `${args[0]} ${args[1]}`.toUpperCase() : args[0].toUpperCase();
      expect([...new Set(ours.map((e) => name(e[3])))].filter((n) => !ALLOWED.has(n))).toEqual([]);
      const memory = ours.filter((e) => name(e[3]) === 'MEMORY USAGE');
      expect(memory.length).toBeGreaterThan(0);
      expect(memory.filter((e) => e[3][3]?.toUpperCase() !== 'SAMPLES' || Number(e[3][4]) < 1)).toEqual([]);
      // On the big set MEMORY USAGE SAMPLES 0 takes 12 ms (Valkey 9) to 60 ms (Redis 7.0); bounded it takes microseconds.
      const bigKeys = memory.filter((e) => e[3][2] === 'big:set' || e[3][2] === 'big:hash');
      expect(bigKeys.length).toBe(2);
      expect(bigKeys.filter((e) => e[2] >= 8_000).map((e) => `${e[3].join(' ')}: ${e[2]} us`)).toEqual([]);
      // Each command's server time (under 1 ms) is a figure of `npm run bench -- footprint`, not asserted
      // here: on a loaded machine the OS preempts the server mid-command. The shape is what is asserted.
      const scans = ours.filter((e) => name(e[3]) === 'SCAN');
      expect(scans.length).toBeGreaterThan(0);
      expect(scans.filter((e) => !/^COUNT$/i.test(e[3][2] ?? '') || Number(e[3][3]) < 1 || Number(e[3][3]) > 250)).toEqual([]);
    } finally {
      setup.disconnect();
      await targets.close();
      await target.stop();
    }
  });
});
