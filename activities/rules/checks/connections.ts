import type { ClientOrigin } from '../../tools/redis/client-origins';
import type { ClientBrief, ClientSummary } from '../../tools/redis/clients';
import { bytes, percent, type Baseline } from '../baseline';
import { ev, fail, finding, pass, skip, type Check, type FollowUp } from '../check';
import { counterRate, perSecond, rateSource, rateText } from '../counter-rate';
import { postponedClients, WAIT_BLOCKING, who } from './clients';

function maxclients(b: Baseline): number | undefined {
  return b.num('maxclients') ?? (b.config('maxclients') ? Number(b.config('maxclients')) : undefined);
}

/** Clients that look leaked: idle a long time, or connected without ever sending a command. */
function idleShare(clients: ClientSummary): { idle: number; never: number } {
  return { idle: clients.idle.over600s, never: clients.idle.neverRanCommand };
}

export const connectionSaturation: Check = {
  id: 'connections.saturation',
  name: 'connection capacity',
  category: 'connections',
  run(b) {
    const clients = b.num('connected_clients');
    const max = maxclients(b);
    if (clients === undefined || !max) return skip('connected_clients/maxclients not available');
    // Replicas and cluster-bus links count toward maxclients too (info-audit.md §2, connected_clients).
    const others = (b.num('connected_slaves') ?? 0) + (b.num('cluster_connections') ?? 0);
    const connected = clients + others;
    const ratio = connected / max;
    if (ratio < 0.8) return pass();
    return fail(
      finding(this, {
        title: `Connections at ${percent(ratio)} of maxclients (${connected}/${max}${others ? `, ${others} of them replicas and cluster links` : ''})`,
        severity: ratio >= 0.9 ? 'critical' : 'warning',
        detail: `${connected} of ${max} allowed connections are in use; once maxclients is reached new connections are refused with "ERR max number of clients reached".`,
        evidence: [ev('redis_info', 'connected_clients', connected), ev('redis_info', 'maxclients', max)],
        recommendation:
          'Find who holds the connections (CLIENT LIST by addr), fix leaks or oversized pools, close idle connections with a server timeout, and raise maxclients only if the file descriptor limit allows.',
        commands: ['CLIENT LIST', 'CONFIG SET timeout 300', `CONFIG SET maxclients ${max * 2}`],
        runbook: 'connection-limits',
      }),
    );
  },
};

export const rejectedConnections: Check = {
  id: 'connections.rejected',
  name: 'refused connections',
  category: 'connections',
  run(b) {
    const rate = counterRate(b, 'rejected_connections');
    if (!rate) return skip('rejected_connections not available');
    const rejected = rate.total;
    if (rejected === 0) return pass();
    const max = maxclients(b);
    const connected = b.num('connected_clients') ?? 0;
    const clients = b.data<ClientSummary>('redis_client_list');
    const leak = clients ? idleShare(clients) : undefined;
    const top = clients?.byHost[0];
    // Judged by rate (info-audit.md, rejected_connections: RATE > 0): refusing now is critical; past
    // refusals stay critical only while the server is still at the edge of maxclients.
    const now = rate.basis === 'now' && rate.perSecond > 0;
    const atEdge = max !== undefined && connected >= 0.8 * max;
    return fail(
      finding(this, {
        title: now
          ? `Connections rejected right now: ${perSecond(rate.perSecond)}/s refused, maxclients (${max}) reached`
          : `${rejected} connections rejected: maxclients (${max}) reached${rate.basis === 'now' ? ' (none in the last few seconds)' : ''}`,
        severity: now || atEdge || rate.basis !== 'now' ? 'critical' : 'warning',
        detail: `Redis refused ${rejected} connection attempts with "ERR max number of clients reached" (${rateText(rate)}): maxclients is ${max} and ${connected} clients are connected.${leak && (leak.never > 0 || leak.idle > 0) ? ` ${leak.never} connections never ran a command and ${leak.idle} are idle over 10 minutes: connections are being opened and held without use, a connection leak or an oversized connection pool.` : ''}${top ? ` Most connections come from ${top.value} (${top.count}).` : ''}`,
        evidence: [
          ev('redis_info', 'rejected_connections', rejected),
          ev(rateSource(rate), 'rejected_connections per second', perSecond(rate.perSecond)),
          ev('redis_info', 'maxclients', max ?? 'unknown'),
          ev('redis_info', 'connected_clients', connected),
          ...(leak ? [ev('redis_client_list', 'connections that never ran a command', leak.never)] : []),
        ],
        recommendation:
          'Free connections now by killing idle leaked ones (CLIENT KILL ID <id> for the idle clients, or set a server idle timeout), then fix the application: close connections, use one shared pool per process with a sane max size. Raise maxclients only as a stopgap (and check ulimit -n).',
        commands: ['CLIENT LIST', 'CONFIG SET timeout 60', `CONFIG SET maxclients ${(max ?? 10000) * 2}`, 'CLIENT KILL ID <id>'],
        runbook: 'connection-limits',
      }),
    );
  },
};

