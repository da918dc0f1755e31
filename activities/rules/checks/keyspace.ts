import type { BigKeysReport } from '../../tools/redis/memory';
import type { StreamReport } from '../../tools/redis/streams';
import { ev, fail, finding, pass, skip, type Check } from '../check';
import { counterRate, perSecond, rateSource, rateText } from '../counter-rate';

export const expiryPressure: Check = {
  id: 'keyspace.expiry-pressure',
  name: 'expiry cycle',
  // Mass expiry shows up as CPU and latency, so it answers performance questions.
  category: 'performance',
  run(b) {
    const stale = b.num('expired_stale_perc');
    const capped = counterRate(b, 'expired_time_cap_reached_count');
    if (stale === undefined && !capped) return skip('expiry counters not available');
    const expired = counterRate(b, 'expired_keys');
    const cpu = counterRate(b, 'expire_cycle_cpu_milliseconds');
    // expire.c: ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE 10 (%), ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC 25 (% of CPU).
    const cpuShare = cpu?.basis === 'now' ? cpu.perSecond / 1000 : undefined;
    const cappedNow = capped?.basis === 'now' && capped.perSecond > 0;
    const busyNow = cappedNow || (cpuShare ?? 0) > 0.25;
    if ((stale ?? 0) <= 10 && !busyNow && (capped?.total ?? 0) === 0) return pass();
    // Past pressure (no rate, or quiet now) counts while its average is still high: a recent burst.
    const uptime = b.num('uptime_in_seconds') ?? 0;
    const recent = uptime > 0 && (capped?.total ?? 0) / uptime >= 0.01;
    const severity = busyNow || (stale ?? 0) > 10 || capped?.basis !== 'now' || recent ? 'warning' : 'info';
    return fail(
      finding(this, {
        title: busyNow
          ? `Active expiry cannot keep up right now: ${expired ? `${perSecond(expired.perSecond)} keys expiring per second, ` : ''}${cpuShare !== undefined ? `${(cpuShare * 100).toFixed(0)}% CPU in the expiry cycle, ` : ''}${stale ?? 0}% of keys expired but not yet deleted`
          : `Expiry cycle under pressure (${stale ?? 0}% stale keys, time cap reached ${capped?.total ?? 0} times)`,
        severity,
        detail: `Many keys expire at the same moment, so the active expiry cycle hits its time limit (25% of CPU in the slow cycle) and expired-but-not-yet-deleted keys accumulate${(stale ?? 0) > 10 ? ` (${stale}% now, above the 10% the cycle aims for): memory holds dead keys` : ''}; this costs CPU and latency in bursts.${capped ? ` Time cap reached: ${rateText(capped)}.` : ''}${capped?.basis === 'now' && !busyNow ? ' Nothing is capped in the last seconds: the burst is over.' : ''}`,
        evidence: [
          ev('redis_info', 'expired_stale_perc', stale ?? 0),
          ev('redis_info', 'expired_time_cap_reached_count', capped?.total ?? 0),
          ...(capped ? [ev(rateSource(capped), 'expired_time_cap_reached_count per second', perSecond(capped.perSecond))] : []),
          ev('redis_info', 'expired_keys', expired?.total ?? 0),
          ...(expired?.basis === 'now' ? [ev('redis_info_rates', 'expired_keys per second', perSecond(expired.perSecond))] : []),
          ...(cpuShare !== undefined ? [ev('redis_info_rates', 'expire cycle CPU %', (cpuShare * 100).toFixed(0))] : []),
        ],
        recommendation:
          'Add random jitter to TTLs so keys do not expire together; consider lazyfree-lazy-expire yes for big keys; a higher hz (up to 100) spreads the expiry work in smaller steps.',
        commands: ['INFO stats', 'CONFIG SET lazyfree-lazy-expire yes', 'LATENCY HISTORY expire-cycle', 'CONFIG SET hz 50'],
        runbook: 'expiry-storms',
      }),
    );
  },
};

export const bigKeys: Check = {
  id: 'keyspace.big-keys',
  name: 'big keys',
  category: 'keyspace',
  run(b) {
    const report = b.data<BigKeysReport>('redis_big_keys');
    if (!report) return skip(`big-key scan not available${b.error('redis_big_keys') ? `: ${b.error('redis_big_keys')}` : ''}`);
    if (report.overThreshold.length === 0) return pass();
    const top = report.overThreshold.slice(0, 5);
    return fail(
      finding(this, {
        title: `${report.overThreshold.length} big key(s), largest ${top[0].key} (${top[0].type}, ${top[0].size} ${top[0].unit})`,
        severity: 'warning',
        detail: `Big keys make single commands slow (HGETALL, LRANGE, DEL), skew memory and cluster slots, and block the server when deleted. Found: ${top.map((k) => `${k.key} (${k.type}, ${k.size} ${k.unit})`).join(', ')}${report.complete ? '' : ` (scanned ${report.scanned} of ${report.totalKeys} keys within the time budget)`}.`,
        evidence: top.map((k) => ev('redis_big_keys', k.key, `${k.type}, ${k.size} ${k.unit}`)),
        recommendation:
          'Split big keys (shard a hash by id range), read them incrementally (HSCAN/SSCAN/ZSCAN), delete them with UNLINK, and enable lazyfree-lazy-user-del.',
        commands: ['redis-cli --bigkeys', `MEMORY USAGE ${top[0].key}`, 'CONFIG SET lazyfree-lazy-user-del yes'],
        runbook: 'big-keys',
      }),
    );
  },
};

