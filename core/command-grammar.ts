/**
 * The read-only guard at argument level: every allowed command has a grammar, and its arguments
 * are parsed by position before anything is sent. A command, subcommand or argument the grammar
 * does not know is refused, as are options that write (ACL LOG RESET, SLOWLOG RESET), options
 * repeated (SAMPLES 5 SAMPLES 0) and sizes without a bound on both sides (COUNT 0 means "all").
 * Pure: no I/O, so it is tested exhaustively and reused by every connection.
 */

/** Why a command was refused, in words a person (or a model) can act on. */
export class GrammarRefusal extends Error {}

const refuse = (why: string): never => {
  throw new GrammarRefusal(why);
};

/** A cursor over a command's arguments. */
class Args {
  private i = 0;

  constructor(private readonly list: string[]) {}

  get rest(): number {
    return this.list.length - this.i;
  }

  peek(): string | undefined {
    return this.list[this.i]?.toUpperCase();
  }

  /** The next argument; `what` names it for the refusal when it is missing. */
  take(what: string): string {
    if (this.i >= this.list.length) refuse(`${what} is missing`);
    return this.list[this.i++];
  }

  word(what: string, allowed: readonly string[]): string {
    const value = this.take(what).toUpperCase();
    if (!allowed.includes(value)) refuse(`${what} must be one of ${allowed.join(', ')} (got '${value.slice(0, 40)}')`);
    return value;
  }

  int(what: string, min: number, max: number): number {
    const raw = this.take(what);
    const n = /^-?\d{1,12}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) refuse(`${what} must be a whole number from ${min} to ${max} (got '${raw.slice(0, 20)}')`);
    return n;
  }

  key(what = 'a key name'): string {
    const k = this.take(what);
    if (k.length > 1024) refuse(`${what} is longer than 1024 bytes`);
    return k;
  }

  /** A glob or name of bounded length. */
  text(what: string, max = 256): string {
    const t = this.take(what);
    if (t.length > max) refuse(`${what} is longer than ${max} characters`);
    return t;
  }

  end(usage: string): void {
    if (this.i < this.list.length) refuse(`unexpected argument '${this.list[this.i].slice(0, 40)}': the only form allowed is ${usage}`);
  }
}

type Rule = (a: Args) => void;

/** Options in any order, each at most once. */
function options(a: Args, usage: string, accepted: Record<string, (a: Args) => void>): void {
  const seen = new Set<string>();
  while (a.rest > 0) {
    const name = a.peek()!;
    const parse = accepted[name];
    if (!parse) refuse(`unexpected argument '${name.slice(0, 40)}': the only form allowed is ${usage}`);
    if (seen.has(name)) refuse(`${name} is given twice: the only form allowed is ${usage}`);
    seen.add(name);
    a.take(name);
    parse(a);
  }
}

/** Commands whose first argument is a subcommand, with a rule per subcommand. */
const withSubcommands = (command: string, subs: Record<string, Rule>, why: Record<string, string> = {}): Rule => {
  return (a) => {
    const sub = a.take(`the ${command} subcommand`).toUpperCase();
    const rule = subs[sub];
    if (!rule) refuse(why[sub] ?? `${command} ${sub.slice(0, 40)} is not an allowed read-only subcommand (allowed: ${Object.keys(subs).join(', ')})`);
    rule(a);
  };
};

const none =
  (usage: string): Rule =>
  (a) =>
    a.end(usage);
const oneKey =
  (command: string): Rule =>
  (a) => {
    a.key();
    a.end(`${command} key`);
  };

export const INFO_SECTION_NAMES = [
  'ALL',
  'EVERYTHING',
  'DEFAULT',
  'SERVER',
  'CLIENTS',
  'MEMORY',
  'PERSISTENCE',
  'STATS',
  'REPLICATION',
  'CPU',
  'MODULES',
  'COMMANDSTATS',
  'LATENCYSTATS',
  'ERRORSTATS',
  'CLUSTER',
  'KEYSPACE',
  'SENTINEL',
  'DEBUG',
  'THREADS',
] as const;