export const idleConnections: Check = {
  id: 'connections.idle',
  name: 'idle connections',
  category: 'connections',
  run(b) {
    const clients = b.data<ClientSummary>('redis_client_list');
    if (!clients) return skip('client list not available');
    const { idle, never } = idleShare(clients);
    const suspicious = Math.max(idle, never);
    if (suspicious < 5 || suspicious < clients.total * 0.25) return pass();
    const origins = b.data<{ processes: ClientOrigin[] }>('redis_client_origins')?.processes ?? [];
    const owner = origins.find((p) => p.connections >= 5 && !p.blocked);
    const timeout = clients.timeout ?? Number(b.config('timeout') ?? 0);
    return fail(
      finding(this, {
        title: `${suspicious} idle connections that do no work (possible connection leak)`,
        severity: 'warning',
        detail: `${never} of ${clients.total} connections have never run a command and ${idle} have been idle for over 10 minutes; the most idle is ${clients.mostIdle[0]?.addr} (${clients.mostIdle[0]?.idle}s). Connections opened and left unused point to a connection leak or a pool sized far above need.${owner ? ` Process ${owner.pid} (${owner.command}) holds ${owner.connections} of them.` : ''} The server timeout is ${timeout ? `${timeout}s` : 'off (0), so idle connections are never closed'}.`,
        evidence: [
          ev('redis_client_list', 'connections that never ran a command', never),
          ev('redis_client_list', 'idle > 600s', idle),
          ev('redis_config_get', 'timeout', timeout),
          ...(owner ? [ev('redis_client_origins', `pid ${owner.pid}`, `${owner.connections} connections`)] : []),
        ],
        recommendation:
          'Fix the client: reuse connections through one pool per process with a bounded size, and close them on shutdown. On the server, set an idle timeout so leaked connections are reclaimed.',
        commands: ['CLIENT LIST', 'CONFIG SET timeout 300', 'CLIENT KILL ID <id>'],
        runbook: 'connection-limits',
      }),
    );
  },
};

export const connectionChurn: Check = {
  id: 'connections.churn',
  name: 'connection churn',
  category: 'connections',
  run(b) {
    const rate = counterRate(b, 'total_connections_received');
    const uptime = b.num('uptime_in_seconds');
    if (!rate || !uptime) return skip('connection counters not available');
    const received = rate.total;
    const average = received / uptime;
    // info-audit.md total_connections_received: RATE > 100/s is churn; we flag from 50/s. Now, from
    // the sample window; without one (or when it is quiet), the average since start as before.
    const stormNow = rate.basis === 'now' && rate.perSecond >= 50;
    if (!stormNow && (received < 10_000 || average < 50)) return pass();
    const clients = b.data<ClientSummary>('redis_client_list');
    const ops = b.rate('total_commands_processed');
    const shown = stormNow ? rate.perSecond : average;
    return fail(
      finding(this, {
        title: stormNow
          ? `Connection storm: ${perSecond(rate.perSecond)} new connections per second right now`
          : `High connection churn: ${average.toFixed(0)} new connections per second on average`,
        severity: 'warning',
        detail: `${stormNow ? `${perSecond(rate.perSecond)} connections/s were accepted over the last ${rate.seconds.toFixed(0)} s${ops !== undefined ? ` for ${perSecond(ops)} commands/s (${ops > 0 ? (shown / ops).toFixed(2) : 'all'} connections per command)` : ''}` : `${received} connections in ${uptime}s`}: clients connect per request instead of reusing connections, which costs CPU (accept, TLS handshake, AUTH and HELLO for each) on both sides and can exhaust ephemeral ports.${clients && clients.total ? ` ${clients.total} clients are connected now.` : ''}`,
        evidence: [
          ev('redis_info', 'total_connections_received', received),
          ev('redis_info', 'uptime_in_seconds', uptime),
          ...(rate.basis === 'now' ? [ev('redis_info_rates', 'total_connections_received per second', perSecond(rate.perSecond))] : []),
          ...(ops !== undefined ? [ev('redis_info_rates', 'commands per second', perSecond(ops))] : []),
        ],
        recommendation:
          'Use persistent pooled connections in the clients (one pool per process, reused across requests); for short-lived jobs, a local proxy keeps connections open for them.',
        commands: ['INFO stats', 'CLIENT LIST'],
        runbook: 'connection-limits',
      }),
    );
  },
};

