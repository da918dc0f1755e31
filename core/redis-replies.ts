/** Parsers for Redis reply formats. Pure functions: the rules engine and tests reuse them. */

export type InfoSections = Record<string, Record<string, string>>;

/** INFO text → { section: { field: value } }, section names lower-cased. */
export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {};
  let current = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      current = line.slice(1).trim().toLowerCase();
      sections[current] ??= {};
      continue;
    }
    const at = line.indexOf(':');
    if (at <= 0) continue;
    (sections[current] ??= {})[line.slice(0, at)] = line.slice(at + 1);
  }
  return sections;
}

/** Merges sections into one field map (INFO field names are unique across sections). */
export function flattenInfo(sections: InfoSections): Record<string, string> {
  return Object.assign({}, ...Object.values(sections));
}

/** "keys=10,expires=2,avg_ttl=0" → { keys: 10, expires: 2, avg_ttl: 0 } */
export function parseInfoPairs(value: string): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const part of value.split(',')) {
    const [k, v] = part.split('=');
    if (!k || v === undefined) continue;
    out[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  return out;
}

export interface ClientEntry {
  id: string;
  addr: string;
  host: string;
  name: string;
  age: number;
  idle: number;
  flags: string;
  db: number;
  sub: number;
  psub: number;
  cmd: string;
  qbuf: number;
  omem: number;
  totMem: number;
  oll: number;
  user: string;
}

export function parseClientList(text: string): ClientEntry[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const f: Record<string, string> = {};
      for (const token of line.trim().split(' ')) {
        const at = token.indexOf('=');
        if (at > 0) f[token.slice(0, at)] = token.slice(at + 1);
      }
      const addr = f.addr ?? '';
      return {
        id: f.id ?? '',
        addr,
        host: addr.includes(':') ? addr.slice(0, addr.lastIndexOf(':')) : addr,
        name: f.name ?? '',
        age: Number(f.age ?? 0),
        idle: Number(f.idle ?? 0),
        flags: f.flags ?? '',
        db: Number(f.db ?? 0),
        sub: Number(f.sub ?? 0),
        psub: Number(f.psub ?? 0),
        cmd: f.cmd ?? '',
        qbuf: Number(f.qbuf ?? 0),
        omem: Number(f.omem ?? 0),
        totMem: Number(f['tot-mem'] ?? 0),
        oll: Number(f.oll ?? 0),
        user: f.user ?? '',
      };
    });
}

export interface SlowlogEntry {
  id: number;
  at: number;
  durationUs: number;
  command: string;
  args: string[];
  client: string;
  clientName: string;
}

/** SLOWLOG GET reply (nested arrays) → entries, args cut to keep replies small. */
export function parseSlowlog(reply: unknown): SlowlogEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((raw) => {
    const entry = raw as unknown[];
    const argv = Array.isArray(entry[3]) ? (entry[3] as unknown[]).map(String) : [];
    return {
      id: Number(entry[0]),
      at: Number(entry[1]),
      durationUs: Number(entry[2]),
      command: (argv[0] ?? '').toUpperCase(),
      args: argv.slice(1, 6).map((a) => (a.length > 64 ? `${a.slice(0, 61)}...` : a)),
      client: String(entry[4] ?? ''),
      clientName: String(entry[5] ?? ''),
    };
  });
}

/** Flat [k1, v1, k2, v2] arrays (CONFIG GET, MEMORY STATS) → object; nested arrays recurse. */
export function pairsToObject(reply: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const value = reply[i + 1];
    out[String(reply[i])] = Array.isArray(value) && value.length % 2 === 0 && value.length > 0 && typeof value[0] === 'string' ? pairsToObject(value) : value;
  }
  return out;
}

/** Converts numeric-looking strings so rules and the model see numbers. */
export function numeric(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
