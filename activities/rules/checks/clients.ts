import type { ClientBrief, ClientSummary } from '../../tools/redis/clients';
import { bytes, type Baseline } from '../baseline';
import { ev, fail, finding, pass, skip, type Check } from '../check';
import { perSecond } from '../counter-rate';

/**
 * The client audit: CLIENT LIST fields and flags with a known-bad value (research/client-and-keyspace.md
 * §1-§2, from networking.c catClientInfoString() of redis/redis 7.0.15-7.4.1 and valkey-io/valkey
 * 8.0.1 / valkey-doc 9.0.2 client-list.md). The agent's own connection (name=sre-agent) and
 * replica/master links are left out by summarizeClients. Evidence names the client: id, address,
 * name and library.
 */

const MiB = 1048576;

/** "id=7 127.0.0.1:5123 name=billing lib=redis-py 5.0": who a client is. */
export function who(c: ClientBrief): string {
  return [`id=${c.id}`, c.addr, c.name ? `name=${c.name}` : '', c.lib ? `lib=${c.lib}` : ''].filter(Boolean).join(' ');
}

/** Commands that block on purpose (blocked.c): on keys, or waiting for replicas / the AOF. */
export const KEY_BLOCKING = /^(blpop|brpop|blmove|brpoplpush|blmpop|bzpopmin|bzpopmax|bzmpop|xread|xreadgroup)$/;
export const WAIT_BLOCKING = /^(wait|waitaof)$/;

const clientList = (b: Baseline) => b.data<ClientSummary>('redis_client_list');

/** Blocked clients whose last command does not block: they are held by CLIENT PAUSE (or a failover/shutdown pause). */
export function postponedClients(clients: ClientSummary): ClientBrief[] {
  return clients.blocked.filter((c) => !KEY_BLOCKING.test(c.cmd) && !WAIT_BLOCKING.test(c.cmd) && !/^(client\|pause|monitor)$/.test(c.cmd));
}

export const monitorAttached: Check = {
  id: 'clients.monitor',
  name: 'MONITOR clients',
  category: 'performance',
  run(b) {
    const clients = clientList(b);
    if (!clients) return skip('client list not available');
    if (!clients.monitors?.length) return pass();
    const m = clients.monitors;
    const ops = b.rate('total_commands_processed');
    return fail(
      finding(this, {
        title: `MONITOR is attached: ${m.length} client(s) receive every command (${who(m[0])}, connected ${m[0].age} s ago)`,
        severity: 'warning',
        detail: `${m.map((c) => `${who(c)} (age ${c.age} s)`).join('; ')} ${m.length === 1 ? 'runs' : 'run'} MONITOR (flag O). The server then formats and sends every command it executes to each monitor before replying${ops ? ` (${perSecond(ops)} commands/s now)` : ''}, which costs CPU on the main thread and can cut throughput by half; a monitor that reads slowly also grows an output buffer that is unlimited for normal clients. MONITOR is a debugging tool someone left running.`,
        evidence: m
          .map((c) => ev('redis_client_list', `MONITOR client ${c.addr}`, `id=${c.id}${c.name ? ` name=${c.name}` : ''} age=${c.age}s flags=${c.flags}`))
          .concat(ops !== undefined ? [ev('redis_info_rates', 'commands per second', perSecond(ops))] : []),
        recommendation:
          'Disconnect the monitor now with CLIENT KILL ID, and deny MONITOR to application and support users (ACL -monitor) so a forgotten debugging session cannot slow production again.',
        commands: [...m.map((c) => `CLIENT KILL ID ${c.id}`), 'ACL SETUSER <user> -monitor', 'CLIENT LIST'],
        runbook: 'latency-slowlog',
      }),
    );
  },
};