const BLOCKING = /\b(BLPOP|BRPOP|BLMOVE|BRPOPLPUSH|BLMPOP|BZPOPMIN|BZPOPMAX|BZMPOP|XREAD|XREADGROUP|WAIT)\b/i;

/** Keys named on a blocking command line, e.g. "redis-cli BLPOP jobs:queue 0" → ["jobs:queue"]. */
export function blockingKeys(commandLine: string): string[] {
  const tokens = commandLine.split(/\s+/);
  const at = tokens.findIndex((t) => BLOCKING.test(t) && BLOCKING.exec(t)?.[0].length === t.length);
  if (at < 0) return [];
  const command = tokens[at].toUpperCase();
  let args = tokens.slice(at + 1);
  if (command.startsWith('XREAD')) {
    const streams = args.findIndex((a) => a.toUpperCase() === 'STREAMS');
    args = streams >= 0 ? args.slice(streams + 1, streams + 1 + Math.floor((args.length - streams - 1) / 2)) : [];
    return args.slice(0, 5);
  }
  if (command === 'BLMPOP' || command === 'BZMPOP') args = args.slice(2);
  else if (args.length && /^\d+(\.\d+)?$/.test(args[args.length - 1])) args = args.slice(0, -1);
  if (command === 'BLMOVE' || command === 'BRPOPLPUSH') args = args.slice(0, 1);
  return args.filter((a) => a && !/^(LEFT|RIGHT|MIN|MAX|COUNT)$/i.test(a)).slice(0, 5);
}

function blockedKeysFromOrigins(b: Baseline): string[] {
  const origins = b.data<{ processes: ClientOrigin[] }>('redis_client_origins')?.processes ?? [];
  return [...new Set(origins.filter((p) => p.blocked > 0).flatMap((p) => blockingKeys(p.command)))].slice(0, 10);
}

/** Clients blocked in WAIT / WAITAOF wait for replicas (or the AOF) to acknowledge writes, not for data. */
function waitingForReplicas(check: Pick<Check, 'id' | 'category'>, b: Baseline, waiters: ClientBrief[]) {
  const replicas = b.num('connected_slaves') ?? 0;
  return finding(check, {
    title: `${waiters.length} clients blocked in WAIT for replica acknowledgements (${replicas} replica(s) connected)`,
    severity: 'warning',
    detail: `${waiters.map((c) => `${who(c)} in ${c.cmd.toUpperCase()} for ${c.idle} s`).join('; ')}: WAIT returns once enough replicas acknowledged the client's writes, so these clients are held by replication, not by the server's load: ${replicas === 0 ? 'no replica is connected, so they wait until their timeout' : 'the replicas are slow to acknowledge (lag) or fewer than requested'}.`,
    evidence: [
      ev('redis_info', 'connected_slaves', replicas),
      ...waiters.slice(0, 3).map((c) => ev('redis_client_list', `blocked client ${c.addr} (id=${c.id})`, `cmd=${c.cmd} idle=${c.idle}s`)),
    ],
    recommendation: 'Check replica health and lag (INFO replication); make WAIT calls use a timeout and a replica count the topology can meet.',
    commands: ['INFO replication', 'CLIENT LIST'],
    runbook: 'replication-link-down',
  });
}

