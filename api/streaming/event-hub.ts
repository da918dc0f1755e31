import type Redis from 'ioredis';
import { connectAppRedis } from '../../core/app-redis';
import { THREAD_EVENTS, type StreamEntry } from '../../core/threads';
import type { ProgressEvent } from '../../core/types';
import { HttpError } from '../errors';

/**
 * One blocking reader for every open progress stream of the API process: a single XREAD over all
 * watched threads' Redis Streams, fanned out to their subscribers. Before, each SSE or WebSocket
 * client held an app-Redis connection of its own (300 streams, 300 connections); now the process
 * holds two (this reader and the shared one), whatever the number of streams. Streams are capped
 * globally and per API key (429 beyond), and shutdown ends them all from one place.
 */

export interface StreamLimits {
  global: number;
  perCaller: number;
}

const BATCH = 500;
const BLOCK_MS = 5_000;

const entriesOf = (rows: Array<[string, string[]]>): StreamEntry[] =>
  rows.map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf('event') + 1]) as ProgressEvent }));

/** Stream ids compare as <ms>-<seq>. */
function after(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am > bm : (as ?? 0) > (bs ?? 0);
}

export class Subscription {
  private queue: StreamEntry[] = [];
  private wake?: () => void;
  private ended = false;
  lastId: string;

  constructor(
    readonly threadId: string,
    readonly caller: string,
    afterId: string,
    private readonly onClose: (s: Subscription) => void,
  ) {
    this.lastId = afterId;
  }

  deliver(entries: StreamEntry[]): void {
    for (const entry of entries) {
      if (!after(entry.id, this.lastId)) continue;
      this.lastId = entry.id;
      this.queue.push(entry);
    }
    this.wake?.();
  }

  /** Entries in stream order until closed. */
  async *entries(): AsyncGenerator<StreamEntry> {
    while (!this.ended) {
      if (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      while (this.queue.length && !this.ended) yield this.queue.shift()!;
    }
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.wake?.();
    this.onClose(this);
  }
}

interface Watch {
  cursor: string;
  subscribers: Set<Subscription>;
}

export class ThreadEventHub {
  private readonly watched = new Map<string, Watch>();
  /** A thread's watch being set up: concurrent subscribers to it (a WebSocket and an SSE client) share it. */
  private readonly starting = new Map<string, Promise<Watch>>();
  private readonly perCaller = new Map<string, number>();
  private reader?: Redis;
  private readerId?: number;
  private loop?: Promise<void>;
  private closed = false;
  private count = 0;

  constructor(
    /** The shared app-Redis connection, for backlog reads and to wake the reader. */
    private readonly shared: Redis,
    private readonly appRedisUrl: string,
    private readonly limits: StreamLimits,
  ) {}

  get open(): number {
    return this.count;
  }

  /**
   * Registers first, then reads the backlog: an event appended in between is delivered once,
   * from whichever read sees it (subscriptions drop ids they already passed).
   */
  async subscribe(threadId: string, afterId: string, caller: string): Promise<Subscription> {
    if (this.closed) throw new HttpError(503, 'unavailable', 'the server is shutting down');
    if (this.count >= this.limits.global)
      throw new HttpError(429, 'too_many_streams', `this server has ${this.count} progress streams open, its limit (SRE_MAX_STREAMS); try again later`);
    if ((this.perCaller.get(caller) ?? 0) >= this.limits.perCaller)
      throw new HttpError(
        429,
        'too_many_streams',
        `the key '${caller}' has ${this.perCaller.get(caller)} progress streams open, its limit (SRE_MAX_STREAMS_PER_KEY); close some first`,
      );
    const subscription = new Subscription(threadId, caller, afterId, (s) => this.release(s));
    this.count++;
    this.perCaller.set(caller, (this.perCaller.get(caller) ?? 0) + 1);
    // Two subscribers that both found no watch used to set up one each: the second replaced the
    // first in the map, and the first's subscriber, left on the orphan, got no live event again.
    const watch = this.watched.get(threadId) ?? (await this.startWatch(threadId));
    watch.subscribers.add(subscription);
    const backlog = (await this.shared.xrange(THREAD_EVENTS(threadId), afterId === '0' ? '-' : `(${afterId}`, '+', 'COUNT', 5_000)) as Array<
      [string, string[]]
    >;
    subscription.deliver(entriesOf(backlog));
    return subscription;
  }

  private startWatch(threadId: string): Promise<Watch> {
    let started = this.starting.get(threadId);
    if (!started) {
      started = (async () => {
        try {
          const [last] = (await this.shared.xrevrange(THREAD_EVENTS(threadId), '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
          const watch: Watch = { cursor: last?.[0] ?? '0-0', subscribers: new Set() };
          this.watched.set(threadId, watch);
          await this.restartRead();
          return watch;
        } finally {
          this.starting.delete(threadId);
        }
      })();
      this.starting.set(threadId, started);
    }
    return started;
  }

  private release(s: Subscription): void {
    const watch = this.watched.get(s.threadId);
    if (!watch?.subscribers.delete(s)) return;
    this.count--;
    const left = (this.perCaller.get(s.caller) ?? 1) - 1;
    if (left > 0) this.perCaller.set(s.caller, left);
    else this.perCaller.delete(s.caller);
    if (watch.subscribers.size === 0) this.watched.delete(s.threadId);
  }

  /** Starts the reader, or wakes its blocked XREAD so it reads the new set of streams. */
  private async restartRead(): Promise<void> {
    if (!this.reader) {
      this.reader = connectAppRedis(this.appRedisUrl);
      this.reader.on('error', () => undefined);
      this.readerId = Number(await this.reader.client('ID'));
      this.loop = this.read();
      return;
    }
    if (this.readerId !== undefined) await this.shared.client('UNBLOCK', this.readerId).catch(() => undefined);
  }

  private async read(): Promise<void> {
    while (!this.closed) {
      const threads = [...this.watched.keys()];
      if (threads.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await this.reader!.xread(
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...threads.map(THREAD_EVENTS),
          ...threads.map((t) => this.watched.get(t)?.cursor ?? '$'),
        )) as typeof reply;
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [key, rows] of reply ?? []) {
        const threadId = key.replace(/^sre:thread:/, '').replace(/:events$/, '');
        const watch = this.watched.get(threadId);
        if (!watch || rows.length === 0) continue;
        watch.cursor = rows[rows.length - 1][0];
        const entries = entriesOf(rows);
        for (const s of watch.subscribers) s.deliver(entries);
      }
    }
  }

  /** Ends every stream (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const watch of [...this.watched.values()]) for (const s of [...watch.subscribers]) s.close();
    this.reader?.disconnect();
    await this.loop?.catch(() => undefined);
  }
}