export const queryBuffers: Check = {
  id: 'clients.query-buffer',
  name: 'client query buffers',
  category: 'memory',
  run(b) {
    const clients = clientList(b);
    const recent = b.num('client_recent_max_input_buffer');
    if (!clients?.largestQueryBuffers && recent === undefined) return skip('client list and client_recent_max_input_buffer not available');
    const limit = Number(b.config('client-query-buffer-limit') ?? 1024 * MiB);
    const top = clients?.largestQueryBuffers?.[0];
    const topBytes = top ? top.qbuf + top.qbufFree + top.argvMem : 0;
    // research/client-and-keyspace.md clients.big-query-buffer: qbuf > 32 MiB.
    if (topBytes >= 32 * MiB && top) {
      const near = topBytes >= 0.5 * limit;
      return fail(
        finding(this, {
          title: `A client's query buffer holds ${bytes(topBytes)}: ${who(top)} is sending a huge request`,
          severity: near ? 'critical' : 'warning',
          detail: `${who(top)} has ${bytes(top.qbuf)} received in its query buffer (qbuf, plus ${bytes(top.qbufFree)} allocated and free, qbuf-free) for a command that has not arrived in full yet (its last completed command was ${top.cmd}, ${top.idle} s ago). This is input memory, not output buffers: the server keeps a request's whole argument in memory until it has all of it, so one oversized value or an unbounded pipeline holds this much memory while it arrives${near ? `, and at client-query-buffer-limit (${bytes(limit)}) the client is disconnected and its command lost` : ''}. Client memory counts against maxmemory and can trigger evictions.`,
          evidence: [
            ev('redis_client_list', `qbuf of ${top.addr} (id=${top.id})`, top.qbuf),
            ev('redis_client_list', `qbuf-free of ${top.addr}`, top.qbufFree),
            ev('redis_client_list', `tot-mem of ${top.addr}`, top.totMem),
            ev('redis_config_get', 'client-query-buffer-limit', limit),
            ...(clients ? [ev('redis_client_list', 'query buffers of all clients', clients.memory.queryBuffers)] : []),
          ],
          recommendation: `Find what ${top.name ? `the client "${top.name}"` : `the process at ${top.addr}`} is uploading: split big values (store large blobs outside Redis or in chunks), bound pipelines to a few thousand commands. Disconnect it now if it is stuck, and keep client-query-buffer-limit (default 1gb) low enough that one client cannot exhaust memory.`,
          commands: [`CLIENT KILL ID ${top.id}`, 'CONFIG SET client-query-buffer-limit 256mb', 'CLIENT LIST', 'INFO memory'],
          runbook: 'connection-limits',
        }),
      );
    }
    if (recent !== undefined && recent >= 32 * MiB) {
      return fail(
        finding(this, {
          title: `A client recently needed a ${bytes(recent)} query buffer`,
          severity: 'warning',
          detail:
            'client_recent_max_input_buffer (the largest query buffer over the last seconds) is above 32 MB: a client sent a very large request or pipeline. It is no longer visible in CLIENT LIST, so it completed or was disconnected.',
          evidence: [ev('redis_info', 'client_recent_max_input_buffer', recent), ev('redis_config_get', 'client-query-buffer-limit', limit)],
          recommendation: 'Find the application sending huge values or unbounded pipelines and split them; keep client-query-buffer-limit bounded.',
          commands: ['INFO clients', 'CLIENT LIST', 'CONFIG GET client-query-buffer-limit'],
          runbook: 'connection-limits',
        }),
      );
    }
    return pass();
  },
};

export const transactions: Check = {
  id: 'clients.transaction',
  name: 'open transactions',
  category: 'memory',
  run(b) {
    const clients = clientList(b);
    if (!clients?.transactions) return skip('client list not available');
    const open = clients.transactions;
    if (open.length === 0) return pass();
    const top = open[0];
    // research/client-and-keyspace.md clients.huge-multi: multi > 10000 or multi-mem > 64 MiB.
    const huge = top.multi >= 10_000 || top.multiMem >= 16 * MiB;
    const stale = open.filter((c) => c.idle >= 60);
    if (!huge && stale.length === 0) return pass();
    return fail(
      finding(this, {
        title: huge
          ? `A client holds ${top.multi} commands (${bytes(top.multiMem)}) queued in an open MULTI: ${who(top)}`
          : `${stale.length} client(s) left a MULTI transaction open (${who(stale[0])}, idle ${stale[0].idle} s)`,
        severity: huge ? 'warning' : 'info',
        detail: `${open.map((c) => `${who(c)}: ${c.multi} queued commands, multi-mem ${bytes(c.multiMem)}${c.watch ? `, ${c.watch} WATCHed keys` : ''}, idle ${c.idle} s`).join('; ')}. A client in MULTI (flag x) queues every command in server memory until EXEC or DISCARD; ${huge ? 'this queue is huge, holds memory that counts against maxmemory, and EXEC will then run all of it at once, blocking every other client while it executes' : 'a transaction idle this long means the client died or forgot EXEC/DISCARD, and its queue stays in memory'}.`,
        evidence: open
          .slice(0, 3)
          .flatMap((c) => [
            ev('redis_client_list', `multi (queued commands) of ${c.addr} (id=${c.id})`, c.multi),
            ev('redis_client_list', `multi-mem of ${c.addr}`, c.multiMem),
            ev('redis_client_list', `idle of ${c.addr}`, c.idle),
          ]),
        recommendation:
          'Fix the application: send EXEC (or DISCARD) promptly and keep transactions small (a few hundred commands; batch big imports with pipelines instead). Disconnect the stuck client to free its queue now.',
        commands: [`CLIENT KILL ID ${top.id}`, 'CLIENT LIST', 'INFO memory'],
        runbook: 'connection-limits',
      }),
    );
  },
};

