import { z } from 'zod';
import { pairsToObject } from '../../../core/redis-replies';
import { printableKey, scanKeyspace } from './keys';
import { onTarget } from './target';
import { redisTool } from './tool';

/** Streams and their consumer groups: how far behind each group is, and what waits unacknowledged. */

export interface StreamGroup {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  /** Entries not yet delivered to the group (Redis 7.0+; absent before). */
  lag?: number;
}

export interface StreamReport {
  scanned: number;
  complete: boolean;
  streams: Array<{ key: string; length: number; groups: StreamGroup[] }>;
}

export const redisStreams = redisTool({
  name: 'redis_streams',
  categories: ['keyspace', 'connections'],
  description:
    "Finds stream keys (SCAN TYPE stream, time-bounded) and reports each one's length and consumer groups: consumers, pending (delivered, not acknowledged) and lag (entries not yet delivered). Use it for queues built on streams.",
  schema: z
    .object({
      budgetMs: z
        .number()
        .int()
        .min(100)
        .max(10_000)
        .default(1_000)
        .describe('Time budget for finding stream keys in milliseconds, 100 to 10000 (default 1000)'),
      limit: z.number().int().min(1).max(50).default(20).describe('Most streams to report, 1 to 50 (default 20)'),
    })
    .strict(),
  handler: async ({ budgetMs, limit }, ctx) =>
    onTarget(ctx, async (redis): Promise<StreamReport> => {
      const keys: string[] = [];
      const progress = await scanKeyspace(redis, { budgetMs, maxKeys: 5_000_000, count: 1000, type: 'stream' }, async (batch) => {
        keys.push(...batch.slice(0, Math.max(0, limit - keys.length)));
      });
      const streams = await Promise.all(
        keys.map(async (key) => {
          const [length, groups] = await Promise.all([redis.call('XLEN', key), redis.call('XINFO', 'GROUPS', key)]);
          return {
            key: printableKey(key),
            length: Number(length),
            groups: (groups as unknown[]).map((g) => {
              const info = pairsToObject(g);
              return {
                name: String(info.name),
                consumers: Number(info.consumers ?? 0),
                pending: Number(info.pending ?? 0),
                lastDeliveredId: String(info['last-delivered-id'] ?? ''),
                lag: info.lag === undefined || info.lag === null ? undefined : Number(info.lag),
              };
            }),
          };
        }),
      );
      return { scanned: progress.scanned, complete: progress.complete, streams };
    }),
  summarize: (data: StreamReport) => `${data.streams.length} stream(s), ${data.streams.reduce((n, s) => n + s.groups.length, 0)} consumer group(s)`,
});