export const hotKeys: Check = {
  id: 'keyspace.hot-keys',
  name: 'hot keys',
  category: 'keyspace',
  run(b) {
    const report = b.data<{ lfu: boolean; hot: Array<{ key: string; freq: number }>; topToMedianRatio?: number }>('redis_hot_keys');
    if (!report) return skip('hot-key sampling not available');
    if (!report.lfu) return skip('needs an LFU maxmemory-policy');
    if (!report.topToMedianRatio || report.topToMedianRatio < 10 || (report.hot[0]?.freq ?? 0) < 100) return pass();
    return fail(
      finding(this, {
        title: `Hot key: ${report.hot[0].key} is accessed far more than the rest`,
        severity: 'warning',
        detail: `LFU frequency ${report.hot[0].freq} vs a median of the top keys ${Math.round(report.hot[0].freq / report.topToMedianRatio)}; one key concentrates load on one thread (and one shard in a cluster).`,
        evidence: report.hot.slice(0, 5).map((h) => ev('redis_hot_keys', h.key, `freq ${h.freq}`)),
        recommendation: 'Cache the value client-side (client tracking), read from replicas, or split the key.',
        commands: ['redis-cli --hotkeys', `OBJECT FREQ ${report.hot[0].key}`],
        runbook: 'hot-keys',
      }),
    );
  },
};

export const multipleDatabases: Check = {
  id: 'keyspace.multiple-dbs',
  name: 'database usage',
  category: 'keyspace',
  run(b) {
    const keyspace = b.data<{ databases: Array<{ db: string; keys: number }> }>('redis_keyspace');
    if (!keyspace) return skip('keyspace not available');
    const used = keyspace.databases.filter((d) => d.keys > 0);
    if (used.length <= 1) return pass();
    return fail(
      finding(this, {
        title: `${used.length} logical databases in use (${used.map((d) => d.db).join(', ')})`,
        severity: 'info',
        detail: 'Numbered databases share one thread, one memory limit and one eviction pool, and do not exist in Redis Cluster; they hide noisy neighbours.',
        evidence: used.map((d) => ev('redis_keyspace', d.db, `${d.keys} keys`)),
        recommendation: 'Use separate instances (or key prefixes) per application.',
        commands: ['INFO keyspace'],
        runbook: 'capacity-planning',
      }),
    );
  },
};

export const streamConsumerLag: Check = {
  id: 'keyspace.stream-lag',
  name: 'stream consumer groups',
  category: 'performance',
  run(b) {
    const report = b.data<StreamReport>('redis_streams');
    if (!report) return skip('stream scan not available');
    const behind = report.streams.flatMap((s) =>
      s.groups
        .filter((g) => (g.lag ?? 0) >= 1000 || g.pending >= 1000 || (g.consumers === 0 && (g.lag ?? s.length) > 0))
        .map((g) => ({ stream: s.key, length: s.length, ...g })),
    );
    if (behind.length === 0) return pass();
    const worst = behind.sort((x, y) => (y.lag ?? 0) + y.pending - ((x.lag ?? 0) + x.pending))[0];
    return fail(
      finding(this, {
        title: `Consumer group ${worst.name} on stream ${worst.stream} is behind: ${worst.lag ?? 'unknown'} undelivered, ${worst.pending} pending`,
        severity: 'warning',
        detail: `${behind.length} consumer group(s) are falling behind their stream. On ${worst.stream} (${worst.length} entries) group ${worst.name} has ${worst.consumers} consumer(s), a lag of ${worst.lag ?? 'unknown'} entries not yet delivered and ${worst.pending} delivered but never acknowledged (XACK)${worst.consumers === 0 ? ': no consumer reads this group at all' : ''}. Work piles up and is processed late.`,
        evidence: behind
          .slice(0, 5)
          .map((g) => ev('redis_streams', `${g.stream} / ${g.name}`, `lag ${g.lag ?? '?'}, pending ${g.pending}, consumers ${g.consumers}`)),
        recommendation:
          'Add or restart consumers for the group; make consumers XACK what they processed; reclaim entries stuck with dead consumers (XAUTOCLAIM / XCLAIM after checking XPENDING); cap the stream with XADD … MAXLEN ~ or XTRIM so it cannot grow without bound.',
        commands: [
          `XINFO GROUPS ${worst.stream}`,
          `XINFO CONSUMERS ${worst.stream} ${worst.name}`,
          `XPENDING ${worst.stream} ${worst.name}`,
          `XAUTOCLAIM ${worst.stream} ${worst.name} <consumer> 60000 0`,
        ],
        runbook: 'streams-consumer-lag',
      }),
    );
  },
};

export const keyspaceChecks: Check[] = [expiryPressure, bigKeys, hotKeys, multipleDatabases, streamConsumerLag];
