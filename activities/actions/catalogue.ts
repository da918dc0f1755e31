import { z } from 'zod';
import type { ActionProposal } from '../../core/actions/types';
import { parseClientList, parseSlowlog } from '../../core/redis-replies';
import { AGENT_CLIENT_NAME, type RedisCommands } from '../../core/target-redis';
import { readConfig, readInfoFields } from '../tools/redis/target';
import { CONFIG_PARAM_NAMES, CONFIG_PARAMS, normalizeConfigValue, parseMemory } from './config-params';
import { defineAction, type ActionContext, type ActionDefinition } from './define';
import { replicaFailover } from './replica-failover';

/**
 * The catalogue of remediation actions: everything the agent can change on a target, each only
 * after a person approves it (workflows/remediation.ts). Writes nothing else: the connection an
 * action runs on permits exactly the commands its definition returns.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls INFO until done() says so, for background jobs (BGSAVE, BGREWRITEAOF): at most `seconds`. */
async function waitForInfo(ctx: ActionContext, seconds: number, done: (info: Record<string, string>) => boolean): Promise<Record<string, string>> {
  let info = await readInfoFields(ctx.read, 'persistence');
  for (let i = 0; i < seconds * 2 && !done(info); i++) {
    ctx.heartbeat();
    await sleep(500);
    info = await readInfoFields(ctx.read, 'persistence');
  }
  return info;
}

const configSet = defineAction({
  name: 'config_set',
  description:
    'CONFIG SET one allow-listed parameter (maxmemory-policy, maxmemory, slowlog and latency thresholds, timeout, maxclients, lazyfree, activedefrag, appendfsync, hz), the current value kept for rollback; optionally CONFIG REWRITE.',
  schema: z
    .object({
      parameter: z.enum(CONFIG_PARAM_NAMES).describe('The configuration parameter to change, e.g. maxmemory-policy'),
      value: z.string().min(1).max(64).describe('The new value, e.g. allkeys-lru or 2gb'),
      expected_current: z
        .string()
        .max(64)
        .optional()
        .describe('The value when the action was proposed: if the parameter has changed since, the action refuses instead of overwriting'),
      rewrite: z.boolean().default(false).describe('Also persist the change to the config file with CONFIG REWRITE'),
    })
    .strict()
    .superRefine((args, ctx) => {
      const parsed = CONFIG_PARAMS[args.parameter].value.safeParse(args.value);
      if (!parsed.success)
        ctx.addIssue({ code: 'custom', path: ['value'], message: `${args.parameter}: ${parsed.error.issues[0]?.message ?? 'invalid value'}` });
    }),
  risk: (a) => CONFIG_PARAMS[a.parameter].risk,
  title: (a) => `Set ${a.parameter} to ${a.value}${a.rewrite ? ' (and CONFIG REWRITE)' : ''}`,
  precondition: {
    describe: (a) =>
      `${a.parameter} is ${a.expected_current !== undefined ? `still ${a.expected_current}` : `not already ${a.value}`}${a.parameter === 'maxmemory' ? ', and the new limit is above used_memory' : ''}${a.parameter === 'maxclients' ? ', and the new limit is above connected_clients' : ''}`,
    async check(a, ctx) {
      const current = (await readConfig(ctx.read, a.parameter))[a.parameter];
      if (current === undefined) return { holds: false, reason: `CONFIG GET ${a.parameter} returned nothing: this server does not have the parameter` };
      const norm = (v: string) => normalizeConfigValue(a.parameter, v);
      if (norm(current) === norm(a.value)) return { holds: false, reason: `${a.parameter} is already ${current}: nothing to change` };
      if (a.expected_current !== undefined && norm(current) !== norm(a.expected_current))
        return {
          holds: false,
          reason: `${a.parameter} is now ${current}, not ${a.expected_current} as when the action was proposed: it changed while waiting, so nothing was overwritten`,
        };
      if (a.parameter === 'maxmemory' || a.parameter === 'maxclients') {
        const info = await readInfoFields(ctx.read, a.parameter === 'maxmemory' ? 'memory' : 'clients');
        const field = a.parameter === 'maxmemory' ? 'used_memory' : 'connected_clients';
        const now = Number(info[field]);
        const next = a.parameter === 'maxmemory' ? parseMemory(a.value)! : Number(a.value);
        if (next !== 0 && Number.isFinite(now) && next <= now)
          return { holds: false, reason: `the new ${a.parameter} ${a.value} is not above ${field} ${now}` };
      }
      return { holds: true, before: { [a.parameter]: current } };
    },
  },
  commands: (a) => [['CONFIG', 'SET', a.parameter, a.value], ...(a.rewrite ? [['CONFIG', 'REWRITE']] : [])],
  async verify(a, ctx) {
    const now = (await readConfig(ctx.read, a.parameter))[a.parameter];
    const passed = now !== undefined && normalizeConfigValue(a.parameter, now) === normalizeConfigValue(a.parameter, a.value);
    return { after: { [a.parameter]: now }, verification: { passed, detail: `CONFIG GET ${a.parameter} → ${now ?? '(nothing)'}` } };
  },
  rollback: {
    describe: (a) => `CONFIG SET ${a.parameter} back to the value it had before`,
    proposal: (a, before): ActionProposal => ({
      action: 'config_set',
      arguments: { parameter: a.parameter, value: String(before[a.parameter]), expected_current: a.value, rewrite: a.rewrite },
      reason: `Undo: set ${a.parameter} back to ${String(before[a.parameter])}`,
    }),
  },
});

