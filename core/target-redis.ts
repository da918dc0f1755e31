import Redis from 'ioredis';
import { commandLabel, grammarRefusal } from './command-grammar';
import { unavailableReason, unreadableMessage, type UnavailableWhy } from './command-unavailable';
import { SreError } from './errors';
import type { InstanceConnection } from './instances/model';
import { endpointLabel, parseRedisUrl } from './redis-url';
import { describeTlsFailure, tlsOptions } from './target-tls';
import type { TargetPolicy } from './target-policy';

/**
 * The only way the agent talks to a target Redis. Every command is parsed against the grammar
 * of allowed read-only commands (core/command-grammar.ts) before it is sent; anything else is
 * refused locally and never reaches the server.
 */

/**
 * The agent names its connection (CLIENT SETNAME at connect): its own commands and connection
 * are told apart from the target's traffic by this name and never reported as the target's problem.
 */
export const AGENT_CLIENT_NAME = 'sre-agent';

/** A command was refused by the argument-level allow-list before reaching Redis. */
export class RefusedCommandError extends SreError {
  constructor(
    readonly command: string,
    readonly reason = 'it is not an allowed read-only command',
  ) {
    super(`refused: '${command}': ${reason}; the agent never sends writes, resets or unbounded commands to a target`, 'refused_command');
  }
}

/** The target could not be reached or answered in time: worth retrying. */
export class TargetUnavailableError extends SreError {
  constructor(message: string) {
    super(message, 'target_unavailable');
  }
}

/** The reply recorded when whatever answered was not Redis. */
export const NOT_A_REDIS_REPLY = '(not a Redis server)';

/** The target answered with an error that retrying will not fix (auth, BUSY, bad arguments). */
export class TargetCommandError extends SreError {
  constructor(
    message: string,
    readonly reply: string,
  ) {
    super(message, 'target_error');
  }
}

/**
 * A read the target refuses for good (NOPERM, or a renamed or disabled command): not retried,
 * and listed in the report as what could not be read.
 */
export class CommandUnavailableError extends TargetCommandError {
  constructor(
    readonly command: string,
    readonly why: UnavailableWhy,
    endpoint: string,
    reply: string,
  ) {
    super(unreadableMessage(command, why, endpoint), reply);
  }
}

/** Refuses (before anything is sent) every command and argument form the grammar does not allow. */
export function checkAllowed(command: string, args: ReadonlyArray<string | number>): void {
  const refusal = grammarRefusal(command, args);
  if (refusal) throw new RefusedCommandError(commandLabel(command, args), refusal);
}

