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
 * Allow-listed commands that can still be expensive: refused with the tool to use instead, so a
 * read-only call cannot stall a production server.
 */
function refuseExpensive(command: string, args: string[]): void {
  const upper = command.toUpperCase();
  const words = args.map((a) => a.toUpperCase());
  const refuse = (why: string) => {
    throw new ValidationError(`redis_command: ${why}`);
  };
  if (upper === 'SCAN') refuse('use redis_sample_keys, redis_big_keys or redis_hot_keys to walk the keyspace (they bound their time)');
  if (upper === 'MEMORY' && words[0] === 'USAGE' && words.includes('SAMPLES') && words[words.indexOf('SAMPLES') + 1] === '0')
    refuse('MEMORY USAGE … SAMPLES 0 walks the whole value; leave SAMPLES at its default');
  if (upper === 'XINFO' && words[0] === 'STREAM' && words.includes('FULL') && !words.includes('COUNT')) refuse('XINFO STREAM … FULL needs COUNT (at most 100)');
  const count = words.indexOf('COUNT');
  if (count >= 0 && Number(words[count + 1]) > 1000) refuse('COUNT above 1000 is refused: ask for less');
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
    refuseExpensive(command, args);
    return onTarget(ctx, async (redis) => ({ command: [command.toUpperCase(), ...args].join(' '), reply: mask(command, await redis.call(command, ...args)) }));
  },
  summarize: (data: { command: string }) => data.command,
});