export const paused: Check = {
  id: 'clients.paused',
  name: 'client pause',
  category: 'availability',
  run(b) {
    const reason = b.str('paused_reason');
    const actions = b.str('paused_actions');
    const clients = clientList(b);
    const held = clients ? postponedClients(clients) : [];
    const pauseCalls = Number(b.section<Record<string, { calls?: number }>>('commandstats')?.['client|pause']?.calls ?? 0);
    const valkeyPaused = reason !== undefined && reason !== 'none';
    if (!valkeyPaused && held.length === 0) return reason === undefined && !clients ? skip('needs paused_reason (Valkey 8.1+) or the client list') : pass();
    const ops = b.rate('total_commands_processed');
    const remaining = b.num('paused_timeout_milliseconds');
    const what = actions === 'all' ? 'all commands' : 'writes';
    return fail(
      finding(this, {
        title: `Clients are paused${valkeyPaused ? ` (${reason}, ${actions})` : ' by CLIENT PAUSE'}: ${held.length} client(s) wait with ${[...new Set(held.map((c) => c.cmd.toUpperCase()))].join(', ') || what} on hold`,
        severity: 'critical',
        detail: `${valkeyPaused ? `INFO reports paused_reason:${reason} paused_actions:${actions}${remaining ? `, ${Math.round(remaining / 1000)} s still to go` : ''}. ` : ''}${
          held.length
            ? `${held.length} client(s) are blocked (flag b) on commands that never block by themselves (${held
                .slice(0, 3)
                .map((c) => `${who(c)} cmd=${c.cmd}, waiting ${c.idle} s`)
                .join('; ')}): the server is holding them. `
            : ''
        }CLIENT PAUSE${actions === 'all' ? '' : ' WRITE'} stops the server from executing ${what} until the pause times out or CLIENT UNPAUSE is sent${pauseCalls ? ` (CLIENT PAUSE ran ${pauseCalls} time(s) since start)` : ''}; failovers and shutdowns pause clients the same way. Applications see ${what} hang while the server itself is healthy${ops !== undefined ? ` (${perSecond(ops)} commands/s executed)` : ''}.`,
        evidence: [
          ...(reason !== undefined ? [ev('redis_info', 'paused_reason', reason), ev('redis_info', 'paused_actions', actions ?? 'unknown')] : []),
          ...(remaining ? [ev('redis_info', 'paused_timeout_milliseconds', remaining)] : []),
          ...held.slice(0, 3).map((c) => ev('redis_client_list', `blocked client ${c.addr} (id=${c.id})`, `cmd=${c.cmd} idle=${c.idle}s flags=${c.flags}`)),
          ev('redis_info', 'cmdstat_client|pause calls', pauseCalls),
          ...(ops !== undefined ? [ev('redis_info_rates', 'commands per second', perSecond(ops))] : []),
        ],
        recommendation:
          'If no failover or planned maintenance is running, lift the pause with CLIENT UNPAUSE; then find who paused (an operator script, a failover tool that crashed half-way) and make it use a short timeout.',
        commands: ['CLIENT UNPAUSE', 'INFO clients', 'CLIENT LIST', 'INFO commandstats'],
        runbook: 'blocked-clients',
      }),
    );
  },
};

/** Flags with a known-bad meaning (client-and-keyspace.md §2), the finding each gives, and its fix. */
const FLAG_MEANING: Record<string, { severity: 'warning' | 'info'; what: string; why: string; fix: string }> = {
  R: {
    severity: 'warning',
    what: 'track keys but their invalidation connection is gone',
    why: 'CLIENT TRACKING REDIRECT points at a connection that closed, so invalidations are lost and the local cache serves stale values',
    fix: 'restart the client or re-enable tracking with a live REDIRECT id; client libraries should re-subscribe their invalidation channel on reconnect',
  },
  A: {
    severity: 'info',
    what: 'are being closed by the server',
    why: 'the server marked them to close as soon as possible, usually because their output buffer passed client-output-buffer-limit',
    fix: 'find why they read slowly (CLIENT LIST omem) and fix the consumer',
  },
  d: {
    severity: 'info',
    what: 'will have their transaction refused',
    why: 'a key they WATCH changed, so their EXEC will fail: optimistic locking under contention makes clients retry',
    fix: 'shorten the WATCH...EXEC window or use a Lua script/function for the read-modify-write',
  },
  I: {
    severity: 'info',
    what: 'are import sources',
    why: 'CLIENT IMPORT-SOURCE lets them write while expiry and eviction are paused for an import (import-mode)',
    fix: 'switch import-mode off once the import is done',
  },
};