/** A TLS handshake with the target failed: retrying will not fix a certificate. */
export class TargetTlsError extends SreError {
  constructor(message: string) {
    super(message, 'target_tls');
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function describeFailure(err: unknown, where: string): Error {
  const e = err as Error & { code?: string };
  const message = e?.message ?? String(err);
  const tls = describeTlsFailure(e, where);
  if (tls) return new TargetTlsError(tls);
  if (e?.code && NETWORK_CODES.has(e.code)) {
    const reason = e.code === 'ECONNREFUSED' ? 'connection refused (nothing listening: is the server down?)' : e.code;
    return new TargetUnavailableError(`Redis at ${where} is unreachable: ${reason}`);
  }
  if (/Command timed out|connect ETIMEDOUT|Connection is closed|Stream isn't writeable|connection closed/i.test(message)) {
    return new TargetUnavailableError(`Redis at ${where} did not answer in time (${message}); it may be blocked or overloaded`);
  }
  if (/max number of clients reached/i.test(message)) {
    return new TargetUnavailableError(`Redis at ${where} refused the connection: ERR max number of clients reached (maxclients is exhausted)`);
  }
  if (/^LOADING/.test(message)) return new TargetUnavailableError(`Redis at ${where} is loading its dataset into memory`);
  // Whatever else answered (HTTP, gRPC, TLS on a plain port) is not named: one message for all.
  if (/Protocol error|unknown reply|Invalid first byte|wrong version number|packet length too long/i.test(message)) {
    return new TargetCommandError(`the endpoint at ${where} did not answer as a Redis server`, NOT_A_REDIS_REPLY);
  }
  if (/^(NOAUTH|WRONGPASS)/.test(message))
    return new TargetCommandError(`authentication to Redis at ${where} failed: ${message.split('.')[0]}; check the instance's password or ACL user`, message);
  if (/^NOPERM/.test(message)) return new TargetCommandError(`the ACL user lacks permission: ${message}`, message);
  if (/^BUSY/.test(message)) {
    return new TargetCommandError(
      `Redis at ${where} replied BUSY: it is busy running a long Lua script or function and refuses every other command until it finishes or is stopped with SCRIPT KILL / FUNCTION KILL (SHUTDOWN NOSAVE if it already wrote)`,
      message,
    );
  }
  if (/^MASTERDOWN/.test(message))
    return new TargetCommandError(`Redis at ${where} replied MASTERDOWN: the link with its master is down and replica-serve-stale-data is off`, message);
  return new TargetCommandError(`Redis at ${where} replied: ${message}`, message);
}

/** What tools need of a target connection: one allow-listed command at a time. */
export interface RedisCommands {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
  /** Commands the agent sent on the underlying connection, by commandstats name. */
  readonly sent?: ReadonlyMap<string, number>;
  /** Error replies the agent received from this endpoint so far (all its connections in this process), by prefix. */
  ownErrorReplies?(): ReadonlyMap<string, number>;
}

/**
 * The target counts the agent's own error replies (a NOPERM, a renamed CONFIG) in its errorstats
 * like anyone's: counted here per endpoint, so rates can leave them out (no observer effect).
 */
const OWN_ERROR_REPLIES = new Map<string, Map<string, number>>();

function countOwnErrorReply(endpoint: string, err: unknown): void {
  if ((err as Error)?.name !== 'ReplyError') return;
  const prefix = /^[A-Z]+/.exec((err as Error).message)?.[0] ?? 'ERR';
  const counts = OWN_ERROR_REPLIES.get(endpoint) ?? new Map<string, number>();
  counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  OWN_ERROR_REPLIES.set(endpoint, counts);
}

/** Commands whose first argument is a subcommand, named as INFO commandstats names them (config|get). */
const WITH_SUBCOMMAND = new Set([
  'CONFIG',
  'CLIENT',
  'MEMORY',
  'SLOWLOG',
  'LATENCY',
  'OBJECT',
  'XINFO',
  'CLUSTER',
  'ACL',
  'COMMAND',
  'PUBSUB',
  'FUNCTION',
  'MODULE',
  'SENTINEL',
  'SCRIPT',
]);

/** The commandstats name of a command: "scan", "config|get". */
export function commandStatName(command: string, args: ReadonlyArray<string | number>): string {
  const name = command.toLowerCase();
  return WITH_SUBCOMMAND.has(command.toUpperCase()) && args.length ? `${name}|${String(args[0]).toLowerCase()}` : name;
}

export interface TargetRedisOptions {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** Checked (and the name resolved) right before connecting: a name cannot change its answer after registration. */
  policy?: TargetPolicy;
  /**
   * A write connection's whole licence: exactly these commands (argv, as an approved action
   * declared them) may be sent besides the read-only grammar. Anything else is still refused.
   */
  permits?: ReadonlyArray<ReadonlyArray<string>>;
}

function sameArgv(a: ReadonlyArray<string>, command: string, args: ReadonlyArray<string | number>): boolean {
  return a.length === args.length + 1 && a[0].toUpperCase() === command.toUpperCase() && args.every((v, i) => String(v) === a[i + 1]);
}

export class TargetRedis implements RedisCommands {
  private readonly client: Redis;
  private readonly permits: ReadonlyArray<ReadonlyArray<string>>;
  /** Commands sent on this connection, by commandstats name: what the agent itself adds to the target's counters. */
  readonly sent = new Map<string, number>();
  /** ioredis reports why a connection failed on its 'error' event, not in the rejected promise. */
  private lastError?: Error;
  readonly label: string;

  private constructor(connection: InstanceConnection, options: TargetRedisOptions, address?: string) {
    const endpoint = parseRedisUrl(connection.url);
    this.label = endpointLabel(connection.url);
    this.permits = options.permits ?? [];
    this.client = new Redis({
      host: address ?? endpoint.host,
      port: endpoint.port,
      db: endpoint.db,
      username: endpoint.username,
      password: connection.password ?? (decodeURIComponent(new URL(connection.url).password) || undefined),
      // The connection goes to the checked address; TLS still verifies the name the user gave.
      tls: endpoint.tls ? tlsOptions(endpoint.host, connection.tls) : undefined,
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: options.connectTimeoutMs ?? 3_000,
      commandTimeout: options.commandTimeoutMs ?? 5_000,
      // CLIENT SETINFO (7.2+) is not needed to tell the agent apart (the name is), and a
      // least-privilege user should not have to be granted it.
      disableClientInfo: true,
    });
    this.client.on('error', (err: Error) => {
      this.lastError = err;
    });
  }

  static async connect(connection: InstanceConnection, options: TargetRedisOptions = {}): Promise<TargetRedis> {
    const endpoint = parseRedisUrl(connection.url);
    const checked = options.policy ? await options.policy.check(endpoint.host, endpoint.port) : undefined;
    const target = new TargetRedis(connection, options, checked?.address);
    try {
      await target.client.connect();
    } catch (err) {
      target.client.disconnect();
      throw describeFailure(target.lastError ?? err, target.label);
    }
    // Named here rather than by the client library, so that where CLIENT is renamed or denied the
    // refused SETNAME is counted as the agent's own error reply (rates leave it out) and ignored.
    try {
      await target.client.call('CLIENT', 'SETNAME', AGENT_CLIENT_NAME);
    } catch (err) {
      countOwnErrorReply(target.label, err);
    }
    // A cluster replica answers key reads (TYPE, MEMORY USAGE) with MOVED unless the connection
    // asks to read there (https://redis.io/docs/latest/commands/readonly/); harmless on a primary.
    if (connection.clusterNode) {
      try {
        await target.client.call('READONLY');
      } catch (err) {
        countOwnErrorReply(target.label, err);
      }
    }
    return target;
  }

  /** Sends one allow-listed command. Refused commands throw before anything is sent. */
  async call(command: string, ...args: Array<string | number>): Promise<unknown> {
    if (!this.permits.some((p) => sameArgv(p, command, args))) checkAllowed(command, args);
    const stat = commandStatName(command, args);
    this.sent.set(stat, (this.sent.get(stat) ?? 0) + 1);
    try {
      return await this.client.call(command, ...args);
    } catch (err) {
      countOwnErrorReply(this.label, err);
      // A dropped connection's pending commands only say "Connection is closed"; the reason
      // (e.g. WRONGPASS after AUTH) came on the 'error' event.
      const reason = /Connection is closed/.test((err as Error)?.message ?? '') && this.lastError ? this.lastError : err;
      const failure = describeFailure(reason, this.label);
      if (failure instanceof TargetCommandError) {
        const unavailable = unavailableReason(failure.reply);
        if (unavailable) throw new CommandUnavailableError(commandLabel(command, args), unavailable, this.label, failure.reply);
      }
      throw failure;
    }
  }

  ownErrorReplies(): ReadonlyMap<string, number> {
    return new Map(OWN_ERROR_REPLIES.get(this.label) ?? []);
  }

  /** Whether the connection is gone for good (no reconnects: activity retries reconnect). */
  get closed(): boolean {
    return this.client.status === 'end' || this.client.status === 'close';
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/** Opens a connection, runs fn, always closes. */
export async function withTarget<T>(connection: InstanceConnection, fn: (redis: TargetRedis) => Promise<T>, options?: TargetRedisOptions): Promise<T> {
  const redis = await TargetRedis.connect(connection, options);
  try {
    return await fn(redis);
  } finally {
    await redis.close();
  }
}
