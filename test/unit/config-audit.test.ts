import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaselineInput } from '../../activities/rules/baseline';
import { Baseline } from '../../activities/rules/baseline';
import { CONFIG_RULES, configAuditChecks } from '../../activities/rules/audits/config-audit';
import { persisted } from '../../activities/rules/audits/config-rule';
import { outputBufferLimits, savePoints, snapshotInterval } from '../../activities/rules/audits/config-values';
import { ALL_CHECKS, runChecks } from '../../activities/rules/engine';
import { renderTriageReport } from '../../activities/rules/report';

/**
 * The configuration audit, one test per rule, over baselines captured from real Redis 7.0 and
 * Valkey 9 servers with `sre-agent eval --capture`: the "misconfigured" fixture scenarios in
 * test/fixtures/config-audit (many risky values set at once; not incidents) and the incident
 * scenarios' captures in test/fixtures/baselines. Rules whose condition a local test server
 * cannot show (TLS certificate files, a jemalloc build with active defrag, gigabytes of data,
 * thousands of clients, a password the harness does not register) run on a capture with the
 * one value changed, and say why.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const baseline = (name: string): BaselineInput => structuredClone(JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')).baseline);
const exists = (name: string) => fs.existsSync(path.join(FIXTURES, `${name}.json`));

function data<T>(b: BaselineInput, tool: string): T {
  const entry = b[tool];
  if (!entry?.ok) throw new Error(`${tool} missing in fixture`);
  return entry.output.data as T;
}
const info = (b: BaselineInput) => data<Record<string, Record<string, unknown>>>(b, 'redis_info');
const config = (b: BaselineInput) => data<Record<string, string>>(b, 'redis_config_get');
const rates = (b: BaselineInput) => data<{ perSecond: Record<string, number>; commands: Array<Record<string, unknown>> }>(b, 'redis_info_rates');

const rule = (id: string) => {
  const found = CONFIG_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};
const check = (id: string) => configAuditChecks.find((c) => c.id === id)!;
const run = (id: string, b: BaselineInput) => check(id).run(new Baseline(b));
const fired = (id: string, b: BaselineInput) => {
  const outcome = run(id, b);
  if (outcome.status !== 'fail') throw new Error(`${id} did not fire: ${JSON.stringify(outcome)}`);
  return outcome.findings[0];
};
const text = (f: { title: string; detail: string; recommendation: string; commands: string[] }) =>
  `${f.title}\n${f.detail}\n${f.recommendation}\n${f.commands.join('\n')}`;

/** A capture on both servers: <id> (Redis 7.0) and <id>.valkey (Valkey 9). */
const both = (id: string) => [id, `${id}.valkey`];

