import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import { redact } from '../../../core/logger';
import { parseRedisUrl } from '../../../core/redis-url';
import { defineTool, noArgs } from '../define';
import { parseClientList } from '../../../core/redis-replies';
import { onTarget } from './target';
import { AGENT_CLIENT_NAME } from '../../../core/target-redis';

/**
 * Which local process owns each client connection (what `ss -tnp` / `lsof -i` tell an SRE on the
 * box). Works when the target and its clients run on this host; elsewhere it says so.
 */

function localAddresses(): Set<string> {
  const out = new Set(['127.0.0.1', '::1', 'localhost']);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

/** /proc/net/tcp{,6} rows → map "localPort:remotePort" → socket inode. */
async function socketInodes(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fsp.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      const remotePort = parseInt(cols[2].split(':')[1], 16);
      out.set(`${localPort}:${remotePort}`, cols[9]);
    }
  }
  return out;
}

/**
 * socket inode → pid, by walking /proc/<pid>/fd. Asynchronous and time-bounded: on a busy host
 * the walk must not stall the worker's event loop (other activities heartbeat on it).
 */
async function inodeOwners(wanted: Set<string>, budgetMs = 3_000): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (wanted.size === 0) return out;
  const deadline = Date.now() + budgetMs;
  for (const entry of await fsp.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (out.size === wanted.size || Date.now() > deadline) break;
    const fds = await fsp.readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await fsp.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match && wanted.has(match[1])) out.set(match[1], Number(entry));
    }
  }
  return out;
}

async function commandLine(pid: number): Promise<string> {
  try {
    const argv = (await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    // Arguments after -a / --pass / --password are credentials.
    const masked = argv.map((a, i) => (/^(-a|--pass|--password|--requirepass)$/.test(argv[i - 1] ?? '') ? '***' : a));
    const text = redact(masked.join(' '));
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
  } catch {
    return '(exited)';
  }
}

export interface ClientOrigin {
  pid: number;
  command: string;
  connections: number;
  clientIds: string[];
  commands: string[];
  maxIdleSeconds: number;
  blocked: number;
}

export const redisClientOrigins = defineTool({
  name: 'redis_client_origins',
  categories: ['connections'],
  description:
    'For clients connected from this same host: the local process (pid and command line) that owns each connection, grouped by process, with how many connections, their last commands, idle time and blocked count. Identifies leaking or blocked applications. Returns a note when the target is remote.',
  schema: noArgs,
  // It reads the target's client list, then this host's sockets: a Redis tool that retries like a host probe.
  capability: 'redis',
  retryClass: 'host',
  needsInstance: true,
  access: 'read',
  handler: async (_args, ctx) => {
    const connection = await ctx.instance();
    const target = parseRedisUrl(connection.url);
    const local = localAddresses();
    if (!local.has(target.host) || process.platform !== 'linux') {
      return {
        local: false,
        note: `the target ${target.host}:${target.port} is not on this host; map client addresses to processes on the client hosts (ss -tnp)`,
        processes: [],
      };
    }
    const clients = parseClientList(String(await onTarget(ctx, (redis) => redis.call('CLIENT', 'LIST')))).filter(
      (c) => c.name !== AGENT_CLIENT_NAME && local.has(c.host),
    );
    const inodes = await socketInodes();
    const byClient = new Map<string, string>();
    for (const c of clients) {
      const inode = inodes.get(`${c.addr.slice(c.addr.lastIndexOf(':') + 1)}:${target.port}`);
      if (inode && inode !== '0') byClient.set(c.id, inode);
    }
    const owners = await inodeOwners(new Set(byClient.values()));
    const groups = new Map<number, ClientOrigin>();
    for (const c of clients) {
      const pid = owners.get(byClient.get(c.id) ?? '');
      if (pid === undefined) continue;
      const g = groups.get(pid) ?? { pid, command: await commandLine(pid), connections: 0, clientIds: [], commands: [], maxIdleSeconds: 0, blocked: 0 };
      g.connections++;
      if (g.clientIds.length < 10) g.clientIds.push(c.id);
      if (!g.commands.includes(c.cmd)) g.commands.push(c.cmd);
      g.maxIdleSeconds = Math.max(g.maxIdleSeconds, c.idle);
      if (c.flags.includes('b')) g.blocked++;
      groups.set(pid, g);
    }
    const processes = [...groups.values()].sort((a, b) => b.connections - a.connections).slice(0, 20);
    return { local: true, clientsFromThisHost: clients.length, matched: processes.reduce((n, p) => n + p.connections, 0), processes };
  },
  summarize: (data: { local: boolean; processes: ClientOrigin[] }) =>
    data.local ? `${data.processes.length} local process(es) own connections` : 'target is remote',
});
