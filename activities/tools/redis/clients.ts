import { z } from 'zod';
import { redisTool } from './tool';
import { parseClientList, type ClientEntry } from '../../../core/redis-replies';
import { AGENT_CLIENT_NAME } from '../../../core/target-redis';
import { onTarget, readConfig } from './target';

/** CLIENT LIST, summarised: who is connected, what they do, who is idle, blocked or buffering. */

function countBy(clients: ClientEntry[], key: (c: ClientEntry) => string, limit = 10): Array<{ value: string; count: number }> {
  const counts = new Map<string, number>();
  for (const c of clients) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

const brief = (c: ClientEntry) => ({ id: c.id, addr: c.addr, name: c.name || undefined, age: c.age, idle: c.idle, flags: c.flags, cmd: c.cmd, db: c.db });

export interface ClientSummary {
  total: number;
  /** The agent's own connections (client name sre-agent), left out of every count here. */
  ownConnectionsLeftOut?: number;
  maxclients?: number;
  timeout?: number;
  byHost: Array<{ value: string; count: number }>;
  byCommand: Array<{ value: string; count: number }>;
  byFlags: Array<{ value: string; count: number }>;
  byName: Array<{ value: string; count: number }>;
  idle: { over60s: number; over600s: number; over3600s: number; neverRanCommand: number };
  mostIdle: ReturnType<typeof brief>[];
  blocked: ReturnType<typeof brief>[];
  pubsubSubscribers: number;
  largestOutputBuffers: Array<ReturnType<typeof brief> & { omem: number; totMem: number; oll: number }>;
  totalOutputBufferBytes: number;
}

/** Our own connections are left out: they would skew counts and look idle. */
export function summarizeClients(all: ClientEntry[], config: Record<string, string> = {}): ClientSummary {
  const clients = all.filter((c) => c.name !== AGENT_CLIENT_NAME && !c.flags.includes('S') && !c.flags.includes('M'));
  const byIdle = [...clients].sort((a, b) => b.idle - a.idle);
  return {
    total: clients.length,
    ownConnectionsLeftOut: all.filter((c) => c.name === AGENT_CLIENT_NAME).length,
    maxclients: config.maxclients ? Number(config.maxclients) : undefined,
    timeout: config.timeout ? Number(config.timeout) : undefined,
    byHost: countBy(clients, (c) => c.host),
    byCommand: countBy(clients, (c) => c.cmd || 'NULL'),
    byFlags: countBy(clients, (c) => c.flags),
    byName: countBy(
      clients.filter((c) => c.name),
      (c) => c.name,
    ),
    idle: {
      over60s: clients.filter((c) => c.idle > 60).length,
      over600s: clients.filter((c) => c.idle > 600).length,
      over3600s: clients.filter((c) => c.idle > 3600).length,
      // cmd=NULL: connected but never sent a command, typical of leaked or pre-opened pool connections.
      neverRanCommand: clients.filter((c) => c.cmd === 'NULL' || c.cmd === '').length,
    },
    mostIdle: byIdle.slice(0, 5).map(brief),
    blocked: clients
      .filter((c) => c.flags.includes('b'))
      .slice(0, 20)
      .map(brief),
    pubsubSubscribers: clients.filter((c) => c.sub > 0 || c.psub > 0 || c.flags.includes('P')).length,
    largestOutputBuffers: [...clients]
      .sort((a, b) => b.omem - a.omem || b.totMem - a.totMem)
      .slice(0, 5)
      .map((c) => ({ ...brief(c), omem: c.omem, totMem: c.totMem, oll: c.oll })),
    totalOutputBufferBytes: clients.reduce((n, c) => n + c.omem, 0),
  };
}

export const redisClientList = redisTool({
  name: 'redis_client_list',
  description:
    'Connected clients, summarised: counts by source host, command, flags and name; idle connections (and ones that never ran a command); blocked clients (BLPOP etc.); pub/sub subscribers; largest output buffers. Excludes the agent itself.',
  schema: z.object({}).strict(),
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis) => {
      const [list, config] = await Promise.all([redis.call('CLIENT', 'LIST'), readConfig(redis, 'maxclients', 'timeout')]);
      return summarizeClients(parseClientList(String(list)), config);
    }),
  summarize: (data: ClientSummary) =>
    `${data.total} clients${data.blocked.length ? `, ${data.blocked.length} blocked` : ''}${data.idle.over600s ? `, ${data.idle.over600s} idle >10m` : ''}`,
});