export const blockedClients: Check = {
  id: 'connections.blocked',
  name: 'blocked clients',
  category: 'connections',
  followUps(b): FollowUp[] {
    const keys = blockedKeysFromOrigins(b);
    return keys.length && !b.data('redis_key_info') ? [{ tool: 'redis_key_info', args: { keys }, reason: 'check the keys blocked clients wait on' }] : [];
  },
  run(b) {
    const blockedTotal = b.num('blocked_clients');
    if (blockedTotal === undefined) return skip('blocked_clients not available');
    if (blockedTotal === 0) return pass();
    const clients = b.data<ClientSummary>('redis_client_list');
    // blocked_clients also counts clients held by CLIENT PAUSE (flag b on a SET, say): clients.paused
    // reports those; WAIT blocks on replicas, not on data.
    const held = clients ? postponedClients(clients) : [];
    const blocked = blockedTotal - held.length;
    if (blocked <= 0) return pass();
    const waiters = (clients?.blocked ?? []).filter((c) => WAIT_BLOCKING.test(c.cmd));
    if (waiters.length && waiters.length === blocked) return fail(waitingForReplicas(this, b, waiters));
    const commands = [...new Set((clients?.blocked ?? []).filter((c) => !held.includes(c)).map((c) => c.cmd.toUpperCase()))];
    const keys = b.data<{ keys: Array<{ key: string; exists: boolean; type: string; size: number }> }>('redis_key_info')?.keys ?? [];
    const waitedOn = blockedKeysFromOrigins(b);
    const empty = keys.filter((k) => !k.exists || k.size === 0);
    const longest = Math.max(0, ...(clients?.blocked ?? []).map((c) => c.idle));
    const keyText = waitedOn.length
      ? ` They wait on ${waitedOn.join(', ')}${empty.length ? `, which ${empty.length === 1 ? 'is' : 'are'} empty (${empty.map((k) => `${k.key} ${k.exists ? 'has 0 elements' : 'does not exist'}`).join('; ')})` : ''}.`
      : " CLIENT LIST does not show which keys they wait on; check the consumers' configuration.";
    return fail(
      finding(this, {
        title: `${blocked} clients blocked in ${commands.join('/') || 'blocking commands'}${waitedOn.length ? ` on ${waitedOn.join(', ')}` : ''}`,
        severity: 'warning',
        detail: `${blocked} clients are blocked in ${commands.join(', ') || 'a blocking command'} (flags=b), the longest for ${longest}s.${keyText} Blocked consumers are waiting for data, not for Redis (this is not a load problem): nothing is being pushed to the queue, so the producer side has stopped or writes elsewhere.`,
        evidence: [
          ev('redis_info', 'blocked_clients', blocked),
          ...commands.map((c) => ev('redis_client_list', 'blocked command', c)),
          ...keys.map((k) => ev('redis_key_info', k.key, k.exists ? `${k.type}, ${k.size} elements` : 'does not exist')),
        ],
        recommendation:
          'Check the producers: are jobs being pushed (LPUSH/RPUSH) to the same key name and database the workers pop from? Look at producer logs and deploys. Blocked consumers with an infinite timeout (0) are normal while the queue is empty, so alert on queue age, not on blocked_clients alone.',
        commands: [...waitedOn.map((k) => `LLEN ${k}`), 'CLIENT LIST', 'INFO clients', 'MONITOR  # briefly, to see whether anything pushes'],
        runbook: 'blocked-clients',
      }),
    );
  },
};

export const outputBuffers: Check = {
  id: 'connections.output-buffers',
  name: 'client output buffers',
  // Output buffers are memory the dataset does not explain, so they answer memory questions.
  category: 'memory',
  run(b) {
    const clients = b.data<ClientSummary>('redis_client_list');
    const connected = b.num('connected_clients') ?? clients?.total;
    // INFO's client memory is refreshed gradually by clientsCron; CLIENT LIST omem is live.
    const normal = Math.max(b.num('mem_clients_normal') ?? 0, clients?.totalOutputBufferBytes ?? 0);
    if ((b.num('mem_clients_normal') === undefined && !clients) || !connected) return skip('client memory not available');
    const perClient = normal / connected;
    const biggest = clients?.largestOutputBuffers[0];
    // 8 MB is the default pubsub soft limit: a client past it is already in trouble.
    if (perClient <= 200 * 1024 && (!biggest || biggest.omem < 8 * 1048576)) return pass();
    // MEMORY DOCTOR's "big client buffers" (object.c, 200 KB per client) counts query buffers and
    // MULTI queues too: when they hold most of it, clients.query-buffer / clients.transaction say so.
    const split = clients?.memory;
    if (split && split.outputBuffers < split.queryBuffers + split.arguments + split.transactions) return pass();
    const subscriber = biggest && /subscribe/i.test(biggest.cmd);
    return fail(
      finding(this, {
        title: `Client output buffers hold ${bytes(normal)}${subscriber ? ': a slow pub/sub subscriber' : ''}`,
        severity: 'warning',
        detail: `Client output buffers use ${bytes(normal)} (${bytes(perClient)} per client on average). They grow when a client reads replies slower than Redis produces them${subscriber ? `; here the largest is a pub/sub subscriber (${biggest!.addr}, cmd=${biggest!.cmd}) holding ${bytes(biggest!.omem)} in ${biggest!.oll} queued messages: it is subscribed but not reading what is published` : ': slow pub/sub subscribers, MONITOR, or huge replies (HGETALL/LRANGE on big keys)'}.${biggest && !subscriber ? ` Largest: ${biggest.addr} (cmd=${biggest.cmd}, omem ${bytes(biggest.omem)}, ${biggest.oll} queued replies).` : ''} This memory is not part of the dataset and counts against maxmemory.`,
        evidence: [
          ev('redis_info', 'mem_clients_normal (or CLIENT LIST omem total)', normal),
          ev('redis_info', 'connected_clients', connected),
          ...(biggest ? [ev('redis_client_list', `omem of ${biggest.addr} (cmd=${biggest.cmd})`, biggest.omem)] : []),
        ],
        recommendation: `${subscriber ? 'Fix or restart the slow subscriber so it drains its messages (and make it consume faster than publishers produce). ' : 'Find the slow consumers and fix them; avoid huge replies. '}Keep client-output-buffer-limit for pubsub (default 32mb 8mb 60) so a stuck subscriber is disconnected instead of eating memory; CLIENT KILL frees a stuck client now.`,
        commands: [
          'CLIENT LIST',
          'CONFIG GET client-output-buffer-limit',
          'CONFIG SET client-output-buffer-limit "pubsub 32mb 8mb 60"',
          ...(biggest ? [`CLIENT KILL ID ${biggest.id}`] : []),
        ],
        runbook: 'pubsub-output-buffers',
      }),
    );
  },
};

