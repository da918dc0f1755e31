import { z } from 'zod';
import { noArgs } from '../define';
import { redisTool } from './tool';
import { parseSlowlog, type SlowlogEntry } from '../../../core/redis-replies';
import { AGENT_CLIENT_NAME } from '../../../core/target-redis';
import { onTarget, readConfigIfReadable, withUnreadable } from './target';

export interface SlowlogSummary {
  /** Unknown when CONFIG GET is not readable on the target. */
  thresholdUs?: number;
  maxLen?: number;
  length: number;
  byCommand: Array<{ command: string; count: number; totalUs: number; maxUs: number }>;
  entries: SlowlogEntry[];
  /** Entries of the agent's own connection (client name sre-agent), left out of the above. */
  ownEntriesLeftOut?: number;
}

export function summarizeSlowlog(all: SlowlogEntry[], length: number, config: Record<string, string>): SlowlogSummary {
  const entries = all.filter((e) => e.clientName !== AGENT_CLIENT_NAME);
  const groups = new Map<string, { command: string; count: number; totalUs: number; maxUs: number }>();
  for (const e of entries) {
    const g = groups.get(e.command) ?? { command: e.command, count: 0, totalUs: 0, maxUs: 0 };
    g.count++;
    g.totalUs += e.durationUs;
    g.maxUs = Math.max(g.maxUs, e.durationUs);
    groups.set(e.command, g);
  }
  return {
    thresholdUs: Number(config['slowlog-log-slower-than'] ?? -1),
    maxLen: Number(config['slowlog-max-len'] ?? 0),
    length,
    byCommand: [...groups.values()].sort((a, b) => b.totalUs - a.totalUs),
    entries,
    ownEntriesLeftOut: all.length - entries.length,
  };
}

export const redisSlowlog = redisTool({
  name: 'redis_slowlog',
  categories: ['performance'],
  description:
    "SLOWLOG: the slowest recent commands (command, first arguments, duration in microseconds, client), grouped by command, with the slowlog-log-slower-than threshold. The agent's own entries are left out (and counted).",
  schema: z
    .object({ count: z.number().int().min(1).max(128).default(25).describe('How many of the most recent slow-log entries to read, 1 to 128 (default 25)') })
    .strict(),
  handler: async ({ count }, ctx) =>
    onTarget(ctx, async (redis) => {
      const unreadable: string[] = [];
      const [reply, length, config] = await Promise.all([
        redis.call('SLOWLOG', 'GET', count),
        redis.call('SLOWLOG', 'LEN'),
        readConfigIfReadable(redis, unreadable, 'slowlog-log-slower-than', 'slowlog-max-len'),
      ]);
      const summary = summarizeSlowlog(parseSlowlog(reply), Number(length), config);
      // Without CONFIG the threshold is unknown, not -1 (which would read as "slow log off").
      return unreadable.length ? withUnreadable({ ...summary, thresholdUs: undefined, maxLen: undefined }, unreadable) : summary;
    }),
  summarize: (data: SlowlogSummary) =>
    data.length
      ? `${data.length} slow entries; top: ${data.byCommand
          .slice(0, 3)
          .map((g) => `${g.command}×${g.count} (max ${(g.maxUs / 1000).toFixed(1)} ms)`)
          .join(', ')}`
      : 'slowlog empty',
});

export interface LatencyReport {
  /** Unknown when CONFIG GET is not readable on the target. */
  monitorThresholdMs?: number;
  events: Array<{ event: string; at: number; latestMs: number; maxMs: number }>;
  doctor: string;
}

export const redisLatency = redisTool({
  name: 'redis_latency',
  categories: ['performance', 'persistence', 'availability'],
  description:
    'Latency monitor: LATENCY LATEST events (command, fork, aof-fsync, expire-cycle, eviction…) with latest and max ms, and the LATENCY DOCTOR report. Notes when the monitor is off (latency-monitor-threshold 0).',
  schema: noArgs,
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis): Promise<LatencyReport> => {
      const unreadable: string[] = [];
      const [latest, doctor, config] = await Promise.all([
        redis.call('LATENCY', 'LATEST'),
        redis.call('LATENCY', 'DOCTOR'),
        readConfigIfReadable(redis, unreadable, 'latency-monitor-threshold'),
      ]);
      return withUnreadable(
        {
          monitorThresholdMs: unreadable.length ? undefined : Number(config['latency-monitor-threshold'] ?? 0),
          events: (Array.isArray(latest) ? latest : []).map((row) => {
            const r = row as unknown[];
            return { event: String(r[0]), at: Number(r[1]), latestMs: Number(r[2]), maxMs: Number(r[3]) };
          }),
          doctor: String(doctor).trim().slice(0, 1500),
        },
        unreadable,
      );
    }),
  summarize: (data: LatencyReport) => (data.monitorThresholdMs === 0 ? 'latency monitor off' : `${data.events.length} latency event type(s)`),
});
