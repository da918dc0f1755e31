import { ALL_CHECKS, runChecks } from '../../activities/rules/engine';
import { INFO_AUDIT, infoAuditChecks } from '../../activities/rules/audits/info-audit';
import { isAudited } from '../../activities/rules/audits/info-rule';
import { clientChecks } from '../../activities/rules/checks/clients';
import { FROM_CAPTURES, FROM_HEALTHY } from './audit-cases';
import type { BaselineInput } from '../../activities/rules/baseline';
import type { ClientSummary } from '../../activities/tools/redis/clients';
import type { RatesReport } from '../../activities/tools/redis/rates';
import { baseline, data, fired, info, run, text } from './captures';

/**
 * The INFO audit table and the client audit: every entry cites a source, every evaluated entry
 * fires on the capture of the scenario that shows it (or on the healthy capture with its signal
 * changed) and stays quiet on the healthy captures of both servers.
 */

const NEW_CHECKS = [...infoAuditChecks, ...clientChecks].map((c) => c.id);
/** Test servers start without a config file: true, and only informational. */
const INFO_ON_TEST_SERVERS = new Set(['info.no-config-file']);

describe('INFO audit table', () => {
  it.each(INFO_AUDIT.map((e) => [isAudited(e) ? e.id : `${e.section}: ${e.fields.join(', ')}`, e] as const))(
    '%s cites its source and bad range',
    (_name, entry) => {
      expect(entry.source.length).toBeGreaterThan(10);
      expect(entry.bad.length).toBeGreaterThan(0);
      expect(entry.fields.length).toBeGreaterThan(0);
      expect(entry.versions.length).toBeGreaterThan(0);
    },
  );

  it('names an existing check (or the CONFIG audit) for every field it does not judge itself', () => {
    const ids = new Set(ALL_CHECKS.map((c) => c.id));
    const unknown = INFO_AUDIT.flatMap((e) => ('judgedBy' in e ? e.judgedBy.split(', ') : [])).filter((id) => !id.startsWith('CONFIG audit') && !ids.has(id));
    expect(unknown).toEqual([]);
  });

  it('says what it would need for every known-bad range it cannot judge offline', () => {
    const unjudged = INFO_AUDIT.flatMap((e) => ('notJudged' in e ? [e.notJudged] : []));
    expect(unjudged.length).toBeGreaterThan(0);
    for (const reason of unjudged) expect(reason.length).toBeGreaterThan(20);
  });

  it('gives every evaluated entry its own id', () => {
    const ids = infoAuditChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ALL_CHECKS.filter((c) => ids.includes(c.id))).toHaveLength(ids.length);
  });

  it('has a test case for every new check', () => {
    const covered = new Set([...FROM_CAPTURES.map(([id]) => id), ...FROM_HEALTHY.map(([id]) => id)]);
    expect(NEW_CHECKS.filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe('each new check over real captures', () => {
  it.each(FROM_CAPTURES.flatMap(([id, captures, patterns]) => captures.map((c) => [id, c, patterns] as const)))(
    '%s fires on the %s capture',
    (id, capture, patterns) => {
      const finding = fired(id, baseline(capture));
      for (const p of patterns) expect(text(finding)).toMatch(p);
      expect(finding.evidence.length).toBeGreaterThan(0);
    },
  );

  it.each(FROM_HEALTHY)('%s fires when its signal appears on %s', (id, capture, mutate, patterns) => {
    const b = baseline(capture);
    expect(run(id, b).status).not.toBe('fail');
    mutate(b);
    const finding = fired(id, b);
    for (const p of patterns) expect(text(finding)).toMatch(p);
  });

  it.each(['healthy', 'healthy.valkey'])('stays quiet on the %s capture', (capture) => {
    const b = baseline(capture);
    const noisy = NEW_CHECKS.filter((id) => !INFO_ON_TEST_SERVERS.has(id) && run(id, b).status === 'fail');
    expect(noisy).toEqual([]);
    const { digest } = runChecks(b);
    expect(digest.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(digest.findings.filter((f) => f.severity === 'warning').map((f) => f.checkId)).toEqual(['security.authentication']);
  });
});

describe('counters judged by rate, with the old judgement as fallback', () => {
  const setRate = (b: BaselineInput, field: string, perSecond: number) =>
    Object.assign(data<RatesReport>(b, 'redis_info_rates').perSecond, { [field]: perSecond });
  const withoutRates = (capture: string) => {
    const b = baseline(capture);
    delete b.redis_info_rates;
    return b;
  };

  it('full resyncs: happening now with the rate sample, a total without it', () => {
    expect(fired('replication.full-resyncs', baseline('replica-full-sync-loop'))).toMatchObject({
      severity: 'critical',
      title: expect.stringMatching(/right now/),
    });
    const past = fired('replication.full-resyncs', withoutRates('replica-full-sync-loop'));
    expect(past.title).toMatch(/^\d+ full resyncs/);
    expect(past.severity).toBe('warning');
  });

  it('evictions: evicting now is a rate; past evictions say they are past', () => {
    const b = baseline('evictions-thrashing');
    expect(fired('memory.evictions', b).title).toMatch(/none in the last few seconds/);
    setRate(b, 'evicted_keys', 800);
    expect(fired('memory.evictions', b)).toMatchObject({ severity: 'warning', title: expect.stringMatching(/Evicting 800 keys per second right now/) });
    expect(fired('memory.evictions', withoutRates('evictions-thrashing')).title).toMatch(/keys evicted to stay under maxmemory/);
  });

  it('rejected connections: now, past at the edge of maxclients, and without a sample', () => {
    const b = baseline('maxclients-leak');
    expect(fired('connections.rejected', b)).toMatchObject({ severity: 'critical', title: expect.stringMatching(/none in the last few seconds/) });
    setRate(b, 'rejected_connections', 5);
    expect(fired('connections.rejected', b).title).toMatch(/rejected right now: 5\.0\/s/);
    expect(fired('connections.rejected', withoutRates('maxclients-leak')).severity).toBe('critical');
  });

  it('connection churn: a storm now from the rate, the average since start without it', () => {
    const b = baseline('healthy');
    expect(run('connections.churn', b).status).toBe('pass');
    setRate(b, 'total_connections_received', 400);
    expect(fired('connections.churn', b).title).toMatch(/Connection storm: 400 new connections per second right now/);
    expect(fired('connections.churn', withoutRates('connection-churn')).title).toMatch(/new connections per second on average/);
  });

  it('error replies: per second now, totals since start without the sample', () => {
    expect(fired('performance.error-replies', baseline('error-replies-after-deploy')).severity).toBe('warning');
    expect(fired('performance.error-replies', withoutRates('error-replies-after-deploy'))).toMatchObject({
      severity: 'info',
      title: expect.stringMatching(/since start/),
    });
  });

  it('authentication failures: per second now, totals since start without the sample', () => {
    expect(fired('security.auth-failures', withoutRates('auth-failures-after-rotation.valkey'))).toMatchObject({
      severity: 'info',
      title: expect.stringMatching(/failed authentications since start/),
    });
  });

  it('expiry pressure keeps its since-start judgement without the sample', () => {
    expect(fired('keyspace.expiry-pressure', withoutRates('mass-expiry')).severity).toBe('warning');
  });

  it('a slow command in the window is judged per call over the window', () => {
    const b = baseline('healthy');
    data<RatesReport>(b, 'redis_info_rates').commands.push({
      command: 'zunionstore',
      callsPerSec: 5,
      usecPerCall: 4000,
      usecPerSec: 20000,
    });
    expect(fired('performance.command-cost', b).title).toMatch(/ZUNIONSTORE takes 4\.0 ms per call right now \(5 calls\/s\)/);
  });

  it.each(['persistence.fork-storm', 'performance.main-thread', 'replication.backlog-coverage', 'security.acl-denials'])(
    '%s needs the rate sample and says so',
    (id) => {
      const capture = {
        'persistence.fork-storm': 'snapshot-fork-storm',
        'performance.main-thread': 'hot-command-cpu',
        'replication.backlog-coverage': 'replica-full-sync-loop',
        'security.acl-denials': 'healthy.valkey',
      }[id]!;
      expect(run(id, withoutRates(capture))).toMatchObject({ status: id === 'security.acl-denials' ? 'pass' : 'skip' });
    },
  );

  it('degrades to skip when a field is absent on this server', () => {
    expect(run('info.release-stage', baseline('healthy'))).toMatchObject({ status: 'skip', reason: expect.stringMatching(/Valkey 8\.1/) });
    expect(run('connections.query-buffer-disconnects', baseline('healthy'))).toMatchObject({ status: 'skip', reason: expect.stringMatching(/7\.4/) });
    const b = baseline('fragmentation-after-delete');
    Object.assign(info(b).memory, { mem_allocator: 'libc' });
    expect(run('memory.allocator-fragmentation', b)).toMatchObject({ status: 'skip', reason: expect.stringMatching(/libc/) });
    expect(run('memory.allocator-rss', b)).toMatchObject({ status: 'skip', reason: expect.stringMatching(/libc/) });
  });
});

describe('client audit, beside the checks it refines', () => {
  it('leaves query-buffer and MULTI memory to the client checks instead of blaming output buffers', () => {
    for (const capture of ['huge-request-query-buffer', 'transaction-left-open', 'huge-request-query-buffer.valkey', 'transaction-left-open.valkey']) {
      expect(run('connections.output-buffers', baseline(capture)).status).toBe('pass');
      expect(run('memory.swapping', baseline(capture)).status).not.toBe('fail');
    }
    expect(fired('connections.output-buffers', baseline('slow-pubsub-subscriber')).title).toMatch(/subscriber/);
  });

  it('does not take clients held by CLIENT PAUSE for consumers waiting on data', () => {
    expect(run('connections.blocked', baseline('client-pause-left-active')).status).toBe('pass');
    expect(run('connections.blocked', baseline('client-pause-left-active.valkey')).status).toBe('pass');
    expect(fired('connections.blocked', baseline('blocked-consumers')).title).toMatch(/BLPOP/);
  });

  it('tells clients waiting in WAIT for replicas from consumers waiting for data', () => {
    const b = baseline('blocked-consumers');
    const list = data<ClientSummary>(b, 'redis_client_list');
    list.blocked = list.blocked.map((c) => ({ ...c, cmd: 'wait' }));
    expect(fired('connections.blocked', b).title).toMatch(/blocked in WAIT for replica acknowledgements \(0 replica\(s\) connected\)/);
  });

  it('reads a fallback from INFO when the query buffer is gone from CLIENT LIST', () => {
    const b = baseline('healthy');
    Object.assign(info(b).clients, { client_recent_max_input_buffer: 64 * 1048576 });
    expect(fired('clients.query-buffer', b).title).toMatch(/recently needed a 64\.0 MB query buffer/);
  });
});