/** Captures where these rules' conditions hold, and the rules that must fire on each. */
const ON_CAPTURE: Array<[string[], string[]]> = [
  [
    both('config-audit/config-misconfig-rdb'),
    [
      'config.save-loss-window',
      'config.bgsave-error-ignored',
      'config.rdbcompression-off',
      'config.rdbchecksum-off',
      'config.rdb-del-sync-files',
      'config.incremental-fsync-off',
      'config.shutdown-signal-nosave',
      'config.replica-ignore-disk-errors',
      'config.ignore-warnings-arm64-cow',
      'config.hz-high',
      'config.loglevel-verbose',
      'config.notify-heavy',
      'config.hash-listpack-entries-high',
      'config.hash-listpack-value-high',
      'config.zset-listpack-high',
      'config.zset-listpack-value-high',
      'config.set-intset-high',
      'config.list-node-size-large',
      'config.list-compress-depth',
      'config.hll-sparse-too-big',
      'config.stream-node-limits',
      'config.busy-threshold-unbounded',
      'config.eviction-tenacity-high',
      'config.active-expire-effort-high',
      'config.slowlog-threshold-high',
      'config.maxmemory-samples-low',
      'config.obuf-replica-unlimited',
      'config.obuf-pubsub-unlimited',
      'config.query-buffer-limit-high',
      'config.proto-max-bulk-len-high',
      'config.tracking-table-unbounded',
      'config.lfu-tuning',
      'config.activerehashing-off',
      'config.oom-score-adj-values-misordered',
      'config.enable-module-command-open',
      'config.enable-protected-configs-open',
      'config.unixsocket-world-perm',
      'config.acllog-disabled',
      'config.acl-pubsub-allchannels',
      'config.crash-log-disabled',
      'config.tcp-keepalive-off',
      'config.slowlog-too-short',
      'config.latency-tracking-off',
      'config.jemalloc-bg-thread-off',
      'config.thp-not-disabled',
    ],
  ],
  [
    both('config-audit/config-misconfig-aof'),
    [
      'config.appendfsync-always',
      'config.no-appendfsync-on-rewrite',
      'config.aof-rewrite-disabled',
      'config.aof-load-truncated-no',
      'config.aof-no-rdb-preamble',
      'config.aof-timestamps',
      'config.noeviction-cache',
      'config.repl-timeout-le-ping',
      'config.repl-nodelay-off',
      'config.diskless-sync-delay',
      'config.slowlog-disabled',
      'config.loglevel-quiet',
      'config.notify-no-subscribers',
      'config.hash-listpack-disabled',
      'config.lazyfree-off',
      'config.latency-monitor-off',
    ],
  ],
  [
    both('config-audit/config-misconfig-alt'),
    [
      'config.appendfsync-no',
      'config.aof-rewrite-too-frequent',
      'config.save-fork-storm',
      'config.maxmemory-exceeds-ram',
      'config.maxmemory-no-fork-headroom',
      'config.slowlog-log-everything',
      'config.tcp-keepalive-too-long',
      'config.timeout-too-short',
      'config.hz-low',
      'config.notify-missing-ke',
    ],
  ],
  [
    both('config-audit/config-misconfig-primary'),
    [
      'config.repl-backlog-too-small',
      'config.obuf-replica-too-small',
      'config.diskless-sync-off',
      'config.min-replicas-disabled',
      'config.no-persistence-with-replicas',
      'config.shutdown-timeout-zero',
      'config.shutdown-signal-force-now',
    ],
  ],
  [
    both('config-audit/config-misconfig-replica'),
    [
      'config.replica-writable',
      'config.replica-stale-errors',
      'config.replica-priority-zero',
      'config.replica-not-announced',
      'config.replica-maxmemory-too-small',
      'config.diskless-load-swapdb-oom',
      'config.diskless-load-failover-risk',
    ],
  ],
  [both('config-audit/config-misconfig-replica-alt'), ['config.replica-evicts-independently']],
  [['config-audit/config-misconfig-redis'], ['config.io-threads-too-many-redis', 'config.io-threads-reads-off', 'config.cpulist-overlap']],
  [
    ['config-audit/config-misconfig-valkey.valkey'],
    [
      'config.rdb-version-check-relaxed',
      'config.diskless-load-flush-before-load',
      'config.set-listpack-high',
      'config.set-listpack-value-high',
      'config.import-mode-left-on',
      'config.hide-user-data-off',
      'config.extended-redis-compat-on',
      'config.log-format-parser-mismatch',
      'config.max-new-connections-per-cycle-high',
      'config.commandlog-large-disabled',
      'config.prefetch-disabled',
    ],
  ],
  [
    both('config-audit/config-misconfig-cluster'),
    [
      'config.cluster-node-timeout-low',
      'config.cluster-full-coverage',
      'config.cluster-reads-when-down',
      'config.cluster-validity-factor',
      'config.cluster-migration-barrier-zero',
      'config.cluster-replica-migration-off',
      'config.cluster-pubsubshard-when-down',
      'config.cluster-hostname-endpoint-unset',
    ],
  ],
  [
    ['config-audit/config-misconfig-cluster-valkey.valkey'],
    ['config.cluster-node-timeout-high', 'config.cluster-blacklist-ttl-short', 'config.cluster-databases-many', 'config.cluster-slot-stats'],
  ],
  // Incident scenarios (test/scenarios) whose captures show the rule.
  [both('baselines/hot-key-lfu'), ['config.policy-without-limit']],
  [['baselines/mass-expiry'], ['config.active-expire-effort-low-stale']],
  [both('baselines/appendfsync-always-latency'), ['config.appendfsync-always']],
  [both('baselines/snapshot-only-data-loss'), ['config.save-loss-window']],
  [both('baselines/replica-full-resync-loop'), ['config.repl-backlog-too-small']],
  [both('baselines/aof-never-rewritten'), ['config.aof-rewrite-disabled']],
  [both('baselines/hz-idle-cpu'), ['config.hz-high']],
  [both('baselines/blocking-big-key-delete'), ['config.lazyfree-off']],
  [['baselines/pubsub-subscribers-dropped'], ['config.obuf-pubsub-too-small']],
  [both('baselines/keyspace-events-overhead'), ['config.notify-heavy']],
  [both('baselines/writable-replica-divergence'), ['config.replica-writable']],
  [both('baselines/replica-missing-masterauth'), ['config.replica-auth-missing']],
];

