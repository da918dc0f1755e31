/**
 * Reads a target refuses for good: its user lacks the permission (NOPERM), or the command is
 * renamed or disabled (managed services rename CONFIG, deny DEBUG, …). Retrying will not change
 * the answer. Pure text helpers: the error class (core/target-redis.ts) writes the message, the
 * report reads it back to list what could not be read.
 */

export type UnavailableWhy = 'denied' | 'unknown';

const PREFIX = 'could not read ';

export function unreadableMessage(command: string, why: UnavailableWhy, endpoint: string): string {
  const grant = command.toLowerCase().replace(' ', '|');
  const reason =
    why === 'denied'
      ? `the ACL user has no permission for it (NOPERM); grant +${grant} (the README's least-privilege ACL line has every command the agent reads)`
      : 'the server does not know this command: it is renamed or disabled (as managed services do)';
  return `${PREFIX}${command} on ${endpoint}: ${reason}`;
}

/** Why a reply refuses a read for good, or undefined when it is some other error. */
export function unavailableReason(reply: string): UnavailableWhy | undefined {
  if (/^NOPERM\b/.test(reply)) return 'denied';
  if (/^ERR unknown (command|subcommand)\b/i.test(reply)) return 'unknown';
  return undefined;
}

/** The command and reason of a tool error that is a refused read ("redis_memory: could not read MEMORY STATS on …: …"). */
export function parseUnreadable(error: string): { command: string; reason: string } | undefined {
  const m = /could not read ([A-Z][A-Z-]*(?: [A-Z][A-Z-]*)?) on \S+: (.*)$/.exec(error);
  return m ? { command: m[1], reason: m[2] } : undefined;
}
