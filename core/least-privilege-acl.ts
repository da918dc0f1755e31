/**
 * The least-privilege ACL for the agent's user on a target: exactly what its connection and its
 * dedicated tools send, and nothing that writes. README and tests read this one list, so the
 * documented line cannot drift from what the tools need.
 */

/**
 * Sent by the connection itself, not through the grammar: ioredis names the connection at
 * connect (CLIENT SETNAME, so the agent's own traffic is recognised) and SELECTs a db other than 0;
 * a connection to a cluster node sends READONLY so a replica answers key reads (no effect on data).
 */
export const CONNECTION_COMMANDS = ['client|setname', 'select', 'readonly'] as const;

/** Sent by the redis_* tools (every one is in core/command-grammar.ts), as `command` or `command|subcommand`. */
export const TOOL_COMMANDS = [
  'ping',
  'info',
  'dbsize',
  'config|get',
  'client|list',
  'slowlog|get',
  'slowlog|len',
  'latency|latest',
  'latency|doctor',
  'memory|stats',
  'memory|doctor',
  'memory|usage',
  'acl|list',
  'acl|log',
  'command|info',
  'cluster|info',
  'cluster|nodes',
  'cluster|shards',
  // The keyspace tools read metadata only: type, TTL, size, encoding, idle frequency.
  'scan',
  'type',
  'ttl',
  'pttl',
  'exists',
  'strlen',
  'llen',
  'hlen',
  'scard',
  'zcard',
  'xlen',
  'object|encoding',
  'object|freq',
  'xinfo|groups',
] as const;

/**
 * `%R~*`: the key commands above take keys, and Redis checks a key pattern for each. None of them
 * returns a value (the allow-list has no GET, HGET, LRANGE…), so read-only access to every key name
 * is the narrowest grant under which SCAN-sampled keys can be sized. No channels: no pub/sub.
 */
const KEYS_AND_CHANNELS = ['resetkeys', '%R~*', 'resetchannels'];

export function leastPrivilegeRules(): string[] {
  return [...KEYS_AND_CHANNELS, '-@all', ...[...CONNECTION_COMMANDS, ...TOOL_COMMANDS].map((c) => `+${c}`)];
}

/** The one line an operator runs on the target (the password placeholder is theirs to fill). */
export function leastPrivilegeAclLine(user = 'sre-agent', password = '<password>'): string {
  return `ACL SETUSER ${user} reset on >${password} ${leastPrivilegeRules().join(' ')}`;
}

/**
 * Sent to a sentinel instance's sentinels (their own ACL: Redis 6.2+ sentinels have users, see
 * https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinel-access-control-list-authentication):
 * the read-only SENTINEL subcommands that find the master and check quorum, and INFO for TILT.
 */
export const SENTINEL_COMMANDS = [
  'info',
  'sentinel|get-master-addr-by-name',
  'sentinel|master',
  'sentinel|replicas',
  'sentinel|sentinels',
  'sentinel|ckquorum',
] as const;

/** The user's rules on each sentinel: no keys, no channels, only the reads above and the connection's name. */
export function sentinelLeastPrivilegeRules(): string[] {
  return ['resetkeys', 'resetchannels', '-@all', ...['client|setname', ...SENTINEL_COMMANDS].map((c) => `+${c}`)];
}

export function sentinelLeastPrivilegeAclLine(user = 'sre-agent', password = '<password>'): string {
  return `ACL SETUSER ${user} reset on >${password} ${sentinelLeastPrivilegeRules().join(' ')}`;
}