const SCAN_TYPES = ['STRING', 'LIST', 'SET', 'ZSET', 'HASH', 'STREAM'];
const CLIENT_TYPES = ['NORMAL', 'MASTER', 'REPLICA', 'SLAVE', 'PUBSUB'];

/** The allow-list: each read-only command with the only argument forms it may take. */
const GRAMMAR: Record<string, Rule> = {
  PING: (a) => {
    if (a.rest) a.text('a message', 64);
    a.end('PING [message]');
  },
  INFO: (a) => {
    if (a.rest > INFO_SECTION_NAMES.length) refuse('too many INFO sections');
    while (a.rest) a.word('an INFO section', INFO_SECTION_NAMES);
  },
  DBSIZE: none('DBSIZE'),
  TIME: none('TIME'),
  ROLE: none('ROLE'),
  LASTSAVE: none('LASTSAVE'),
  TYPE: oneKey('TYPE'),
  TTL: oneKey('TTL'),
  PTTL: oneKey('PTTL'),
  STRLEN: oneKey('STRLEN'),
  LLEN: oneKey('LLEN'),
  HLEN: oneKey('HLEN'),
  SCARD: oneKey('SCARD'),
  ZCARD: oneKey('ZCARD'),
  XLEN: oneKey('XLEN'),
  EXISTS: (a) => {
    if (a.rest < 1 || a.rest > 20) refuse('EXISTS takes 1 to 20 keys');
    while (a.rest) a.key();
  },
  SCAN: (a) => {
    if (!/^\d{1,20}$/.test(a.take('the cursor'))) refuse('the SCAN cursor must be a number returned by the previous SCAN (0 to start)');
    const usage = 'SCAN cursor [COUNT 1..1000] [MATCH pattern] [TYPE type]';
    options(a, usage, {
      COUNT: (x) => x.int('COUNT', 1, 1000),
      MATCH: (x) => x.text('the MATCH pattern', 256),
      TYPE: (x) => x.word('the TYPE', SCAN_TYPES),
    });
  },
  OBJECT: withSubcommands('OBJECT', {
    ENCODING: oneKey('OBJECT ENCODING'),
    FREQ: oneKey('OBJECT FREQ'),
    IDLETIME: oneKey('OBJECT IDLETIME'),
    REFCOUNT: oneKey('OBJECT REFCOUNT'),
  }),
  MEMORY: withSubcommands(
    'MEMORY',
    {
      USAGE: (a) => {
        a.key();
        // SAMPLES 0 walks the whole value (a 200k-field hash); the default is 5.
        options(a, 'MEMORY USAGE key [SAMPLES 1..64]', { SAMPLES: (x) => x.int('SAMPLES', 1, 64) });
      },
      STATS: none('MEMORY STATS'),
      DOCTOR: none('MEMORY DOCTOR'),
    },
    { PURGE: 'MEMORY PURGE changes the server (it releases memory); it is an approved action, not a read' },
  ),
  SLOWLOG: withSubcommands(
    'SLOWLOG',
    {
      GET: (a) => {
        if (a.rest) a.int('the entry count', 1, 128);
        a.end('SLOWLOG GET [1..128]');
      },
      LEN: none('SLOWLOG LEN'),
    },
    { RESET: 'SLOWLOG RESET erases the slow log: it is evidence, and the agent never deletes it' },
  ),
  LATENCY: withSubcommands(
    'LATENCY',
    {
      LATEST: none('LATENCY LATEST'),
      DOCTOR: none('LATENCY DOCTOR'),
      HISTORY: (a) => {
        a.text('the event name', 64);
        a.end('LATENCY HISTORY event');
      },
      HISTOGRAM: (a) => {
        if (a.rest > 20) refuse('LATENCY HISTOGRAM takes at most 20 commands');
        while (a.rest) a.text('a command name', 64);
      },
    },
    { RESET: 'LATENCY RESET erases the latency history: it is evidence, and the agent never deletes it' },
  ),
  CLIENT: withSubcommands(
    'CLIENT',
    {
      LIST: (a) => {
        const usage = 'CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id ...]';
        options(a, usage, {
          TYPE: (x) => x.word('the client TYPE', CLIENT_TYPES),
          ID: (x) => {
            let ids = 0;
            while (x.rest && /^\d+$/.test(x.peek()!)) {
              x.int('a client id', 1, Number.MAX_SAFE_INTEGER);
              if (++ids > 100) refuse('CLIENT LIST ID takes at most 100 ids');
            }
            if (ids === 0) refuse('CLIENT LIST ID needs at least one client id');
          },
        });
      },
      INFO: none('CLIENT INFO'),
      ID: none('CLIENT ID'),
      GETNAME: none('CLIENT GETNAME'),
    },
    {
      KILL: 'CLIENT KILL disconnects clients: it is an approved action, not a read',
      PAUSE: 'CLIENT PAUSE stops the server serving clients: never sent by the agent',
      SETNAME: "CLIENT SETNAME would rename the agent's connection, which identifies its own traffic",
    },
  ),
  CONFIG: withSubcommands(
    'CONFIG',
    {
      GET: (a) => {
        if (a.rest < 1 || a.rest > 64) refuse('CONFIG GET takes 1 to 64 parameters or globs');
        while (a.rest) a.text('a parameter or glob', 64);
      },
    },
    {
      SET: 'CONFIG SET changes the server: it is an approved action, not a read',
      REWRITE: 'CONFIG REWRITE writes redis.conf',
      RESETSTAT: 'CONFIG RESETSTAT erases the counters diagnosis reads',
    },
  ),
  ACL: withSubcommands('ACL', {
    LIST: none('ACL LIST'),
    USERS: none('ACL USERS'),
    WHOAMI: none('ACL WHOAMI'),
    // ACL LOG RESET wipes the security audit log: only a count is allowed.
    LOG: (a) => {
      if (a.peek() === 'RESET') refuse('ACL LOG RESET wipes the security audit log; the only form allowed is ACL LOG [1..128]');
      if (a.rest) a.int('the entry count', 1, 128);
      a.end('ACL LOG [1..128]');
    },
    CAT: (a) => {
      if (a.rest) a.text('a category', 64);
      a.end('ACL CAT [category]');
    },
  }),
  CLUSTER: withSubcommands('CLUSTER', {
    INFO: none('CLUSTER INFO'),
    NODES: none('CLUSTER NODES'),
    SHARDS: none('CLUSTER SHARDS'),
    SLOTS: none('CLUSTER SLOTS'),
    MYID: none('CLUSTER MYID'),
    LINKS: none('CLUSTER LINKS'),
    COUNTKEYSINSLOT: (a) => {
      a.int('the slot', 0, 16383);
      a.end('CLUSTER COUNTKEYSINSLOT slot');
    },
  }),
  COMMAND: withSubcommands('COMMAND', {
    COUNT: none('COMMAND COUNT'),
    INFO: (a) => {
      if (a.rest < 1 || a.rest > 50) refuse('COMMAND INFO takes 1 to 50 command names (without any it lists every command)');
      while (a.rest) a.text('a command name', 64);
    },
    DOCS: (a) => {
      if (a.rest < 1 || a.rest > 20) refuse('COMMAND DOCS takes 1 to 20 command names (without any it documents every command)');
      while (a.rest) a.text('a command name', 64);
    },
  }),
  XINFO: withSubcommands('XINFO', {
    STREAM: (a) => {
      a.key('the stream key');
      if (!a.rest) return;
      a.word('FULL', ['FULL']);
      // COUNT 0 means every entry: a 200k-entry stream replied 7 MB in 265 ms.
      if (!a.rest) refuse('XINFO STREAM key FULL needs COUNT 1..100 (without it, or with 0, it returns every entry)');
      a.word('COUNT', ['COUNT']);
      a.int('COUNT', 1, 100);
      a.end('XINFO STREAM key [FULL COUNT 1..100]');
    },
    GROUPS: (a) => {
      a.key('the stream key');
      a.end('XINFO GROUPS key');
    },
    CONSUMERS: (a) => {
      a.key('the stream key');
      a.text('the group name', 256);
      a.end('XINFO CONSUMERS key group');
    },
  }),
  PUBSUB: withSubcommands(
    'PUBSUB',
    {
      NUMSUB: (a) => {
        if (a.rest > 20) refuse('PUBSUB NUMSUB takes at most 20 channels');
        while (a.rest) a.text('a channel', 256);
      },
      SHARDNUMSUB: (a) => {
        if (a.rest > 20) refuse('PUBSUB SHARDNUMSUB takes at most 20 channels');
        while (a.rest) a.text('a channel', 256);
      },
      NUMPAT: none('PUBSUB NUMPAT'),
    },
    {
      CHANNELS: 'PUBSUB CHANNELS lists every active channel (unbounded); ask PUBSUB NUMSUB about named channels, or read subscriptions from CLIENT LIST',
      SHARDCHANNELS: 'PUBSUB SHARDCHANNELS lists every shard channel (unbounded); ask PUBSUB SHARDNUMSUB about named channels',
    },
  ),
  FUNCTION: withSubcommands(
    'FUNCTION',
    {
      LIST: (a) => {
        options(a, 'FUNCTION LIST [LIBRARYNAME pattern]', { LIBRARYNAME: (x) => x.text('the library name pattern', 128) });
      },
      STATS: none('FUNCTION STATS'),
    },
    { DUMP: 'FUNCTION DUMP returns every library (unbounded)' },
  ),
  MODULE: withSubcommands('MODULE', { LIST: none('MODULE LIST') }),
  SENTINEL: withSubcommands('SENTINEL', {
    MASTERS: none('SENTINEL MASTERS'),
    MASTER: (a) => {
      a.text('the master name', 128);
      a.end('SENTINEL MASTER name');
    },
    REPLICAS: (a) => {
      a.text('the master name', 128);
      a.end('SENTINEL REPLICAS name');
    },
    SLAVES: (a) => {
      a.text('the master name', 128);
      a.end('SENTINEL SLAVES name');
    },
    SENTINELS: (a) => {
      a.text('the master name', 128);
      a.end('SENTINEL SENTINELS name');
    },
    CKQUORUM: (a) => {
      a.text('the master name', 128);
      a.end('SENTINEL CKQUORUM name');
    },
    'GET-MASTER-ADDR-BY-NAME': (a) => {
      a.text('the master name', 128);
      a.end('SENTINEL GET-MASTER-ADDR-BY-NAME name');
    },
    MYID: none('SENTINEL MYID'),
  }),
};

