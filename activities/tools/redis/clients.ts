import { z } from 'zod';
import { redisTool } from './tool';
import { parseClientList, type ClientEntry } from '../../../core/redis-replies';
import { AGENT_CLIENT_NAME } from '../../../core/target-redis';
import { onTarget, readConfigIfReadable, withUnreadable } from './target';

/** CLIENT LIST, summarised: who is connected, what they do, who is idle, blocked or buffering. */

function countBy(clients: ClientEntry[], key: (c: ClientEntry) => string, limit = 10): Array<{ value: string; count: number }> {
  const counts = new Map<string, number>();
  for (const c of clients) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

/** Who a client is, for evidence: id, address, name and library, and what it does. */
const brief = (c: ClientEntry) => ({
  id: c.id,
  addr: c.addr,
  name: c.name || undefined,
  lib: `${c.libName} ${c.libVer}`.trim() || undefined,
  age: c.age,
  idle: c.idle,
  flags: c.flags,
  cmd: c.cmd,
  db: c.db,
});
export type ClientBrief = ReturnType<typeof brief>;

/**
 * Query-side memory of a client: the query buffer as allocated (bytes received plus free space; a
 * big argument is read into a buffer sized for it) and the parsed arguments of the next command.
 */
export const queryMemory = (c: ClientEntry) => c.qbuf + c.qbufFree + c.argvMem;

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
  mostIdle: ClientBrief[];
  blocked: ClientBrief[];
  pubsubSubscribers: number;
  largestOutputBuffers: Array<ClientBrief & { omem: number; totMem: number; oll: number }>;
  totalOutputBufferBytes: number;
  /** Clients carrying each flag letter (a client with flags=xb counts for x and for b). */
  flagCounts: Record<string, number>;
  byDb: Array<{ value: string; count: number }>;
  byProtocol: Array<{ value: string; count: number }>;
  /** lib-name and lib-ver (7.2+, CLIENT SETINFO), "unknown" when a client did not say. */
  byLibrary: Array<{ value: string; count: number }>;
  blockedByCommand: Array<{ value: string; count: number }>;
  /** Client memory by what holds it, summed over the clients (bytes). */
  memory: { queryBuffers: number; arguments: number; transactions: number; outputBuffers: number; total: number };
  largestQueryBuffers: Array<ClientBrief & { qbuf: number; qbufFree: number; argvMem: number; totMem: number }>;
  /** Clients inside MULTI, the biggest queues first. */
  transactions: Array<ClientBrief & { multi: number; multiMem: number; watch: number; totMem: number }>;
  /** Clients running MONITOR (flag O). */
  monitors: ClientBrief[];
  /** Clients whose tracking redirection is broken (R), that are being closed (A), whose WATCHed key changed (d) or that import (I). */
  flagged: ClientBrief[];
}

const top = <T>(items: T[], by: (t: T) => number, limit: number) =>
  [...items]
    .filter((t) => by(t) > 0)
    .sort((a, b) => by(b) - by(a))
    .slice(0, limit);

/** Our own connections are left out: they would skew counts and look idle. */
export function summarizeClients(all: ClientEntry[], config: Record<string, string> = {}): ClientSummary {
  const clients = all.filter((c) => c.name !== AGENT_CLIENT_NAME && !c.flags.includes('S') && !c.flags.includes('M'));
  const byIdle = [...clients].sort((a, b) => b.idle - a.idle);
  const flagCounts: Record<string, number> = {};
  for (const c of clients) for (const flag of new Set(c.flags.replace('N', ''))) flagCounts[flag] = (flagCounts[flag] ?? 0) + 1;
  const sum = (f: (c: ClientEntry) => number) => clients.reduce((n, c) => n + f(c), 0);
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
    pubsubSubscribers: clients.filter((c) => c.sub > 0 || c.psub > 0 || c.ssub > 0 || c.flags.includes('P')).length,
    largestOutputBuffers: [...clients]
      .sort((a, b) => b.omem - a.omem || b.totMem - a.totMem)
      .slice(0, 5)
      .map((c) => ({ ...brief(c), omem: c.omem, totMem: c.totMem, oll: c.oll })),
    totalOutputBufferBytes: sum((c) => c.omem),
    flagCounts,
    byDb: countBy(clients, (c) => `db${c.db}`, 16),
    byProtocol: countBy(clients, (c) => `RESP${c.resp}`),
    byLibrary: countBy(clients, (c) => `${c.libName || 'unknown'}${c.libVer ? ` ${c.libVer}` : ''}`),
    blockedByCommand: countBy(
      clients.filter((c) => c.flags.includes('b')),
      (c) => c.cmd || 'NULL',
    ),
    memory: {
      queryBuffers: sum((c) => c.qbuf + c.qbufFree),
      arguments: sum((c) => c.argvMem),
      transactions: sum((c) => c.multiMem),
      outputBuffers: sum((c) => c.omem + c.obl),
      total: sum((c) => c.totMem),
    },
    largestQueryBuffers: top(clients, queryMemory, 3).map((c) => ({ ...brief(c), qbuf: c.qbuf, qbufFree: c.qbufFree, argvMem: c.argvMem, totMem: c.totMem })),
    transactions: top(
      clients.filter((c) => c.flags.includes('x')),
      (c) => c.multiMem + 1,
      3,
    ).map((c) => ({ ...brief(c), multi: c.multi, multiMem: c.multiMem, watch: c.watch, totMem: c.totMem })),
    monitors: clients
      .filter((c) => c.flags.includes('O'))
      .slice(0, 5)
      .map(brief),
    flagged: clients
      .filter((c) => /[RAdI]/.test(c.flags))
      .slice(0, 3)
      .map(brief),
  };
}

export const redisClientList = redisTool({
  name: 'redis_client_list',
  categories: ['connections', 'performance', 'memory'],
  description:
    'Connected clients, summarised: counts by source host, command, flags, name, db, protocol and client library; idle connections (and ones that never ran a command); blocked clients (BLPOP etc.) by command; MONITOR clients; clients in MULTI; pub/sub subscribers; client memory split into query buffers, arguments, MULTI queues and output buffers, with the largest holders named. Excludes the agent itself.',
  schema: z.object({}).strict(),
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis) => {
      const unreadable: string[] = [];
      const [list, config] = await Promise.all([redis.call('CLIENT', 'LIST'), readConfigIfReadable(redis, unreadable, 'maxclients', 'timeout')]);
      return withUnreadable(summarizeClients(parseClientList(String(list)), config), unreadable);
    }),
  summarize: (data: ClientSummary) =>
    `${data.total} clients${data.blocked.length ? `, ${data.blocked.length} blocked` : ''}${data.idle.over600s ? `, ${data.idle.over600s} idle >10m` : ''}`,
});
