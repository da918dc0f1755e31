import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaselineInput } from '../../activities/rules/baseline';
import { Baseline } from '../../activities/rules/baseline';
import type { Check } from '../../activities/rules/check';
import { ALL_CHECKS, runChecks } from '../../activities/rules/engine';
import { blockingKeys } from '../../activities/rules/checks/connections';
import { parseClientList, parseInfo, parseSlowlog } from '../../core/redis-replies';
import { compactInfo } from '../../activities/tools/redis/server';
import { summarizeClients } from '../../activities/tools/redis/clients';
import { summarizeSlowlog } from '../../activities/tools/redis/performance';
import { FROM_CAPTURES as AUDIT_FROM_CAPTURES, FROM_HEALTHY as AUDIT_FROM_HEALTHY } from './audit-cases';

const AUDIT_CASES = [...AUDIT_FROM_CAPTURES, ...AUDIT_FROM_HEALTHY];

/**
 * One test per rule, over baselines captured from real redis-server processes in the incident
 * scenarios (test/fixtures/baselines, written by `sre-agent eval --capture`). Checks with no
 * scenario of their own run on the healthy capture with the one signal they watch changed.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'baselines');
interface Fixture {
  raw: { info?: string; clientList?: string; slowlog?: unknown };
  baseline: BaselineInput;
}
const load = (id: string): Fixture => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${id}.json`), 'utf8'));
const baseline = (id: string) => structuredClone(load(id).baseline);

function data<T>(b: BaselineInput, tool: string): T {
  const entry = b[tool];
  if (!entry?.ok) throw new Error(`${tool} missing in fixture`);
  return entry.output.data as T;
}
const info = (b: BaselineInput) => data<Record<string, Record<string, unknown>>>(b, 'redis_info');
const config = (b: BaselineInput) => data<Record<string, string>>(b, 'redis_config_get');

const check = (id: string): Check => {
  const found = ALL_CHECKS.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};
const run = (id: string, b: BaselineInput) => check(id).run(new Baseline(b));
const fired = (id: string, b: BaselineInput) => {
  const outcome = run(id, b);
  if (outcome.status !== 'fail') throw new Error(`${id} did not fire: ${JSON.stringify(outcome)}`);
  return outcome.findings[0];
};
const text = (f: { title: string; detail: string; recommendation: string; commands: string[] }) =>
  `${f.title}\n${f.detail}\n${f.recommendation}\n${f.commands.join('\n')}`;

/** [check, scenario whose capture shows the problem, what the finding must say] */
const FROM_SCENARIOS: Array<[string, string, RegExp[]]> = [
  ['memory.maxmemory-write-errors', 'oom-noeviction', [/OOM/, /noeviction/, /allkeys-lru/]],
  ['memory.evictions', 'evictions-thrashing', [/evicted/, /maxmemory/]],
  ['memory.hit-ratio', 'evictions-thrashing', [/hit ratio/, /miss/]],
  ['memory.maxmemory-saturation', 'evictions-thrashing', [/of maxmemory/]],
  ['memory.fragmentation', 'fragmentation-after-delete', [/not a memory leak/, /activedefrag yes/, /MEMORY PURGE/]],
  ['memory.past-peak', 'fragmentation-after-delete', [/peaked/]],
  ['memory.script-cache', 'lua-script-cache-explosion', [/EVALSHA/, /SCRIPT LOAD/]],
  ['memory.policy-fit', 'volatile-policy-without-ttls', [/volatile-lru/, /TTL/]],
  ['performance.slow-commands', 'keys-slowlog', [/KEYS/, /SCAN/]],
  ['keyspace.big-keys', 'big-hash-hgetall', [/user:sessions/, /HSCAN/]],
  ['keyspace.expiry-pressure', 'mass-expiry', [/expire/i, /jitter/]],
  ['connections.rejected', 'maxclients-leak', [/maxclients/, /rejected/, /leak|pool/]],
  ['connections.saturation', 'maxclients-leak', [/maxclients/]],
  ['connections.idle', 'idle-connections-no-timeout', [/idle/, /timeout/, /leak|pool/]],
  ['connections.blocked', 'blocked-consumers', [/BLPOP/i, /producer/]],
  ['connections.output-buffers', 'slow-pubsub-subscriber', [/subscriber/, /client-output-buffer-limit/]],
  ['persistence.rdb-failure', 'bgsave-misconf', [/MISCONF/, /stop-writes-on-bgsave-error/, /permission/]],
  ['persistence.aof-failure', 'aof-rewrite-failing', [/rewrite/, /permission/]],
  ['replication.master-link', 'replica-master-down', [/master_link_status/, /connection refused/, /REPLICAOF NO ONE/]],
  ['replication.replica-loss', 'noreplicas-writes-rejected', [/NOREPLICAS/, /min-replicas-to-write/]],
  ['availability.busy-script', 'busy-lua-script', [/BUSY/, /SCRIPT KILL/]],
  ['availability.reachable', 'server-unresponsive', [/did not answer in time/]],
  ['security.authentication', 'security-audit-open', [/password/, /ACL/]],
  ['security.dangerous-commands', 'security-audit-open', [/FLUSHALL/, /-@dangerous/]],
  ['persistence.disabled', 'healthy', [/Persistence is off/]],
  ['keyspace.hot-keys', 'hot-key-lfu', [/key:__rand_int__/, /client tracking/]],
  ['keyspace.stream-lag', 'stream-consumer-lag', [/fulfilment/, /orders/, /XAUTOCLAIM/]],
  ['cluster.state', 'cluster-slots-unassigned', [/state fail/, /16384 unassigned slots/, /--cluster fix/]],
  ['connections.churn', 'connection-churn', [/new connections per second/, /pool/]],
  ['performance.latency-events', 'latency-monitor-event', [/command up to \d+ ms/, /LATENCY DOCTOR/]],
  ['memory.encoding-efficiency', 'hash-encoding-threshold-lowered', [/hash-max-listpack-entries 512/, /hashtable/, /DEBUG RELOAD/]],
  ['keyspace.transient-without-ttl', 'cache-keys-without-ttl', [/cache:\*/, /no TTL/, /allkeys-lru/]],
  ['memory.prefix-concentration', 'memory-by-prefix', [/feed:\*/, /--memkeys/]],
  ['keyspace.expiry-cluster', 'expiry-storm-ahead', [/same second/, /jitter/]],
  ['keyspace.many-small-keys', 'million-tiny-string-keys', [/1,200,000 keys/, /HSET/]],
  ['keyspace.mixed-types', 'mixed-types-wrongtype', [/WRONGTYPE/, /cart:#/]],
  ['memory.big-sets', 'unique-visitor-sets', [/HyperLogLog/, /PFADD/]],
  ['memory.host-memory', 'healthy', [/maxmemory/]],
];

/** [check, how the healthy capture is changed to show the problem, what the finding must say] */
const FROM_HEALTHY: Array<[string, (b: BaselineInput) => void, RegExp[]]> = [
  ['memory.swapping', (b) => Object.assign(info(b).memory, { mem_fragmentation_ratio: 0.6, used_memory: 512 * 1048576 }), [/swapping/]],
  [
    'performance.command-cost',
    (b) => Object.assign(info(b).commandstats, { hgetall: { calls: 10, usec: 300000, usec_per_call: 30000 } }),
    [/HGETALL averages 30\.0 ms/],
  ],
  ['performance.fork-cost', (b) => Object.assign(info(b).stats, { latest_fork_usec: 900000 }), [/fork took 900 ms/]],
  ['connections.replica-buffers', (b) => Object.assign(info(b).memory, { mem_clients_slaves: 64 * 1048576 }), [/Replica output buffers/]],
  ['connections.buffer-limit-disconnects', (b) => Object.assign(info(b).stats, { client_output_buffer_limit_disconnections: 3 }), [/3 clients disconnected/]],
  [
    'persistence.stale-backup',
    (b) => {
      config(b).save = '3600 1';
      Object.assign(info(b).persistence, { rdb_last_save_time: Math.floor(Date.now() / 1000) - 72 * 3600 });
    },
    [/72 hours old/],
  ],
  ['replication.full-resyncs', (b) => Object.assign(info(b).stats, { sync_full: 7, sync_partial_err: 6 }), [/7 full resyncs/, /repl-backlog-size/]],
  [
    'replication.lag',
    (b) => data<{ replicas: unknown[] }>(b, 'redis_replication').replicas.push({ address: '10.0.0.2:6379', state: 'online', offsetLag: 5000000, lag: 40 }),
    [/10\.0\.0\.2:6379/],
  ],
  [
    'keyspace.multiple-dbs',
    (b) => data<{ databases: unknown[] }>(b, 'redis_keyspace').databases.push({ db: 'db3', keys: 10, expires: 0, expiryShare: 0, avgTtlMs: 0 }),
    [/2 logical databases/],
  ],
  ['security.version', (b) => Object.assign(info(b).server, { redis_version: '5.0.14' }), [/5\.0\.14 is end of life/]],
  [
    'availability.auth',
    (b) =>
      Object.assign(b, {
        redis_info: { ok: false, error: 'redis_info: authentication to Redis at 127.0.0.1:6379 failed: WRONGPASS invalid username-password pair' },
      }),
    [/authenticate/, /WRONGPASS/],
  ],
  ['availability.loading', (b) => Object.assign(info(b).persistence, { loading: 1 }), [/still loading/]],
];

describe('rules engine, one test per rule', () => {
  it('covers every check', () => {
    // The INFO and client audits have their cases in audit-cases.ts (info-audit.test.ts); the
    // configuration audit (config.*) has its own test per rule: config-audit.test.ts; the sentinel
    // checks (sentinel.*) theirs over captured sentinel replies: sentinel-checks.test.ts.
    const covered = new Set([...FROM_SCENARIOS.map(([id]) => id), ...FROM_HEALTHY.map(([id]) => id), ...AUDIT_CASES.map(([id]) => id)]);
    expect(ALL_CHECKS.map((c) => c.id).filter((id) => !covered.has(id) && !/^(config|sentinel)\./.test(id))).toEqual([]);
  });

  it.each(FROM_SCENARIOS)('%s fires on the %s capture', (id, scenario, patterns) => {
    const finding = fired(id, baseline(scenario));
    for (const p of patterns) expect(text(finding)).toMatch(p);
    expect(finding.evidence.length).toBeGreaterThan(0);
  });

  it.each(FROM_HEALTHY)('%s fires when its signal appears', (id, mutate, patterns) => {
    const b = baseline('healthy');
    expect(run(id, b).status).not.toBe('fail');
    mutate(b);
    const finding = fired(id, b);
    for (const p of patterns) expect(text(finding)).toMatch(p);
  });

  it('finds no significant problem on the healthy capture', () => {
    const { digest } = runChecks(baseline('healthy'));
    expect(digest.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(digest.findings.filter((f) => f.severity === 'warning').map((f) => f.checkId)).toEqual(['security.authentication']);
  });

  it('degrades gracefully when a field is absent (Redis 7.0 has no client_output_buffer_limit_disconnections)', () => {
    const b = baseline('healthy');
    expect(run('connections.buffer-limit-disconnects', b)).toMatchObject({ status: 'skip', reason: expect.stringMatching(/7\.2/) });
    delete info(b).memory.mem_fragmentation_ratio;
    expect(run('memory.fragmentation', b).status).toBe('skip');
  });

  it('asks for the keys blocked clients wait on, found from their command lines', () => {
    const { followUps } = runChecks(baseline('blocked-consumers'));
    expect(followUps).toEqual([expect.objectContaining({ tool: 'redis_key_info', args: { keys: ['jobs:queue'] } })]);
    expect(blockingKeys('redis-cli -p 6379 BLPOP jobs:queue jobs:urgent 0')).toEqual(['jobs:queue', 'jobs:urgent']);
    expect(blockingKeys('worker XREADGROUP GROUP g c BLOCK 0 STREAMS orders >')).toEqual(['orders']);
  });
});

describe('parsers over real server output', () => {
  it('parses INFO into sections with numbers', () => {
    const sections = compactInfo(parseInfo(load('oom-noeviction').raw.info!));
    expect(sections.memory.maxmemory_policy).toBe('noeviction');
    expect(typeof sections.memory.used_memory).toBe('number');
    expect(sections.errorstats.errorstat_OOM).toMatchObject({ count: expect.any(Number) });
  });

  it('summarises CLIENT LIST without the agent itself', () => {
    const summary = summarizeClients(parseClientList(load('maxclients-leak').raw.clientList!));
    expect(summary.total).toBeGreaterThanOrEqual(16);
    expect(summary.idle.neverRanCommand).toBeGreaterThanOrEqual(16);
    expect(summary.byHost[0].value).toBe('127.0.0.1');
  });

  it('groups SLOWLOG entries by command', () => {
    const raw = load('keys-slowlog').raw.slowlog;
    const summary = summarizeSlowlog(parseSlowlog(raw), 5, { 'slowlog-log-slower-than': '10000' });
    expect(summary.byCommand.map((g) => g.command)).toContain('KEYS');
    expect(summary.entries.find((e) => e.command === 'KEYS')?.args).toEqual(['*']);
  });
});
