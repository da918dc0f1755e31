import { createHash } from 'node:crypto';
import type { InstanceConnection } from './instances/model';
import { TargetRedis, TargetUnavailableError, type TargetRedisOptions } from './target-redis';

/**
 * One shared read-only connection per target, reused by concurrent tool activities of the
 * worker. Parallel tools must not open a connection each: on a server near maxclients the
 * agent itself would be refused (or push real clients out).
 */
export class TargetPool {
  private readonly entries = new Map<string, { redis: Promise<TargetRedis>; lastUsed: number; users: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly idleMs = 30_000,
    private readonly options: TargetRedisOptions = {},
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, idleMs / 2));
    this.sweeper.unref();
  }

  private key(connection: InstanceConnection): string {
    return createHash('sha256')
      .update(`${connection.id}\0${connection.url}\0${connection.password ?? ''}\0${JSON.stringify(connection.tls ?? null)}`)
      .digest('hex');
  }

  async use<T>(connection: InstanceConnection, fn: (redis: TargetRedis) => Promise<T>): Promise<T> {
    const key = this.key(connection);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { redis: TargetRedis.connect(connection, this.options), lastUsed: Date.now(), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    let redis: TargetRedis | undefined;
    try {
      redis = await entry.redis;
      return await fn(redis);
    } catch (err) {
      // A broken connection must not be handed to the next tool: drop it, the retry reconnects.
      // A single slow command is not a broken connection: the other tools on it carry on.
      const broken = !redis || redis.closed || (err instanceof TargetUnavailableError && !/Command timed out/.test(err.message));
      if (broken && this.entries.get(key) === entry) {
        this.entries.delete(key);
        void entry.redis.then((r) => r.close()).catch(() => undefined);
      }
      throw err;
    } finally {
      entry.users--;
      entry.lastUsed = Date.now();
    }
  }

  /**
   * A connection of its own for one approved action, that permits exactly these commands besides
   * reads; never pooled, closed by the caller. Same address policy as every read connection.
   */
  writer(connection: InstanceConnection, permits: ReadonlyArray<ReadonlyArray<string>>): Promise<TargetRedis> {
    return TargetRedis.connect(connection, { ...this.options, permits, commandTimeoutMs: 10_000 });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.users === 0 && now - entry.lastUsed > this.idleMs) {
        this.entries.delete(key);
        void entry.redis.then((r) => r.close()).catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.redis.then((r) => r.close()).catch(() => undefined)));
  }
}