export const clientFlags: Check = {
  id: 'clients.flags',
  name: 'client flags',
  category: 'connections',
  run(b) {
    const clients = clientList(b);
    if (!clients?.flagCounts) return skip('client list not available');
    const present = Object.entries(FLAG_MEANING).filter(([flag]) => (clients.flagCounts[flag] ?? 0) > 0);
    if (present.length === 0) return pass();
    return fail(
      ...present.map(([flag, m]) => {
        const n = clients.flagCounts[flag];
        const example = clients.flagged.find((c) => c.flags.includes(flag));
        return finding(this, {
          title: `${n} client(s) ${m.what} (flag ${flag})`,
          severity: m.severity,
          detail: `Flag ${flag}: ${m.why}${example ? ` (e.g. ${who(example)}, cmd=${example.cmd})` : ''}.`,
          evidence: [
            ev('redis_client_list', `clients with flag ${flag}`, n),
            ...(example ? [ev('redis_client_list', `client ${example.addr}`, `id=${example.id} flags=${example.flags}`)] : []),
          ],
          recommendation: `${m.fix[0].toUpperCase()}${m.fix.slice(1)}.`,
          commands: ['CLIENT LIST', ...(example && flag === 'R' ? [`CLIENT KILL ID ${example.id}`] : [])],
          runbook: flag === 'A' ? 'pubsub-output-buffers' : flag === 'R' ? 'hot-keys' : 'connection-limits',
        });
      }),
    );
  },
};

export const otherDatabases: Check = {
  id: 'clients.databases',
  name: 'client databases',
  category: 'keyspace',
  run(b) {
    const clients = clientList(b);
    if (!clients?.byDb) return skip('client list not available');
    const others = clients.byDb.filter((d) => d.value !== 'db0');
    if (others.length === 0) return pass();
    return fail(
      finding(this, {
        title: `Clients work in databases other than 0: ${others.map((d) => `${d.value} (${d.count})`).join(', ')}`,
        severity: 'info',
        detail:
          'Logical databases share one thread, one memory limit and one eviction pool, and a client in the wrong database sees no keys (or writes where nobody reads). Redis Cluster supports only database 0.',
        evidence: clients.byDb.map((d) => ev('redis_client_list', `clients in ${d.value}`, d.count)),
        recommendation: 'Check that each application selects the database it should; prefer key prefixes or separate instances to numbered databases.',
        commands: ['CLIENT LIST', 'INFO keyspace'],
        runbook: 'capacity-planning',
      }),
    );
  },
};

export const clientLibraries: Check = {
  id: 'clients.libraries',
  name: 'client libraries and protocols',
  category: 'connections',
  run(b) {
    const clients = clientList(b);
    if (!clients?.byLibrary) return skip('client list not available');
    const named = clients.byLibrary.filter((l) => !l.value.startsWith('unknown'));
    const versionsByLib = new Map<string, string[]>();
    for (const l of named) {
      const [name, version = ''] = l.value.split(' ');
      versionsByLib.set(name, [...(versionsByLib.get(name) ?? []), version]);
    }
    const mixed = [...versionsByLib.entries()].filter(([, v]) => v.length > 1);
    const protocols = clients.byProtocol.map((p) => p.value);
    if (mixed.length === 0 && protocols.length <= 1) return pass();
    return fail(
      finding(this, {
        title: `Clients mix ${[...(protocols.length > 1 ? [`protocols ${protocols.join(' and ')}`] : []), ...mixed.map(([lib, v]) => `${lib} versions ${v.join(', ')}`)].join('; ')}`,
        severity: 'info',
        detail: `${clients.byLibrary.map((l) => `${l.value}: ${l.count}`).join(', ')}; ${clients.byProtocol.map((p) => `${p.value}: ${p.count}`).join(', ')}. Mixed library versions across a fleet mean some hosts missed an upgrade (with its fixes for reconnection, timeouts and cluster handling); mixed RESP2/RESP3 is fine but changes reply shapes.`,
        evidence: [
          ...clients.byLibrary.map((l) => ev('redis_client_list', `library ${l.value}`, l.count)),
          ...clients.byProtocol.map((p) => ev('redis_client_list', p.value, p.count)),
        ],
        recommendation: 'Align client library versions across the application hosts.',
        commands: ['CLIENT LIST'],
        runbook: 'connection-limits',
      }),
    );
  },
};

export const clientChecks: Check[] = [monitorAttached, queryBuffers, transactions, paused, clientFlags, otherDatabases, clientLibraries];
