import { CommandUnavailableError, type RedisCommands } from '../../../core/target-redis';
import type { ToolContext } from '../define';
import { flattenInfo, pairsToObject, parseInfo, type InfoSections } from '../../../core/redis-replies';

/**
 * Runs fn against the task's target Redis over the worker's shared read-only connection; every
 * command is measured for the call's footprint on the target.
 */
export async function onTarget<T>(ctx: ToolContext, fn: (redis: RedisCommands) => Promise<T>): Promise<T> {
  return ctx.deps.targets.use(await ctx.instance(), (redis) => fn(ctx.footprint.wrap(redis)));
}

/**
 * Like onTarget, on a pooled connection of its own: for a tool that sends thousands of probes,
 * so the commands of the tools running beside it (whose paced walks read round-trip times) do
 * not queue behind its replies on the shared connection.
 */
export async function onOwnConnection<T>(ctx: ToolContext, purpose: string, fn: (redis: RedisCommands) => Promise<T>): Promise<T> {
  const instance = await ctx.instance();
  return ctx.deps.targets.use({ ...instance, id: `${instance.id}/${purpose}` }, (redis) => fn(ctx.footprint.wrap(redis)));
}

export async function readInfo(redis: RedisCommands, section = 'everything'): Promise<InfoSections> {
  return parseInfo(String(await redis.call('INFO', section)));
}

export async function readInfoFields(redis: RedisCommands, section = 'everything'): Promise<Record<string, string>> {
  return flattenInfo(await readInfo(redis, section));
}

/** CONFIG GET for several parameters at once, as a map. */
export async function readConfig(redis: RedisCommands, ...params: string[]): Promise<Record<string, string>> {
  return pairsToObject(await redis.call('CONFIG', 'GET', ...params)) as Record<string, string>;
}

/**
 * CONFIG GET where a tool can do without it: on a target that renamed CONFIG away or denies it to
 * the agent's user, the tool answers with what else it read, and its `unreadable` list says what
 * it could not read and why (the report lists it). Other errors still fail the tool.
 */
export function readConfigIfReadable(redis: RedisCommands, unreadable: string[], ...params: string[]): Promise<Record<string, string>> {
  return ifReadable(unreadable, readConfig(redis, ...params), {});
}

/** Any side read a tool can do without: the fallback, and a note in `unreadable`, when the target refuses it for good. */
export async function ifReadable<T>(unreadable: string[], read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (!(err instanceof CommandUnavailableError)) throw err;
    unreadable.push(err.message);
    return fallback;
  }
}

/** A tool's data with what it could not read, when anything. */
export function withUnreadable<T extends object>(data: T, unreadable: string[]): T & { unreadable?: string[] } {
  return unreadable.length ? { ...data, unreadable: [...new Set(unreadable)] } : data;
}

/** Values that must never leave the tool (Valkey 8+ also names the master's password primaryauth). */
const SECRET_PARAMS = /^(requirepass|masterauth|masteruser|primaryauth|primaryuser|tls-key-file-pass|tls-client-key-file-pass)$/i;

export function redactConfig(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, SECRET_PARAMS.test(k) ? (v ? '(set)' : '(not set)') : v]));
}
