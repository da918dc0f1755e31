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

/**
 * One CLIENT LIST line (networking.c catClientInfoString). Fields a version does not print read as
 * their "none" value: watch is 7.4+/Valkey 8+, lib-name/lib-ver 7.2+, tot-net-in/out and tot-cmds
 * Valkey 8+; Redis 7.0 prints the rest.
 */
export interface ClientEntry {
  id: string;
  addr: string;
  host: string;
  /** Local address the client connected to. */
  laddr: string;
  name: string;
  age: number;
  idle: number;
  /** Flag letters (O monitor, S replica, M master link, P pubsub, x MULTI, b blocked, t tracking, R broken redirect, d dirty CAS, A closing, e no-evict, T no-touch, N none). */
  flags: string;
  db: number;
  sub: number;
  psub: number;
  ssub: number;
  /** Commands queued in MULTI, -1 when not in a transaction. */
  multi: number;
  /** WATCHed keys (7.4+, Valkey 8+). */
  watch: number;
  cmd: string;
  /** Query buffer: bytes received and not yet executed, and the buffer's free space (allocated too). */
  qbuf: number;
  qbufFree: number;
  /** Arguments of the command being received, already parsed. */
  argvMem: number;
  /** Commands queued in MULTI, in bytes. */
  multiMem: number;
  /** Output: the fixed reply buffer's used bytes, the reply list's length and its memory. */
  obl: number;
  oll: number;
  omem: number;
  /** Everything the client holds: query buffer, arguments, MULTI queue, reply buffers, struct. */
  totMem: number;
  events: string;
  user: string;
  /** Client id receiving this client's tracking invalidations, -1 when none. */
  redir: number;
  resp: number;
  libName: string;
  libVer: string;
  /** Valkey 8+: bytes read from and sent to this client, commands it ran. */
  totNetIn?: number;
  totNetOut?: number;
  totCmds?: number;
}

/** CLIENT LIST reply → one entry per client. */
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
      const n = (key: string, none = 0) => (f[key] === undefined || f[key] === '' ? none : Number(f[key]));
      const optional = (key: string) => (f[key] === undefined ? undefined : Number(f[key]));
      const addr = f.addr ?? '';
      return {
        id: f.id ?? '',
        addr,
        host: addr.includes(':') ? addr.slice(0, addr.lastIndexOf(':')) : addr,
        laddr: f.laddr ?? '',
        name: f.name ?? '',
        age: n('age'),
        idle: n('idle'),
        flags: f.flags ?? '',
        db: n('db'),
        sub: n('sub'),
        psub: n('psub'),
        ssub: n('ssub'),
        multi: n('multi', -1),
        watch: n('watch'),
        cmd: f.cmd ?? '',
        qbuf: n('qbuf'),
        qbufFree: n('qbuf-free'),
        argvMem: n('argv-mem'),
        multiMem: n('multi-mem'),
        obl: n('obl'),
        oll: n('oll'),
        omem: n('omem'),
        totMem: n('tot-mem'),
        events: f.events ?? '',
        user: f.user ?? '',
        redir: n('redir', -1),
        resp: n('resp', 2),
        libName: f['lib-name'] ?? '',
        libVer: f['lib-ver'] ?? '',
        ...(f['tot-net-in'] !== undefined ? { totNetIn: optional('tot-net-in'), totNetOut: optional('tot-net-out'), totCmds: optional('tot-cmds') } : {}),
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