/**
 * MEMORY DOCTOR "big replica buffers" (object.c getMemoryDoctorReport): since 7.0 the doctor
 * compares the total of mem_clients_slaves, the part of the shared replication buffer above
 * repl-backlog-size, with 10 MB, not an average per replica as in 6.x.
 */
export const replicaBuffers: Check = {
  id: 'connections.replica-buffers',
  name: 'replica output buffers',
  category: 'replication',
  run(b) {
    const slaves = b.num('mem_clients_slaves');
    if (slaves === undefined) return skip('mem_clients_slaves not available');
    if (slaves <= 10 * 1048576) return pass();
    return fail(
      finding(this, {
        title: `Replica output buffers hold ${bytes(slaves)}`,
        severity: 'warning',
        detail: `The master buffers writes for replicas that do not keep up (slow network or replica): ${bytes(slaves)} beyond the ${bytes(b.num('repl_backlog_size'))} backlog, in total for ${b.num('connected_slaves') ?? '?'} replica(s) (MEMORY DOCTOR reports over 10 MB). When a replica's buffer passes client-output-buffer-limit replica (default 256mb 64mb 60) it is disconnected and must fully resync.`,
        evidence: [ev('redis_info', 'mem_clients_slaves', slaves), ev('redis_info', 'connected_slaves', b.num('connected_slaves') ?? 0)],
        recommendation: 'Check replica lag and network; raise client-output-buffer-limit replica if bursts are legitimate.',
        commands: ['INFO replication', 'CONFIG GET client-output-buffer-limit'],
        runbook: 'full-resync-backlog',
      }),
    );
  },
};

export const bufferLimitDisconnects: Check = {
  id: 'connections.buffer-limit-disconnects',
  name: 'output buffer limit disconnects',
  category: 'connections',
  run(b) {
    const n = b.num('client_output_buffer_limit_disconnections');
    if (n === undefined)
      return skip('client_output_buffer_limit_disconnections needs Redis 7.2+; check the server log for "overcoming of output buffer limits"');
    if (n === 0) return pass();
    return fail(
      finding(this, {
        title: `${n} clients disconnected for exceeding output buffer limits`,
        severity: 'warning',
        detail: 'Clients (often pub/sub subscribers or replicas) were closed because their pending replies passed client-output-buffer-limit.',
        evidence: [ev('redis_info', 'client_output_buffer_limit_disconnections', n)],
        recommendation: 'Find the slow consumers; raise limits only if bursts are legitimate.',
        commands: ['CONFIG GET client-output-buffer-limit', 'CLIENT LIST'],
        runbook: 'pubsub-output-buffers',
      }),
    );
  },
};

export const connectionChecks: Check[] = [
  rejectedConnections,
  connectionSaturation,
  idleConnections,
  connectionChurn,
  blockedClients,
  outputBuffers,
  replicaBuffers,
  bufferLimitDisconnects,
];