const setConfig = (values: Record<string, string>) => (b: BaselineInput) => Object.assign(config(b), values);
const setInfo = (section: string, values: Record<string, unknown>) => (b: BaselineInput) => Object.assign(info(b)[section], values);
const tls = { 'tls-port': '6380', 'tls-cert-file': 'redis.crt', 'tls-key-file': 'redis.key' };

/** [rule, capture, why no capture shows it, the change, what the finding must say] */
const CHANGED: Array<[string, string, string, (b: BaselineInput) => void, RegExp]> = [
  [
    'config.aof-everysec-disk-lagging',
    'config-audit/config-misconfig-alt',
    'needs a disk slower than 2 s per fsync',
    (b) => {
      setConfig({ appendfsync: 'everysec' })(b);
      setInfo('persistence', { aof_delayed_fsync: 12, aof_pending_bio_fsync: 1 })(b);
    },
    /12 delayed fsyncs/,
  ],
  [
    'config.dir-volatile',
    'config-audit/config-misconfig-rdb',
    'dir is a protected config; the harness keeps files in its own directory',
    setConfig({ dir: '/dev/shm/redis' }),
    /tmpfs/,
  ],
  [
    'config.dynamic-hz-off',
    'baselines/healthy',
    'needs over 1000 connected clients',
    (b) => (setConfig({ 'dynamic-hz': 'no' })(b), setInfo('clients', { connected_clients: 1500 })(b)),
    /1500 clients/,
  ],
  [
    'config.maxmemory-samples-high',
    'baselines/evictions-thrashing',
    'needs over 1000 evictions per second during the sample',
    (b) => (setConfig({ 'maxmemory-samples': '32' })(b), Object.assign(rates(b).perSecond, { evicted_keys: 4000 })),
    /4000 evictions\/s/,
  ],
  [
    'config.activedefrag-aggressive',
    'config-audit/config-misconfig-rdb',
    'active defrag needs the Redis-patched jemalloc; neither local build has it (CONFIG SET activedefrag yes is refused)',
    setConfig({ activedefrag: 'yes', 'active-defrag-cycle-max': '75', 'active-defrag-ignore-bytes': '1048576' }),
    /active-defrag-cycle-max 75/,
  ],
  [
    'config.eviction-tenacity-low',
    'baselines/evictions-thrashing',
    'needs memory held over maxmemory for over a second under heavy writes',
    (b) => (setConfig({ 'maxmemory-eviction-tenacity': '2' })(b), setInfo('stats', { current_eviction_exceeded_time: 4000 })(b)),
    /4000 ms/,
  ],
  [
    'config.maxmemory-clients-off',
    'baselines/slow-pubsub-subscriber',
    'needs client buffers over 10% of maxmemory',
    (b) => (setConfig({ maxmemory: String(64 * 1048576) })(b), setInfo('memory', { mem_clients_normal: 20 * 1048576 })(b)),
    /maxmemory-clients/,
  ],
  [
    'config.maxmemory-clients-too-low',
    'baselines/healthy',
    'needs clients evicted during the sample',
    (b) => (setConfig({ 'maxmemory-clients': '1%' })(b), Object.assign(rates(b).perSecond, { evicted_clients: 3 })),
    /3\/s/,
  ],
  [
    'config.obuf-normal-unlimited-big-replies',
    'baselines/healthy',
    'needs a client holding over 64 MB of replies',
    setInfo('clients', { client_recent_max_output_buffer: 128 * 1048576 }),
    /128 MB/,
  ],
  [
    'config.oom-score-adj-off',
    'baselines/healthy',
    'needs the server to hold over half the host RAM',
    (b) => setInfo('memory', { used_memory_rss: Number(info(b).memory.total_system_memory) * 0.6 })(b),
    /oom-score-adj relative/,
  ],
  [
    'config.repl-backlog-ttl',
    'baselines/healthy',
    'needs a backlog over 64 MB left behind by replicas',
    (b) => (setConfig({ 'repl-backlog-ttl': '0' })(b), setInfo('memory', { mem_replication_backlog: 256 * 1048576 })(b)),
    /256 MB/,
  ],
  [
    'config.dual-channel-off-primary-buffers',
    'config-audit/config-misconfig-primary.valkey',
    'needs replication buffers near the replica limit during a full sync',
    setInfo('memory', { mem_total_replication_buffers: 900 * 1024 }),
    /dual-channel-replication-enabled yes/,
  ],
  [
    'config.protected-mode-off',
    'baselines/healthy',
    'needs a password, which the harness does not register with the agent',
    (b) => {
      setConfig({ 'protected-mode': 'no' })(b);
      Object.assign(data<{ users: Array<{ nopass: boolean }>; requirepassSet: boolean }>(b, 'redis_security'), { requirepassSet: true, users: [] });
    },
    /protected-mode yes/,
  ],
  [
    'config.requirepass-ignored-with-aclfile',
    'baselines/healthy',
    'needs an ACL file at start',
    setConfig({ aclfile: '/etc/redis/users.acl', requirepass: '(set)' }),
    /ignored/,
  ],
  [
    'config.dir-dbfilename-suspicious',
    'baselines/healthy',
    'would make the test server write into system paths',
    setConfig({ dir: '/root/.ssh', dbfilename: 'authorized_keys' }),
    /compromise/,
  ],
  [
    'config.daemonize-logs-to-devnull',
    'baselines/healthy',
    'the harness runs servers in the foreground with a log file',
    setConfig({ daemonize: 'yes', logfile: '' }),
    /\/dev\/null/,
  ],
  [
    'config.tcp-keepalive-probes',
    'baselines/healthy.valkey',
    'tcp-keepalive-probes is not in Valkey 9.1.2',
    setConfig({ 'tcp-keepalive-probes': '20' }),
    /6000 s/,
  ],
  [
    'config.events-per-io-thread-zero',
    'config-audit/config-misconfig-valkey.valkey',
    'events-per-io-thread exists in Valkey 8.0 only',
    setConfig({ 'events-per-io-thread': '0' }),
    /offloaded/,
  ],
  ['config.rdma-experimental', 'baselines/healthy.valkey', 'needs a Valkey build with RDMA', setConfig({ 'rdma-port': '6380' }), /experimental/],
  ['config.tls-with-plaintext-port', 'baselines/healthy', 'TLS needs certificate files at start', setConfig({ ...tls, bind: '0.0.0.0' }), /CONFIG SET port 0/],
  [
    'config.tls-weak-protocols',
    'baselines/healthy',
    'TLS needs certificate files at start',
    setConfig({ ...tls, 'tls-protocols': 'TLSv1 TLSv1.2' }),
    /TLSv1\.2 TLSv1\.3/,
  ],
  ['config.tls-weak-ciphers', 'baselines/healthy', 'TLS needs certificate files at start', setConfig({ ...tls, 'tls-ciphers': 'DEFAULT:RC4' }), /weak cipher/],
  [
    'config.tls-no-client-auth-no-password',
    'baselines/healthy',
    'TLS needs certificate files at start',
    setConfig({ ...tls, 'tls-auth-clients': 'optional' }),
    /tls-auth-clients yes/,
  ],
  [
    'config.tls-replication-plaintext',
    'config-audit/config-misconfig-primary',
    'TLS needs certificate files at start',
    setConfig({ ...tls, 'tls-replication': 'no' }),
    /tls-replication yes/,
  ],
  [
    'config.tls-cluster-plaintext',
    'config-audit/config-misconfig-cluster',
    'TLS needs certificate files at start',
    setConfig({ ...tls, 'tls-cluster': 'no' }),
    /tls-cluster yes/,
  ],
  ['config.tls-prefer-server-ciphers-off', 'baselines/healthy', 'TLS needs certificate files at start', setConfig(tls), /tls-prefer-server-ciphers yes/],
  [
    'config.tls-session-caching-off',
    'baselines/healthy',
    'TLS needs certificate files at start',
    setConfig({ ...tls, 'tls-session-caching': 'no' }),
    /full handshake/,
  ],
  [
    'config.tls-dh-params-legacy',
    'baselines/healthy',
    'TLS needs certificate files at start',
    setConfig({ ...tls, 'tls-dh-params-file': 'dh.pem' }),
    /OpenSSL 3/,
  ],
  [
    'config.tls-cert-expiry',
    'baselines/healthy.valkey',
    'TLS needs certificate files at start',
    (b) => (setConfig(tls)(b), Object.assign(info(b).tls, { tls_server_cert_expires_in_seconds: 3 * 86400 })),
    /expires in 3 days/,
  ],
  ['config.io-threads-with-tls-redis70', 'config-audit/config-misconfig-redis', 'TLS needs certificate files at start', setConfig(tls), /TLS server/],
  [
    'config.repl-timeout-short',
    'config-audit/config-misconfig-aof',
    'needs a dataset over 1 GB',
    (b) => (setConfig({ 'repl-timeout': '15' })(b), setInfo('memory', { used_memory: 4 * 1073741824 })(b)),
    /4\.0 GB/,
  ],
  [
    'config.replica-lazy-flush-off',
    'config-audit/config-misconfig-replica',
    'needs a dataset over 1 GB',
    setInfo('memory', { used_memory: 2 * 1073741824 }),
    /2\.0 GB replica/,
  ],
  [
    'config.propagation-error-ignore',
    'config-audit/config-misconfig-replica',
    'needs commands that failed while applying the replication stream',
    setInfo('stats', { unexpected_error_replies: 7 }),
    /7 replicated commands failed/,
  ],
  [
    'config.cluster-replica-no-failover',
    'config-audit/config-misconfig-cluster',
    'needs a cluster replica; the harness starts single cluster-mode nodes',
    (b) => (setConfig({ 'cluster-replica-no-failover': 'yes' })(b), setInfo('replication', { role: 'slave' })(b)),
    /never takes over/,
  ],
  [
    'config.cluster-link-sendbuf-unbounded',
    'config-audit/config-misconfig-cluster',
    'needs peers with megabytes of pending bus messages',
    setInfo('memory', { mem_cluster_links: 64 * 1048576 }),
    /64\.0 MB/,
  ],
];

