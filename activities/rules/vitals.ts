import type { Vital } from '../../core/types';
import type { SlowlogSummary, LatencyReport } from '../tools/redis/performance';
import { bytes, percent, type Baseline } from './baseline';
import type { Symptom } from '../../core/symptoms';

/**
 * Vital signs: the values a person asking about a symptom wants stated first ("how much memory?",
 * "how many clients?"), each from a tool output of this task, with the tool named. The offline
 * chat answer opens with the ones for the question's symptoms; the model gets them all.
 */
type Source = 'redis_info' | 'redis_info_rates' | 'redis_slowlog' | 'redis_latency' | 'redis_keyspace' | 'redis_config_get';

export function vitals(b: Baseline): Vital[] {
  const out: Vital[] = [];
  const add = (symptoms: Symptom[], source: Source, text: string | undefined) => {
    if (text) out.push({ symptoms, source, text });
  };
  const num = (f: string) => b.num(f);
  const rates = b.rates();

  const used = num('used_memory');
  const max = num('maxmemory');
  const policy = b.config('maxmemory-policy') ?? b.str('maxmemory_policy');
  if (used !== undefined) {
    const limit = max ? `of maxmemory ${bytes(max)} (${percent(used / max)})` : 'with no maxmemory limit';
    add(
      ['memory', 'writes-failing', 'evictions'],
      'redis_info',
      `used memory ${bytes(used)} ${limit}${policy ? `, policy ${policy}` : ''}; RSS ${bytes(num('used_memory_rss'))}, fragmentation ratio ${num('mem_fragmentation_ratio') ?? 'unknown'}`,
    );
  }
  const growth = rates?.growthPerSecond.used_memory;
  if (growth !== undefined && Math.abs(growth) >= 1024)
    add(
      ['memory'],
      'redis_info_rates',
      `memory ${growth > 0 ? 'growing' : 'shrinking'} by ${bytes(Math.abs(growth))}/s over the last ${rates!.intervalSeconds} s`,
    );

  const evicted = num('evicted_keys');
  const evictedRate = b.rate('evicted_keys');
  const hits = num('keyspace_hits');
  const misses = num('keyspace_misses');
  if (evicted !== undefined)
    add(
      ['evictions', 'memory'],
      evictedRate !== undefined ? 'redis_info_rates' : 'redis_info',
      `${evicted} keys evicted since start${evictedRate !== undefined ? `, ${evictedRate}/s now` : ''}${hits !== undefined && misses !== undefined && hits + misses > 0 ? `; hit ratio ${percent(hits / (hits + misses))}` : ''}`,
    );

  const errors = Object.entries(b.section<Record<string, { count?: number }>>('errorstats') ?? {}).map(
    ([k, v]) => `${k.replace(/^errorstat_/, '')} ${v.count ?? 0}`,
  );
  if (errors.length) add(['writes-failing', 'errors'], 'redis_info', `error replies since start: ${errors.join(', ')}`);
  const errorRates = Object.entries(rates?.errorsPerSecond ?? {}).map(([k, v]) => `${k} ${v}/s`);
  if (errorRates.length) add(['writes-failing', 'errors'], 'redis_info_rates', `error replies right now: ${errorRates.join(', ')}`);

  const clients = num('connected_clients');
  if (clients !== undefined) {
    const maxClients = num('maxclients') ?? (b.config('maxclients') ? Number(b.config('maxclients')) : undefined);
    const connRate = b.rate('total_connections_received');
    add(
      ['connections'],
      'redis_info',
      // The limit is named only when it is near: far from it, it is noise that reads like a suspect.
      `${clients} clients connected${maxClients && clients >= maxClients / 2 ? ` of maxclients ${maxClients}` : ''} (the agent's own connection included), ${num('blocked_clients') ?? 0} blocked, ${num('rejected_connections') ?? 0} connections rejected since start${connRate !== undefined ? `; ${connRate} new connections/s now` : ''}`,
    );
  }

  const ops = b.rate('total_commands_processed') ?? num('instantaneous_ops_per_sec');
  if (ops !== undefined)
    add(
      ['throughput', 'slow', 'cpu'],
      rates ? 'redis_info_rates' : 'redis_info',
      `${ops} commands/s${rates ? ` over ${rates.intervalSeconds} s (the agent's own left out)` : ''}`,
    );
  const busiest = rates?.commands[0];
  if (busiest)
    add(
      ['cpu', 'slow', 'throughput'],
      'redis_info_rates',
      `busiest command: ${busiest.command} at ${busiest.callsPerSec} calls/s, ${busiest.usecPerCall} µs per call (${(busiest.usecPerSec / 10_000).toFixed(1)}% of one core)`,
    );
  const cpu = rates?.cpuPercent;
  if (cpu && (cpu.used_cpu_sys !== undefined || cpu.used_cpu_user !== undefined)) {
    const main = (cpu.used_cpu_sys_main_thread ?? 0) + (cpu.used_cpu_user_main_thread ?? 0);
    add(
      ['cpu', 'slow'],
      'redis_info_rates',
      `CPU ${((cpu.used_cpu_sys ?? 0) + (cpu.used_cpu_user ?? 0)).toFixed(1)}% of one core${cpu.used_cpu_sys_main_thread !== undefined ? ` (main thread ${main.toFixed(1)}%)` : ''}`,
    );
  }

  const slowlog = b.data<SlowlogSummary>('redis_slowlog');
  if (slowlog) {
    const top = slowlog.byCommand[0];
    add(
      ['slow'],
      'redis_slowlog',
      `slow log: ${slowlog.entries.length} entries read (threshold ${slowlog.thresholdUs ?? 'unknown'} µs)${top ? `, slowest ${top.command} at ${(top.maxUs / 1000).toFixed(1)} ms` : ''}`,
    );
  }
  const latency = b.data<LatencyReport>('redis_latency');
  if (latency)
    add(
      ['slow'],
      'redis_latency',
      latency.monitorThresholdMs === 0
        ? 'latency monitor off (latency-monitor-threshold 0)'
        : `latency events: ${latency.events.map((e) => `${e.event} max ${e.maxMs} ms`).join(', ') || 'none'}`,
    );

  const keyspace = b.data<{ totalKeys: number; databases: Array<{ expires: number }> }>('redis_keyspace');
  if (keyspace) {
    const expiring = keyspace.databases.reduce((n, d) => n + d.expires, 0);
    const expiredRate = b.rate('expired_keys');
    add(
      ['keys', 'memory', 'evictions'],
      'redis_keyspace',
      `${keyspace.totalKeys} keys, ${expiring} with a TTL${expiredRate !== undefined ? `; ${expiredRate} keys expiring/s now` : ''}`,
    );
  }

  const rdb = b.str('rdb_last_bgsave_status');
  if (rdb !== undefined) {
    const lastSave = num('rdb_last_save_time');
    const serverTime = num('server_time_usec');
    const age = lastSave !== undefined && serverTime !== undefined ? ` ${Math.round(serverTime / 1e6 - lastSave)} s ago` : '';
    add(
      ['persistence', 'disk', 'writes-failing'],
      'redis_info',
      `last RDB save ${rdb}${age}, ${num('rdb_changes_since_last_save') ?? 0} changes since; AOF ${num('aof_enabled') ? `on (last write ${b.str('aof_last_write_status')}, last rewrite ${b.str('aof_last_bgrewrite_status')})` : 'off'}`,
    );
  }

  const role = b.str('role');
  if (role) {
    const link = b.str('master_link_status');
    add(
      ['replication', 'availability'],
      'redis_info',
      role === 'slave' ? `replica of ${b.str('master_host')}:${b.str('master_port')}, link ${link}` : `${role} with ${num('connected_slaves') ?? 0} replica(s)`,
    );
  }
  const uptime = num('uptime_in_seconds');
  if (uptime !== undefined)
    add(['availability'], 'redis_info', `${b.server()?.label ?? 'server'} up ${Math.round(uptime / 60)} min${num('loading') ? ', loading its dataset' : ''}`);
  return out;
}
