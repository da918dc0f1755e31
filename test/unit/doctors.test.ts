import { Baseline } from '../../activities/rules/baseline';
import { runChecks } from '../../activities/rules/engine';
import { adviceFor, forkGrade, forkRate } from '../../activities/rules/audits/latency-doctor';
import type { LatencyReport } from '../../activities/tools/redis/performance';
import { baseline, config, data, fired, fixtureNames, info, run, text } from './captures';

/**
 * MEMORY DOCTOR and LATENCY DOCTOR parity: our checks raise what the server's own doctors say on
 * the same captures (object.c getMemoryDoctorReport, latency.c createLatencyReport).
 */

/** Each MEMORY DOCTOR report line, and the checks that stand for it. */
const MEMORY_DOCTOR: Record<string, string[]> = {
  'Peak memory': ['memory.past-peak'],
  'High total RSS': ['memory.fragmentation'],
  'High allocator fragmentation': ['memory.allocator-fragmentation'],
  'High allocator RSS overhead': ['memory.allocator-rss'],
  'High process RSS overhead': ['memory.process-rss'],
  'Big client buffers': ['connections.output-buffers', 'clients.query-buffer', 'clients.transaction'],
  'Big replica buffers': ['connections.replica-buffers'],
  'Many scripts': ['memory.script-cache'],
};

/**
 * Captures where the doctor and INFO were read at different moments of a changing state, or where
 * we judge on purpose without the doctor's guard.
 */
const NOT_COMPARABLE: Record<string, string> = {
  'mass-expiry': 'keys expire while the tools sample: MEMORY DOCTOR and INFO see different memory',
  'slow-pubsub-subscriber': 'CLIENT LIST omem is live; the INFO client memory the doctor reads lags (clientsCron)',
  'lua-script-cache-explosion': 'the doctor checks nothing under 5 MB ("empty"); cached scripts are reported regardless',
  'lua-script-cache-explosion.valkey': 'same as on Redis',
};

describe('MEMORY DOCTOR parity', () => {
  const captures = fixtureNames().filter((name) => !NOT_COMPARABLE[name]);
  it.each(captures)('agrees with the doctor on the %s capture', (name) => {
    const b = baseline(name);
    if (!b.redis_memory?.ok) return;
    const doctor = data<{ doctor: string }>(b, 'redis_memory').doctor;
    const ids = new Set(runChecks(b).digest.findings.map((f) => f.checkId));
    const disagreements = Object.entries(MEMORY_DOCTOR)
      .filter(([line, checks]) => doctor.includes(line) !== checks.some((c) => ids.has(c)))
      .map(([line]) => `${line}: doctor ${doctor.includes(line)}`);
    expect(disagreements).toEqual([]);
  });

  it('splits total RSS overhead into allocator fragmentation, allocator RSS and process RSS', () => {
    const b = baseline('healthy');
    Object.assign(info(b).memory, {
      used_memory: 200 * 1048576,
      allocator_frag_ratio: 1.3,
      allocator_frag_bytes: 40 * 1048576,
      allocator_rss_ratio: 1.2,
      allocator_rss_bytes: 30 * 1048576,
      rss_overhead_ratio: 1.15,
      rss_overhead_bytes: 20 * 1048576,
    });
    expect(fired('memory.allocator-fragmentation', b).title).toMatch(/40\.0 MB of free space inside allocated pages/);
    expect(fired('memory.allocator-rss', b).title).toMatch(/30\.0 MB of freed pages resident/);
    expect(fired('memory.process-rss', b).title).toMatch(/20\.0 MB of process memory outside the allocator/);
    // Under the doctor's 10 MB floor a ratio alone is not reported.
    Object.assign(info(b).memory, { allocator_frag_bytes: 9 * 1048576 });
    expect(run('memory.allocator-fragmentation', b).status).toBe('pass');
  });

  it('on libc malloc (Valkey here) gives restart advice, not active defrag', () => {
    const b = baseline('fragmentation-after-delete.valkey');
    Object.assign(info(b).memory, { mem_allocator: 'libc' });
    const f = fired('memory.fragmentation', b);
    expect(text(f)).toMatch(/libc/);
    expect(f.commands).not.toContain('CONFIG SET activedefrag yes');
    expect(fired('memory.fragmentation', baseline('fragmentation-after-delete')).commands).toContain('CONFIG SET activedefrag yes');
  });

  it('treats an instance under 5 MB as empty, as the doctor does', () => {
    const b = baseline('healthy');
    Object.assign(info(b).memory, { used_memory: 4 * 1048576, used_memory_peak: 40 * 1048576 });
    expect(run('memory.past-peak', b).status).toBe('pass');
    Object.assign(info(b).memory, { used_memory: 8 * 1048576 });
    expect(fired('memory.past-peak', b).title).toMatch(/5\.0x/);
  });
});