describe('configuration audit table', () => {
  it('has unique config.* ids, a source, a rationale and a fix command for every rule', () => {
    expect(new Set(CONFIG_RULES.map((r) => r.id)).size).toBe(CONFIG_RULES.length);
    for (const r of CONFIG_RULES) {
      expect(r.id).toMatch(/^config\.[a-z0-9-]+$/);
      expect(r.source.trim()).not.toBe('');
      expect(r.rationale.trim()).not.toBe('');
      expect(r.directives.length).toBeGreaterThan(0);
      expect(r.fix.recommendation.trim()).not.toBe('');
      expect(r.fix.commands.length).toBeGreaterThan(0);
    }
  });

  it('is registered in the engine once', () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    for (const r of CONFIG_RULES) expect(ids.filter((id) => id === r.id)).toHaveLength(1);
  });

  it('has a test for every rule', () => {
    const tested = new Set([...ON_CAPTURE.flatMap(([, ids]) => ids), ...CHANGED.map(([id]) => id)]);
    expect(CONFIG_RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});

describe('configuration audit, one test per rule', () => {
  const cases = ON_CAPTURE.flatMap(([captures, ids]) => captures.flatMap((capture) => ids.map((id) => [id, capture] as const)));

  it.each(cases)('%s fires on the %s capture', (id, capture) => {
    expect(exists(capture)).toBe(true);
    const finding = fired(id, baseline(capture));
    // The answer names the directive, shows values, and gives commands.
    expect(text(finding)).toMatch(
      new RegExp(
        rule(id)
          .directives.map((d) => d.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&'))
          .join('|'),
      ),
    );
    expect(finding.evidence.length).toBeGreaterThan(0);
    expect(finding.commands.length).toBeGreaterThan(0);
  });

  it.each(CHANGED)('%s fires on %s with the value changed (%s)', (id, capture, _why, change, pattern) => {
    const b = baseline(capture);
    expect(run(id, b).status).not.toBe('fail');
    change(b);
    const finding = fired(id, b);
    expect(text(finding)).toMatch(pattern);
  });

  it.each(['baselines/healthy', 'baselines/healthy.valkey'])('stays quiet on %s: no config finding above info', (capture) => {
    const { digest } = runChecks(baseline(capture));
    expect(digest.findings.filter((f) => f.checkId.startsWith('config.') && f.severity !== 'info')).toEqual([]);
    expect(digest.findings.filter((f) => f.severity !== 'info').map((f) => f.checkId)).toEqual(['security.authentication']);
  });

  it.each(['baselines/healthy', 'baselines/healthy.valkey'])(
    'keeps the healthy report on %s free of out-of-memory words (scenario 00 forbids them)',
    (capture) => {
      const report = renderTriageReport(runChecks(baseline(capture)).digest, 'target');
      expect(JSON.stringify(report)).not.toMatch(/\bOOM\b|out of memory/i);
    },
  );

  it('runs without errors on every captured fixture', () => {
    const captures = ['baselines', 'config-audit'].flatMap((dir) =>
      fs
        .readdirSync(path.join(FIXTURES, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${dir}/${f.replace(/\.json$/, '')}`),
    );
    for (const capture of captures) {
      const { digest } = runChecks(baseline(capture));
      expect({ capture, errors: digest.skipped.filter((s) => s.checkId.startsWith('config.') && /check error/.test(s.reason)) }).toEqual({
        capture,
        errors: [],
      });
    }
  });

  it.each(['baselines/healthy', 'baselines/healthy.valkey'])('skips rules for the other server and absent directives on %s', (capture) => {
    const { digest } = runChecks(baseline(capture));
    const skipped = new Map(digest.skipped.map((s) => [s.checkId, s.reason]));
    const valkey = capture.endsWith('.valkey');
    if (valkey) expect(skipped.get('config.io-threads-too-many-redis')).toMatch(/Redis only/);
    else {
      expect(skipped.get('config.import-mode-left-on')).toMatch(/Valkey only/);
      expect(skipped.get('config.set-listpack-high')).toMatch(/7\.2\+/);
    }
    expect([...skipped.values()].filter((r) => /check error/.test(r))).toEqual([]);
  });
});

describe('configuration audit helpers', () => {
  it('computes the snapshot interval from the save points and the write rate', () => {
    const points = savePoints('3600 1 300 100 60 10000');
    expect(snapshotInterval(points, 1000)).toEqual({ seconds: 60, point: { seconds: 60, changes: 10000 } });
    expect(snapshotInterval(points, 1)?.seconds).toBe(300);
    expect(snapshotInterval(savePoints(''), 1000)).toBeUndefined();
  });

  it('reads client-output-buffer-limit classes (replica printed as slave)', () => {
    expect(outputBufferLimits('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60')).toEqual({
      normal: { hard: 0, soft: 0, seconds: 0 },
      replica: { hard: 268435456, soft: 67108864, seconds: 60 },
      pubsub: { hard: 33554432, soft: 8388608, seconds: 60 },
    });
  });

  it('persists runtime fixes with CONFIG REWRITE, or says which lines to add when there is no config file', () => {
    const b = new Baseline(baseline('baselines/healthy'));
    expect(persisted(b, ['CONFIG SET hz 10', 'CONFIG SET x ""  # or, alternatively, off'])).toEqual([
      'CONFIG SET hz 10',
      'CONFIG SET x ""  # or, alternatively, off',
      'CONFIG REWRITE  # needs a config file; this server has none, so also put in redis.conf: hz 10',
    ]);
    const withFile = baseline('baselines/healthy');
    info(withFile).server.config_file = '/etc/redis/redis.conf';
    expect(persisted(new Baseline(withFile), ['CONFIG SET hz 10'])).toEqual(['CONFIG SET hz 10', 'CONFIG REWRITE']);
    expect(persisted(b, ['# in {conf}, then restart: rdbchecksum yes'])).toEqual(['# in redis.conf, then restart: rdbchecksum yes']);
  });
});