export const ALLOWED_COMMANDS = Object.keys(GRAMMAR);

/** The label a refusal shows: the command and its subcommand, when it has one. */
export function commandLabel(command: string, args: ReadonlyArray<string | number>): string {
  const name = command.toUpperCase();
  const sub = args.length ? String(args[0]).toUpperCase().slice(0, 40) : '';
  return GRAMMAR[name] && sub && /^[A-Z-]+$/.test(sub) && !['PING', 'INFO', 'SCAN', 'EXISTS'].includes(name) && !oneKeyCommands.has(name)
    ? `${name} ${sub}`
    : name;
}
const oneKeyCommands = new Set(['TYPE', 'TTL', 'PTTL', 'STRLEN', 'LLEN', 'HLEN', 'SCARD', 'ZCARD', 'XLEN']);

/** Parses the arguments against the command's grammar; returns why it is refused, or undefined. */
export function grammarRefusal(command: string, args: ReadonlyArray<string | number>): string | undefined {
  const rule = GRAMMAR[command.toUpperCase()];
  if (!rule) return `${command.toUpperCase().slice(0, 40)} is not an allowed read-only command`;
  try {
    rule(new Args(args.map(String)));
    return undefined;
  } catch (err) {
    if (err instanceof GrammarRefusal) return err.message;
    throw err;
  }
}