const CLIENT_TYPES = ['normal', 'pubsub', 'replica', 'master'] as const;
const MAX_CLIENTS_KILLED = 100;

interface ClientBriefing {
  id: string;
  addr: string;
  name: string;
  user: string;
  idle: number;
  cmd: string;
}

async function agentClientIds(redis: RedisCommands): Promise<string> {
  return String(await redis.call('CLIENT', 'ID'));
}

const clientKill = defineAction({
  name: 'client_kill',
  description: `Disconnect clients chosen by id, address, user or type (at most ${MAX_CLIENTS_KILLED}); never the agent's own connections.`,
  schema: z
    .object({
      id: z.number().int().positive().optional().describe('A client id from CLIENT LIST'),
      addr: z
        .string()
        .regex(/^[\w.:[\]-]+:\d+$/, 'ip:port as CLIENT LIST shows it')
        .optional()
        .describe('A client address ip:port from CLIENT LIST'),
      user: z.string().min(1).max(128).optional().describe('Every client authenticated as this ACL user'),
      type: z.enum(CLIENT_TYPES).optional().describe('Every client of this type (normal, pubsub, replica, master)'),
    })
    .strict()
    .refine((a) => [a.id, a.addr, a.user, a.type].filter((v) => v !== undefined).length === 1, 'give exactly one of id, addr, user, type'),
  risk: (a) => (a.type === 'replica' || a.type === 'master' ? 'high' : 'medium'),
  title: (a) => `Disconnect client${a.id !== undefined ? ` ${a.id}` : a.addr ? ` ${a.addr}` : a.user ? `s of user ${a.user}` : `s of type ${a.type}`}`,
  precondition: {
    describe: () => `the clients still exist, number at most ${MAX_CLIENTS_KILLED}, and none is the agent's own`,
    async check(a, ctx) {
      const own = await agentClientIds(ctx.read);
      const all = parseClientList(String(await ctx.read.call('CLIENT', 'LIST')));
      const matching = all.filter((c) =>
        a.id !== undefined ? c.id === String(a.id) : a.addr ? c.addr === a.addr : a.user ? c.user === a.user : clientType(c.flags) === a.type,
      );
      const agents = matching.filter((c) => c.id === own || c.name === AGENT_CLIENT_NAME);
      if ((a.id !== undefined || a.addr) && agents.length)
        return { holds: false, reason: "that is one of the agent's own connections: it never disconnects itself" };
      const targets = matching.filter((c) => !agents.includes(c));
      if (targets.length === 0) return { holds: false, reason: 'no client matches any more: nothing to disconnect' };
      if (targets.length > MAX_CLIENTS_KILLED)
        return { holds: false, reason: `${targets.length} clients match, more than ${MAX_CLIENTS_KILLED}: narrow the selection` };
      const clients: ClientBriefing[] = targets.map((c) => ({
        id: c.id,
        addr: c.addr,
        name: c.name,
        user: c.user ?? '',
        idle: c.idle,
        cmd: c.cmd ?? '',
      }));
      return { holds: true, before: { clients } };
    },
  },
  commands: (_a, before) => (before.clients as ClientBriefing[]).map((c) => ['CLIENT', 'KILL', 'ID', c.id]),
  plannedCommands: (a) => [
    a.id !== undefined
      ? `CLIENT KILL ID ${a.id}`
      : `CLIENT KILL ID <each client with ${a.addr ? `addr ${a.addr}` : a.user ? `user ${a.user}` : `type ${a.type}`}>`,
  ],
  async verify(_a, ctx, before) {
    const ids = new Set((before.clients as ClientBriefing[]).map((c) => c.id));
    const left = parseClientList(String(await ctx.read.call('CLIENT', 'LIST'))).filter((c) => ids.has(c.id));
    return {
      after: { still_connected: left.map((c) => c.id) },
      verification: { passed: left.length === 0, detail: left.length ? `${left.length} of ${ids.size} still connected` : `${ids.size} client(s) disconnected` },
    };
  },
});

