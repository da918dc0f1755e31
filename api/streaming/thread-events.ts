import type Redis from 'ioredis';
import { connectAppRedis } from '../../core/app-redis';
import type { Services } from '../../service';
import type { StreamEntry, Thread } from '../../core/threads';
import type { StreamRequest } from './stream-request';

/**
 * Follows one thread's progress events for one client, on a Redis connection of its own: a
 * blocking XREAD would otherwise stall every other command on the shared connection.
 */

const BLOCK_MS = 10_000;

export class ThreadEventReader {
  private closed = false;

  private constructor(
    private readonly services: Services,
    private readonly request: StreamRequest,
    private readonly redis: Redis,
    private readonly backlog: StreamEntry[],
  ) {}

  /** Validates the request (unknown thread → 404, bad ids → 400) before any connection is opened. */
  static async open(services: Services, request: StreamRequest): Promise<{ thread: Thread; reader: ThreadEventReader }> {
    const thread = await services.threads.get(request.threadId);
    const backlog = await services.threads.events(request.threadId, request.lastEventId);
    const redis = connectAppRedis(services.config.appRedisUrl);
    // A failed read ends the stream; without a listener ioredis would print every reconnect attempt.
    redis.on('error', () => undefined);
    return { thread, reader: new ThreadEventReader(services, request, redis, backlog) };
  }

  /** Events in stream order until the client goes away, or (until=done) the newest task is done. */
  async *events(): AsyncGenerator<StreamEntry> {
    let cursor = this.request.lastEventId;
    let batch = this.backlog;
    try {
      while (!this.closed) {
        for (const entry of batch) {
          cursor = entry.id;
          yield entry;
          if (this.request.untilDone && entry.event.type === 'task_done' && (await this.isNewestTask(entry.event.taskId))) return;
        }
        batch = await this.services.threads.events(this.request.threadId, cursor, BLOCK_MS, this.redis);
      }
    } catch (err) {
      // Closing the connection aborts the pending XREAD; that is the normal way out.
      if (!this.closed) throw err;
    } finally {
      this.close();
    }
  }

  /** A replayed task_done of an earlier task must not end the stream while a newer task runs. */
  private async isNewestTask(taskId: string): Promise<boolean> {
    const [newest] = (await this.services.tasks.list({ thread_id: this.request.threadId, limit: 1 })).tasks;
    return !newest || newest.task_id === taskId;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
  }
}