describe('LATENCY DOCTOR parity', () => {
  const latency = (name: string) => data<LatencyReport>(baseline(name), 'redis_latency');

  it.each(['latency-monitor-event', 'latency-monitor-event.valkey'])('gives the advice the doctor gives on %s', (name) => {
    const b = baseline(name);
    const advice = adviceFor(
      new Baseline(b),
      latency(name).events.map((e) => e.event),
    );
    expect(advice.sort()).toEqual(['large_objects', 'slowlog_inspect']);
    expect(latency(name).doctor).toMatch(/Slow Log/);
    expect(latency(name).doctor).toMatch(/large objects/);
  });

  it('asks to lower the slow log threshold when it is above the latency monitor threshold', () => {
    const b = baseline('latency-monitor-event');
    config(b)['slowlog-log-slower-than'] = '200000';
    expect(adviceFor(new Baseline(b), ['command'])).toContain('slowlog_tuning');
    expect(fired('performance.latency-events', b).commands).toContain('CONFIG SET slowlog-log-slower-than 100000');
    config(b)['slowlog-log-slower-than'] = '-1';
    expect(adviceFor(new Baseline(b), ['command'])).toContain('slowlog_enabled');
  });

  it('gives each event its own advice, under the doctor conditions', () => {
    const b = baseline('healthy');
    expect(adviceFor(new Baseline(b), ['aof-fsync-always'])).toEqual([]);
    config(b).appendfsync = 'always';
    expect(adviceFor(new Baseline(b), ['aof-fsync-always'])).toEqual(['relax_fsync_policy']);
    expect(adviceFor(new Baseline(b), ['expire-cycle'])).toEqual(['hz', 'large_objects']);
    expect(adviceFor(new Baseline(b), ['eviction-cycle'])).toEqual(['mass_eviction']);
    expect(adviceFor(new Baseline(b), ['fast-command'])).toEqual(['scheduler']);
  });

  it('grades the fork rate like the doctor and advises a better host below 25 GB/s', () => {
    expect([forkGrade(5), forkGrade(20), forkGrade(50), forkGrade(200)]).toEqual(['terrible', 'poor', 'good', 'excellent']);
    const b = baseline('healthy');
    Object.assign(info(b).memory, { used_memory: 4 * 1073741824 });
    Object.assign(info(b).stats, { latest_fork_usec: 800_000 });
    expect(forkRate(new Baseline(b))).toBeCloseTo(5, 0);
    expect(adviceFor(new Baseline(b), ['fork'])).toContain('better_vm');
    expect(fired('performance.fork-cost', b).title).toMatch(/5\.0 GB\/s, terrible/);
  });

  it('reports transparent huge pages when the doctor sees them, even with no event', () => {
    const b = baseline('healthy');
    const report = data<LatencyReport>(b, 'redis_latency');
    Object.assign(report, { monitorThresholdMs: 100, doctor: 'I detected a non zero amount of anonymous huge pages used by your process.' });
    const outcome = run('performance.latency-events', b);
    expect(outcome.status).toBe('fail');
    expect(outcome.status === 'fail' && outcome.findings[0].commands).toContain('echo never > /sys/kernel/mm/transparent_hugepage/enabled');
  });
});