function clientType(flags: string): (typeof CLIENT_TYPES)[number] {
  if (flags.includes('S')) return 'replica';
  if (flags.includes('M')) return 'master';
  if (flags.includes('P')) return 'pubsub';
  return 'normal';
}

const MAX_KEYS = 20;

const unlinkKeys = defineAction({
  name: 'unlink_keys',
  description: `UNLINK named keys (at most ${MAX_KEYS}; memory is freed in the background). Deleted data cannot be brought back by the agent.`,
  schema: z
    .object({
      keys: z
        .array(z.string().min(1).max(512).describe('A key name, exactly'))
        .min(1)
        .max(MAX_KEYS)
        .describe(`The keys to delete, by exact name (1 to ${MAX_KEYS}, no patterns)`),
    })
    .strict(),
  risk: () => 'high',
  title: (a) => `Delete ${a.keys.length} key(s): ${a.keys.slice(0, 3).join(', ')}${a.keys.length > 3 ? ', …' : ''}`,
  precondition: {
    describe: () => 'at least one of the keys still exists (only the ones that exist are deleted)',
    async check(a, ctx) {
      const existing: string[] = [];
      for (const key of a.keys) if (Number(await ctx.read.call('EXISTS', key)) === 1) existing.push(key);
      if (existing.length === 0) return { holds: false, reason: 'none of the keys exists any more: nothing to delete' };
      return { holds: true, before: { existing } };
    },
  },
  commands: (_a, before) => [['UNLINK', ...(before.existing as string[])]],
  plannedCommands: (a) => [`UNLINK ${a.keys.join(' ')}`],
  async verify(_a, ctx, before) {
    const existing = before.existing as string[];
    const left = Number(await ctx.read.call('EXISTS', ...existing));
    return {
      after: { existing: left },
      verification: { passed: left === 0, detail: left ? `${left} of ${existing.length} still exist` : `${existing.length} key(s) gone` },
    };
  },
});

/** A background job: the precondition (nothing of the kind running) and the verification (it finished, status ok). */
function backgroundJob(options: {
  name: string;
  command: string;
  description: string;
  title: string;
  need?: (info: Record<string, string>) => string | undefined;
  counter: string;
  status: string;
  inProgress: string;
}): ActionDefinition {
  return defineAction({
    name: options.name,
    description: options.description,
    schema: z.object({}).strict(),
    risk: () => 'low',
    title: () => options.title,
    precondition: {
      describe: () => 'no background save or AOF rewrite is running',
      async check(_a, ctx) {
        const info = await readInfoFields(ctx.read, 'persistence');
        const missing = options.need?.(info);
        if (missing) return { holds: false, reason: missing };
        if (info.rdb_bgsave_in_progress === '1' || info.aof_rewrite_in_progress === '1')
          return { holds: false, reason: 'a background save or AOF rewrite is already running: wait for it to finish' };
        return { holds: true, before: { [options.counter]: info[options.counter], [options.status]: info[options.status] } };
      },
    },
    commands: () => [[options.command]],
    async verify(_a, ctx, before) {
      const info = await waitForInfo(ctx, 60, (i) => i[options.inProgress] === '0' && i[options.counter] !== before[options.counter]);
      const finished = info[options.counter] !== before[options.counter] && info[options.inProgress] === '0';
      const passed = finished && info[options.status] === 'ok';
      return {
        after: { [options.counter]: info[options.counter], [options.status]: info[options.status] },
        verification: {
          passed,
          detail: finished ? `${options.status}: ${info[options.status]}` : `still running after 60 s (${options.inProgress}=${info[options.inProgress]})`,
        },
      };
    },
  });
}

const bgsave = backgroundJob({
  name: 'bgsave',
  command: 'BGSAVE',
  description: 'BGSAVE: write an RDB snapshot in a forked child (the fork briefly pauses a large instance).',
  title: 'Write an RDB snapshot (BGSAVE)',
  counter: 'rdb_last_save_time',
  status: 'rdb_last_bgsave_status',
  inProgress: 'rdb_bgsave_in_progress',
});

const bgrewriteaof = backgroundJob({
  name: 'bgrewriteaof',
  command: 'BGREWRITEAOF',
  description: 'BGREWRITEAOF: compact the append-only file in a forked child.',
  title: 'Rewrite the append-only file (BGREWRITEAOF)',
  need: (info) => (info.aof_enabled !== '1' ? 'appendonly is off: there is no AOF to rewrite' : undefined),
  counter: 'aof_last_rewrite_time_sec',
  status: 'aof_last_bgrewrite_status',
  inProgress: 'aof_rewrite_in_progress',
});

const MEMORY_FIELDS = ['used_memory_rss', 'mem_fragmentation_ratio', 'allocator_frag_ratio'] as const;
const pick = (info: Record<string, string>) => Object.fromEntries(MEMORY_FIELDS.map((f) => [f, info[f]]));

