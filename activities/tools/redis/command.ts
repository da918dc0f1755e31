import { z } from 'zod';
import { redisTool } from './tool';
import { onTarget, redactConfig } from './target';

/**
 * One read-only command of the model's choosing, for what no dedicated tool covers
 * (XINFO GROUPS, OBJECT ENCODING, TTL, PUBSUB NUMSUB…). The connection's allow-list refuses
 * anything else before it reaches Redis; secrets in replies are masked.
 */

function mask(command: string, reply: unknown): unknown {
  const upper = command.toUpperCase();
  if (upper === 'CONFIG' && Array.isArray(reply)) {
    const pairs: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) pairs[String(reply[i])] = String(reply[i + 1]);
    return redactConfig(pairs);
  }
  if (upper === 'ACL') return JSON.parse(JSON.stringify(reply ?? null).replace(/#[0-9a-f]{64}/g, '#<password hash>'));
  return reply;
}

export const redisCommand = redisTool({
  name: 'redis_command',
  description:
    'Runs ONE read-only Redis command and returns its reply, for checks no other tool covers, e.g. {"command":"XINFO","args":["GROUPS","orders"]}, {"command":"OBJECT","args":["ENCODING","user:1"]}, {"command":"TTL","args":["session:9"]}. Only allow-listed read commands are sent; writes, CONFIG SET, FLUSHALL, KEYS, DEBUG, SHUTDOWN and anything unlisted are refused before reaching Redis. Use SCAN, never KEYS.',
  schema: z
    .object({
      command: z.string().regex(/^[A-Za-z][A-Za-z-]{0,39}$/, 'a Redis command name such as XINFO'),
      args: z.array(z.string().max(512)).max(20).default([]),
    })
    .strict(),
    handler: async ({ command, args }, ctx) => onTarget(ctx, async (redis) => ({ command: [command.toUpperCase(), ...args].join(' '), reply: mask(command, await redis.call(command, ...args)) })),
  summarize: (data: { command: string }) => data.command,
});
