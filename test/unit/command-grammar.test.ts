import { RefusedCommandError, checkAllowed } from '../../core/target-redis';

/**
 * The read-only guard parses every argument by position: resets, writes, repeated options and
 * unbounded sizes are refused before anything reaches Redis. Each case below is one the grammar
 * must refuse; the allowed list is every form the agent's own tools send.
 */
const split = (line: string) => line.split(' ');
const refusal = (line: string) => {
  const [command, ...args] = split(line);
  try {
    checkAllowed(command, args);
    return undefined;
  } catch (err) {
    if (err instanceof RefusedCommandError) return err.message;
    throw err;
  }
};

describe('argument-level read-only guard', () => {
  it.each([
    // Audit logs and evidence are never erased.
    ['ACL LOG RESET', /ACL LOG \[1\.\.128\]/],
    ['ACL LOG 0', /from 1 to 128/],
    ['ACL LOG 100000', /from 1 to 128/],
    ['SLOWLOG RESET', /erases the slow log/],
    ['SLOWLOG GET -1', /from 1 to 128/],
    ['SLOWLOG GET 0', /from 1 to 128/],
    ['SLOWLOG GET 10 20', /unexpected argument/],
    ['LATENCY RESET', /erases the latency history/],
    ['CONFIG RESETSTAT', /erases the counters/],
    // Writes and state changes.
    ['CONFIG SET maxmemory 1', /approved action/],
    ['CONFIG REWRITE', /writes redis\.conf/],
    ['ACL SETUSER eve on >pw +@all', /not an allowed read-only subcommand/],
    ['ACL DELUSER app', /not an allowed read-only subcommand/],
    ['ACL SAVE', /not an allowed read-only subcommand/],
    ['ACL GETUSER default', /not an allowed read-only subcommand/],
    ['CLIENT KILL ID 5', /approved action/],
    ['CLIENT PAUSE 1000', /stops the server/],
    ['CLIENT SETNAME x', /identifies its own traffic/],
    ['CLIENT NO-EVICT on', /not an allowed read-only subcommand/],
    ['CLIENT LIST TYPE normal ID', /at least one client id/],
    ['CLIENT LIST TYPE normal TYPE pubsub', /given twice/],
    ['CLIENT LIST SKIPME yes', /unexpected argument/],
    ['MEMORY PURGE', /approved action/],
    ['MEMORY MALLOC-STATS', /not an allowed read-only subcommand/],
    ['CLUSTER FAILOVER', /not an allowed read-only subcommand/],
    ['CLUSTER RESET HARD', /not an allowed read-only subcommand/],
    ['CLUSTER SETSLOT 1 NODE x', /not an allowed read-only subcommand/],
    ['CLUSTER COUNTKEYSINSLOT 20000', /0 to 16383/],
    ['SENTINEL FAILOVER mymaster', /not an allowed read-only subcommand/],
    ['SENTINEL SET mymaster quorum 1', /not an allowed read-only subcommand/],
    ['SENTINEL RESET *', /not an allowed read-only subcommand/],
    ['FUNCTION FLUSH', /not an allowed read-only subcommand/],
    ['FUNCTION DELETE lib', /not an allowed read-only subcommand/],
    ['MODULE LOAD /tmp/x.so', /not an allowed read-only subcommand/],
    ['SET k v', /not an allowed read-only command/],
    ['SUNIONSTORE d a b', /not an allowed read-only command/],
    ['SORT k STORE d', /not an allowed read-only command/],
    ['EVAL return 0', /not an allowed read-only command/],
    ['DEBUG SLEEP 1', /not an allowed read-only command/],
    // Unbounded sizes and repeated options.
    ['XINFO STREAM orders FULL', /needs COUNT 1\.\.100/],
    ['XINFO STREAM orders FULL COUNT 0', /from 1 to 100/],
    ['XINFO STREAM orders FULL COUNT 101', /from 1 to 100/],
    ['XINFO STREAM orders FULL COUNT 10 COUNT 0', /unexpected argument/],
    ['MEMORY USAGE big SAMPLES 5 SAMPLES 0', /given twice/],
    ['MEMORY USAGE SAMPLES SAMPLES 0', /from 1 to 64/],
    ['MEMORY USAGE big SAMPLES 0', /from 1 to 64/],
    ['MEMORY USAGE big SAMPLES 1000000', /from 1 to 64/],
    ['SCAN 0 COUNT 0', /from 1 to 1000/],
    ['SCAN 0 COUNT 100000', /from 1 to 1000/],
    ['SCAN 0 COUNT 10 COUNT 1000000', /given twice/],
    ['SCAN 0 TYPE hash TYPE hash', /given twice/],
    ['SCAN 0 TYPE potato', /must be one of/],
    ['SCAN abc', /cursor/],
    ['PUBSUB CHANNELS', /unbounded/],
    ['PUBSUB SHARDCHANNELS', /unbounded/],
    ['FUNCTION LIST WITHCODE', /unexpected argument/],
    ['FUNCTION DUMP', /unbounded/],
    ['COMMAND', /subcommand is missing/],
    ['COMMAND INFO', /1 to 50 command names/],
    ['COMMAND DOCS', /1 to 20 command names/],
    ['COMMAND GETKEYS SET k v', /not an allowed read-only subcommand/],
    ['INFO potato', /must be one of/],
    ['EXISTS', /1 to 20 keys/],
    ['TYPE', /missing/],
    ['TYPE a b', /unexpected argument/],
  ])('refuses %s', (line, reason) => {
    const message = refusal(line);
    expect(message).toBeDefined();
    expect(message).toMatch(reason);
    expect(message).toMatch(/^refused: '/);
  });

  it.each([
    'PING',
    'INFO everything',
    'INFO memory',
    'INFO server replication',
    'DBSIZE',
    'TYPE user:1',
    'STRLEN k',
    'EXISTS a b c',
    'SCAN 0 COUNT 100',
    'SCAN 18446744073709551615 COUNT 10 MATCH user:* TYPE hash',
    'OBJECT ENCODING k',
    'OBJECT FREQ k',
    'MEMORY USAGE k',
    'MEMORY USAGE k SAMPLES 5',
    'MEMORY STATS',
    'MEMORY DOCTOR',
    'SLOWLOG GET 50',
    'SLOWLOG GET',
    'SLOWLOG LEN',
    'LATENCY LATEST',
    'LATENCY DOCTOR',
    'LATENCY HISTORY command',
    'CLIENT LIST',
    'CLIENT LIST TYPE normal',
    'CLIENT LIST ID 1 2 3',
    'CLIENT INFO',
    'CONFIG GET *',
    'CONFIG GET maxmemory maxmemory-policy',
    'ACL LIST',
    'ACL LOG',
    'ACL LOG 10',
    'ACL WHOAMI',
    'CLUSTER INFO',
    'CLUSTER NODES',
    'CLUSTER SHARDS',
    'CLUSTER COUNTKEYSINSLOT 100',
    'COMMAND INFO FLUSHALL KEYS',
    'COMMAND COUNT',
    'XINFO STREAM orders',
    'XINFO STREAM orders FULL COUNT 100',
    'XINFO GROUPS orders',
    'XINFO CONSUMERS orders workers',
    'PUBSUB NUMSUB events',
    'PUBSUB NUMPAT',
    'FUNCTION LIST',
    'FUNCTION STATS',
    'MODULE LIST',
    'SENTINEL MASTERS',
    'SENTINEL GET-MASTER-ADDR-BY-NAME mymaster',
    'SENTINEL CKQUORUM mymaster',
  ])('allows %s', (line) => {
    expect(refusal(line)).toBeUndefined();
  });
});
