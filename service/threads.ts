import type { AppStores } from '../core/app-context';
import type { TaskService } from './tasks';
import type { ApprovalService, ApprovalView } from './approvals';
import type { MessagePage, Thread, ThreadMeta, StreamEntry } from '../core/threads';
import { parseOrThrow } from '../core/validation';
import { z } from 'zod';
import { instanceIdSchema, threadIdSchema } from './schemas';

/** Threads: the conversations, their tool calls and reports, and their progress streams. */

export const threadListSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    instance_id: instanceIdSchema.optional(),
  })
  .strict();

export const threadGetSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('How many of the newest messages, 1 to 500 (default 100)'),
    before: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Only messages before this index: messages_before of the page after this one'),
  })
  .strict();

/** Stream ids are "<ms>-<seq>"; "0" means from the start, "$" means only new events. */
export const streamIdSchema = z.string().regex(/^(\d{1,20}-\d{1,20}|0|\$)$/, 'a stream event id like 1700000000000-0');

export class ThreadService {
  constructor(
    private readonly stores: AppStores,
    private readonly tasks: TaskService,
    private readonly approvals?: ApprovalService,
  ) {}

  list(query: unknown = {}): Promise<ThreadMeta[]> {
    const q = parseOrThrow(threadListSchema, query);
    return this.stores.threads.list({ limit: q.limit, offset: q.offset, instanceId: q.instance_id });
  }

  /** A thread with one page of messages (the newest 100 unless asked otherwise). */
  /** A page of the thread, with the actions its tasks proposed and what became of them. */
  async get(id: string, query: unknown = {}): Promise<Thread & MessagePage & { actions?: ApprovalView[] }> {
    const page = parseOrThrow(threadGetSchema, query);
    const thread = await this.stores.threads.get(parseOrThrow(threadIdSchema, id, 'id'), page);
    const actions = this.approvals ? await this.approvals.list({ thread_id: id }) : [];
    return actions.length ? { ...thread, actions } : thread;
  }

  /** Deletes a thread and its tasks; tasks still running are cancelled first so none writes it back. */
  async delete(id: string, actor = 'api'): Promise<void> {
    parseOrThrow(threadIdSchema, id, 'id');
    await this.stores.threads.meta(id);
    for (const taskId of await this.stores.tasks.idsForThread(id)) {
      const view = await this.tasks.get(taskId).catch(() => undefined);
      if (view && (view.status === 'queued' || view.status === 'running')) await this.tasks.cancel(taskId, actor).catch(() => undefined);
    }
    await this.stores.threads.delete(id);
    await this.stores.tasks.deleteForThread(id);
    await this.stores.audit.record({ actor, action: 'thread.delete', target: id });
  }

  /** Events after lastEventId, waiting up to blockMs for new ones. */
  async events(id: string, lastEventId = '0', blockMs?: number, client?: import('ioredis').default): Promise<StreamEntry[]> {
    parseOrThrow(threadIdSchema, id, 'id');
    parseOrThrow(streamIdSchema, lastEventId, 'last_event_id');
    return this.stores.threads.readEvents(id, lastEventId, { blockMs, client });
  }
}
