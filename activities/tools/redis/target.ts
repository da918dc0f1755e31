import type { TargetRedis } from '../../../core/target-redis';
import type { ToolContext } from '../define';
import { flattenInfo, pairsToObject, parseInfo, type InfoSections } from './parse';

/** Runs fn against the task's target Redis over the worker's shared read-only connection. */
export async function onTarget<T>(ctx: ToolContext, fn: (redis: TargetRedis) => Promise<T>): Promise<T> {
  return ctx.deps.targets.use(await ctx.instance(), fn);
}

export async function readInfo(redis: TargetRedis, section = 'everything'): Promise<InfoSections> {
  return parseInfo(String(await redis.call('INFO', section)));
}

export async function readInfoFields(redis: TargetRedis, section = 'everything'): Promise<Record<string, string>> {
  return flattenInfo(await readInfo(redis, section));
}

/** CONFIG GET for several parameters at once, as a map. */
export async function readConfig(redis: TargetRedis, ...params: string[]): Promise<Record<string, string>> {
  return pairsToObject(await redis.call('CONFIG', 'GET', ...params)) as Record<string, string>;
}

/** Values that must never leave the tool: replaced with whether they are set. */
const SECRET_PARAMS = /^(requirepass|masterauth|masteruser|tls-key-file-pass|tls-client-key-file-pass)$/i;

export function redactConfig(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, SECRET_PARAMS.test(k) ? (v ? '(set)' : '(not set)') : v]));
}
