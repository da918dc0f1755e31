import { stem } from './stemmer';
import { STOPWORDS } from './stopwords';

/**
 * Tokenizer for Redis operations text. Identifiers such as maxmemory-policy, allkeys-lru and
 * used_memory_rss are kept whole (an exact match is strong evidence) and also split into their
 * stemmed parts, so "memory policy" still finds them. A command followed by one of its
 * subcommands (CONFIG SET, CLIENT KILL, MEMORY USAGE) also yields the pair as one token.
 */

const SUBCOMMANDS: Record<string, readonly string[]> = {
  acl: ['cat', 'deluser', 'dryrun', 'getuser', 'list', 'load', 'log', 'save', 'setuser', 'users', 'whoami'],
  client: ['getname', 'id', 'info', 'kill', 'list', 'no-evict', 'pause', 'setname', 'tracking', 'unblock', 'unpause'],
  cluster: [
    'addslots',
    'countkeysinslot',
    'failover',
    'forget',
    'getkeysinslot',
    'info',
    'keyslot',
    'meet',
    'nodes',
    'replicate',
    'reset',
    'setslot',
    'shards',
    'slots',
  ],
  config: ['get', 'resetstat', 'rewrite', 'set'],
  function: ['delete', 'flush', 'kill', 'list', 'load', 'stats'],
  latency: ['doctor', 'graph', 'histogram', 'history', 'latest', 'reset'],
  memory: ['doctor', 'malloc-stats', 'purge', 'stats', 'usage'],
  object: ['encoding', 'freq', 'idletime', 'refcount'],
  pubsub: ['channels', 'numpat', 'numsub', 'shardchannels', 'shardnumsub'],
  script: ['exists', 'flush', 'kill', 'load'],
  sentinel: ['ckquorum', 'failover', 'get-master-addr-by-name', 'master', 'masters', 'replicas', 'reset', 'sentinels', 'set'],
  slowlog: ['get', 'len', 'reset'],
  xgroup: ['create', 'createconsumer', 'delconsumer', 'destroy', 'setid'],
  xinfo: ['consumers', 'groups', 'stream'],
};

/** Words joined by - or _ (identifiers), and dotted numbers such as 7.0 or p99.9. */
const RAW_TOKEN = /[a-z0-9]+(?:[-_][a-z0-9]+|\.[0-9]+)*/g;

function termsOf(raw: string): string[] {
  if (!/[-_]/.test(raw)) return raw.length < 2 || STOPWORDS.has(raw) ? [] : [stem(raw)];
  const parts = raw
    .split(/[-_]/)
    .filter((part) => part.length >= 2 && !STOPWORDS.has(part))
    .map(stem);
  return [raw, ...parts];
}

export function tokenize(text: string): string[] {
  const raws = text.toLowerCase().match(RAW_TOKEN) ?? [];
  const terms: string[] = [];
  raws.forEach((raw, i) => {
    terms.push(...termsOf(raw));
    const next = raws[i + 1];
    if (next && SUBCOMMANDS[raw]?.includes(next)) terms.push(`${raw} ${next}`);
  });
  return terms;
}
