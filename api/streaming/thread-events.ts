import type { Services } from '../../service';
import type { StreamEntry, Thread } from '../../core/threads';
import type { Subscription, ThreadEventHub } from './event-hub';
import type { StreamRequest } from './stream-request';

/**
 * Follows one thread's progress events for one client, through the process's shared event hub
 * (one blocking reader for all streams, instead of a Redis connection per client).
 */
export class ThreadEventReader {
  private constructor(
    private readonly services: Services,
    private readonly request: StreamRequest,
    private readonly subscription: Subscription,
  ) {}

  /** Validates the request (unknown thread → 404, bad ids → 400, too many streams → 429) before subscribing. */
  static async open(services: Services, hub: ThreadEventHub, request: StreamRequest, caller: string): Promise<{ thread: Thread; reader: ThreadEventReader }> {
    const thread = await services.threads.get(request.threadId);
    const subscription = await hub.subscribe(request.threadId, request.lastEventId, caller);
    return { thread, reader: new ThreadEventReader(services, request, subscription) };
  }

  /** Events in stream order until the client goes away, the server shuts down, or (until=done) the newest task is done. */
  async *events(): AsyncGenerator<StreamEntry> {
    try {
      for await (const entry of this.subscription.entries()) {
        yield entry;
        if (this.request.untilDone && entry.event.type === 'task_done' && (await this.isNewestTask(entry.event.taskId))) return;
      }
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
    this.subscription.close();
  }
}
