/**
 * Comparing Redis configuration values as the server does: sizes in any unit ("64mb" is
 * 67108864, "1gb" is 1073741824; redis.conf: 1k = 1000 but 1kb = 1024), words case-insensitively.
 * A CONFIG SET to the value the server already has changes nothing, and recommending one (as a
 * real model did, issue 13) tells the SRE the advice was not read from the evidence.
 */
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i;
const FACTORS: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1_000_000, mb: 1024 ** 2, g: 1_000_000_000, gb: 1024 ** 3 };

export function configSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  return m ? Number(m[1]) * FACTORS[(m[2] ?? 'b').toLowerCase()] : undefined;
}

export function sameConfigValue(current: string, proposed: string): boolean {
  const a = current.trim().toLowerCase();
  const b = proposed
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (a === b) return true;
  const x = configSize(a);
  const y = configSize(b);
  return x !== undefined && y !== undefined && /\d/.test(b) && x === y;
}

/** `CONFIG SET <param> <value>` in a command line, when it is one (one parameter; multi-parameter forms are left alone). */
export function parseConfigSet(command: string): { parameter: string; value: string } | undefined {
  const m = /^\s*CONFIG\s+SET\s+([a-z][a-z0-9-]*)\s+("[^"]*"|'[^']*'|\S+)\s*(#.*)?$/i.exec(command);
  return m ? { parameter: m[1].toLowerCase(), value: m[2].replace(/^["']|["']$/g, '') } : undefined;
}

/** Whether a command line is a CONFIG SET to today's value. */
export function isNoopConfigSet(command: string, current: (parameter: string) => string | undefined): boolean {
  const set = parseConfigSet(command);
  if (!set) return false;
  const now = current(set.parameter);
  return now !== undefined && sameConfigValue(now, set.value);
}