const memoryPurge = defineAction({
  name: 'memory_purge',
  description: 'MEMORY PURGE: ask jemalloc to return dirty pages to the OS (lowers RSS when fragmentation is from freed memory).',
  schema: z.object({}).strict(),
  risk: () => 'low',
  title: () => 'Release freed memory to the OS (MEMORY PURGE)',
  precondition: {
    describe: () => 'the allocator is jemalloc (MEMORY PURGE does nothing otherwise)',
    async check(_a, ctx) {
      const info = await readInfoFields(ctx.read, 'memory');
      if (!String(info.mem_allocator ?? '').startsWith('jemalloc'))
        return { holds: false, reason: `the allocator is ${info.mem_allocator ?? 'unknown'}, not jemalloc` };
      return { holds: true, before: pick(info) };
    },
  },
  commands: () => [['MEMORY', 'PURGE']],
  async verify(_a, ctx, before) {
    const after = pick(await readInfoFields(ctx.read, 'memory'));
    return { after, verification: { passed: true, detail: `used_memory_rss ${before.used_memory_rss} → ${after.used_memory_rss}` } };
  },
});

const slowlogReset = defineAction({
  name: 'slowlog_reset',
  description: 'SLOWLOG RESET, after the current entries are saved in the thread (so the evidence survives).',
  schema: z.object({}).strict(),
  risk: () => 'low',
  title: () => 'Clear the slow log (entries saved in the thread first)',
  precondition: {
    describe: () => 'the slow log has entries; they are saved in the thread before it is cleared',
    async check(_a, ctx) {
      const length = Number(await ctx.read.call('SLOWLOG', 'LEN'));
      if (!length) return { holds: false, reason: 'the slow log is already empty' };
      const entries = parseSlowlog(await ctx.read.call('SLOWLOG', 'GET', 128)).map((e) => ({
        id: e.id,
        at: new Date(e.at * 1000).toISOString(),
        duration_us: e.durationUs,
        command: [e.command, ...e.args].join(' ').slice(0, 200),
      }));
      return { holds: true, before: { length, entries } };
    },
  },
  commands: () => [['SLOWLOG', 'RESET']],
  async verify(_a, ctx, before) {
    const length = Number(await ctx.read.call('SLOWLOG', 'LEN'));
    return { after: { length }, verification: { passed: length < Number(before.length), detail: `SLOWLOG LEN ${String(before.length)} → ${length}` } };
  },
});

const mcpWrite = defineAction({
  name: 'mcp_write',
  description: "Call an external MCP server's tool that is classed as a write, with the arguments shown (the server validates them).",
  schema: z
    .object({
      tool: z
        .string()
        .regex(/^mcp_[\w-]+$/, 'an external tool name, mcp_<server>_<tool>')
        .describe('The external tool, as the agent names it: mcp_<server>_<tool>'),
      arguments: z.record(z.string(), z.unknown()).default({}).describe("The tool's arguments"),
    })
    .strict(),
  risk: () => 'high',
  title: (a) => `Run ${a.tool}`,
  precondition: {
    describe: (a) => `${a.tool} is still connected and classed as a write`,
    async check(a, ctx) {
      const tool = ctx.deps.registry.get(a.tool);
      if (!tool) return { holds: false, reason: `${a.tool} is not connected to this worker` };
      if (tool.access !== 'write') return { holds: false, reason: `${a.tool} is a read tool: it needs no approval` };
      return { holds: true, before: {} };
    },
  },
  commands: () => [],
  plannedCommands: (a) => [`${a.tool} ${JSON.stringify(a.arguments)}`],
  async run(a, ctx) {
    const tool = ctx.deps.registry.get(a.tool)!;
    const result = (await tool.handler(tool.schema.parse(a.arguments), {
      call: { callId: `action-${a.tool}`, taskId: ctx.taskId, threadId: ctx.threadId, args: a.arguments },
      deps: ctx.deps,
      heartbeat: ctx.heartbeat,
      footprint: undefined as never,
      instance: () => ctx.deps.instances.resolve(ctx.instanceId),
    })) as { text?: string };
    return { text: String(result?.text ?? '').slice(0, 2000) };
  },
  async verify(_a, _ctx, before) {
    return { after: before, verification: { passed: true, detail: 'the tool answered without an error' } };
  },
});

export const ACTIONS: ActionDefinition[] = [
  configSet,
  clientKill,
  unlinkKeys,
  bgrewriteaof,
  bgsave,
  memoryPurge,
  slowlogReset,
  mcpWrite,
  replicaFailover,
] as ActionDefinition[];

export function actionNamed(name: string): ActionDefinition | undefined {
  return ACTIONS.find((a) => a.name === name);
}
