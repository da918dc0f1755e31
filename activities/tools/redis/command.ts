import { z } from 'zod';
import { ValidationError } from '../../../core/errors';
import { redisTool } from './tool';
import { pairsToObject } from '../../../core/redis-replies';
import { onTarget, redactConfig } from './target';

/**
 * One read-only command of the model's choosing, for what no dedicated tool covers
 * (XINFO GROUPS, OBJECT ENCODING, TTL, PUBSUB NUMSUB…). The connection's allow-list refuses
 * anything else before it reaches Redis; secrets in replies are masked.
 */

function mask(command: string, reply: unknown): unknown {
  const upper = command.toUpperCase();
  if (upper === 'CONFIG' && Array.isArray(reply)) return redactConfig(pairsToObject(reply) as Record<string, string>);
  if (upper === 'ACL') return JSON.parse(JSON.stringify(reply ?? null).replace(/#[0-9a-f]{64}/g, '#<password hash>'));
  return reply;
}

/**
 * The keyspace is walked only by the tools that bound and pace their scans; every other bound
 * (counts, samples, FULL without COUNT, resets) is the connection's grammar's, for every tool.
 */
function refuseScan(command: string): void {
  if (command.toUpperCase() === 'SCAN')
    throw new ValidationError('redis_command: use redis_sample_keys, redis_big_keys or redis_hot_keys to walk the keyspace (they bound their time)');
}

export const redisCommand = redisTool({
  name: 'redis_command',
  description:
    'Runs ONE read-only Redis command and returns its reply, for checks no other tool covers, e.g. {"command":"XINFO","args":["GROUPS","orders"]}, {"command":"OBJECT","args":["ENCODING","user:1"]}, {"command":"TTL","args":["session:9"]}. Only allow-listed read commands are sent; writes, CONFIG SET, FLUSHALL, KEYS, DEBUG, SHUTDOWN and anything unlisted are refused before reaching Redis. Use SCAN, never KEYS.',
  schema: z
    .object({
      command: z
        .string()
        .regex(/^[A-Za-z][A-Za-z-]{0,39}$/, 'a Redis command name such as XINFO')
        .describe('One allow-listed read-only Redis command name, e.g. XINFO, OBJECT, TTL, MEMORY'),
      args: z
        .array(z.string().max(512).describe('One argument, e.g. a subcommand or a key name'))
        .max(20)
        .default([])
        .describe('The arguments in order, at most 20, e.g. ["GROUPS", "orders"] for XINFO GROUPS orders'),
    })
    .strict(),
  handler: async ({ command, args }, ctx) => {
    refuseScan(command);
    return onTarget(ctx, async (redis) => ({ command: [command.toUpperCase(), ...args].join(' '), reply: mask(command, await redis.call(command, ...args)) }));
  },
  summarize: (data: { command: string }) => data.command,
});
