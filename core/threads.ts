import type Redis from 'ioredis';
import { NotFoundError } from './errors';
import type { ProgressEvent, Report, TokenUsage, ToolCallRecord } from './types';

/**
 * Threads in the app Redis: the conversation (messages), the tool calls with argument and
 * result summaries, reports, and a Redis Stream of progress events for live streaming.
 * Writes are idempotent per task so activity retries never duplicate a message.
 */

export interface ThreadMessage {
  role: 'user' | 'assistant';
  content: string;
  taskId: string;
  at: string;
}

export interface ThreadMeta {
  id: string;
  title: string;
  instanceId?: string;
  createdAt: string;
  updatedAt: string;
  lastTaskId?: string;
}

export interface ThreadReport extends Report {
  taskId: string;
  usage: TokenUsage;
  at: string;
}

export interface Thread extends ThreadMeta {
  messages: ThreadMessage[];
  toolCalls: Array<ToolCallRecord & { taskId: string }>;
  reports: ThreadReport[];
}

export interface StreamEntry {
  id: string;
  event: ProgressEvent;
}

const META = (id: string) => `sre:thread:${id}`;
const MESSAGES = (id: string) => `sre:thread:${id}:messages`;
const MESSAGE_KEYS = (id: string) => `sre:thread:${id}:message-keys`;
const TOOL_CALLS = (id: string) => `sre:thread:${id}:toolcalls`;
const REPORTS = (id: string) => `sre:thread:${id}:reports`;
export const THREAD_EVENTS = (id: string) => `sre:thread:${id}:events`;
const INDEX = 'sre:threads';
const BY_INSTANCE_PREFIX = 'sre:threads:by-instance:';
const BY_INSTANCE = (instanceId: string) => `${BY_INSTANCE_PREFIX}${instanceId}`;
const STREAM_MAXLEN = 5000;

/** Appends a message unless one with the same dedupe key was already appended (or the thread is gone). */
const APPEND_ONCE = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Updates a thread's meta and index positions (all threads, and its instance's), only while the thread exists. */
const TOUCH_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[2], ARGV[1], KEYS[3])
local instance = redis.call('HGET', KEYS[1], 'instanceId')
if instance then redis.call('ZADD', '${BY_INSTANCE_PREFIX}' .. instance, ARGV[1], KEYS[3]) end
return 1`;

export interface MessagePage {
  /** Messages in order; the newest `limit` before `before` (all of them when the thread is short). */
  messages: ThreadMessage[];
  messages_total: number;
  /** Index of the first message returned; pass as `before` for the previous page (absent at the start). */
  messages_before?: number;
}

export class ThreadStore {
  constructor(private readonly redis: Redis) {}

  async create(meta: { id: string; title: string; instanceId?: string }): Promise<ThreadMeta> {
    const now = new Date().toISOString();
    const fields: Record<string, string> = { id: meta.id, title: meta.title.slice(0, 200), createdAt: now, updatedAt: now };
    if (meta.instanceId) fields.instanceId = meta.instanceId;
    const tx = this.redis.multi().hset(META(meta.id), fields).zadd(INDEX, Date.now(), meta.id);
    if (meta.instanceId) tx.zadd(BY_INSTANCE(meta.instanceId), Date.now(), meta.id);
    await tx.exec();
    return fields as unknown as ThreadMeta;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(META(id))) === 1;
  }

  async meta(id: string): Promise<ThreadMeta> {
    const fields = await this.redis.hgetall(META(id));
    if (!fields.id) throw new NotFoundError('thread', id);
    return fields as unknown as ThreadMeta;
  }

  /** A thread opened without an instance keeps the one its question was resolved to: follow-ups go there too. */
  async setInstance(id: string, instanceId: string): Promise<void> {
    await this.touch(id, { instanceId });
  }

  private async touch(id: string, fields: Record<string, string> = {}): Promise<void> {
    const pairs = Object.entries({ ...fields, updatedAt: new Date().toISOString() }).flat();
    await this.redis.eval(TOUCH_IF_EXISTS, 3, META(id), INDEX, id, String(Date.now()), ...pairs);
  }

  async appendMessage(threadId: string, message: ThreadMessage): Promise<boolean> {
    const added = (await this.redis.eval(
      APPEND_ONCE,
      3,
      MESSAGES(threadId),
      MESSAGE_KEYS(threadId),
      META(threadId),
      `${message.taskId}:${message.role}`,
      JSON.stringify(message),
    )) as number;
    await this.touch(threadId, { lastTaskId: message.taskId });
    return added === 1;
  }

  async recordToolCall(threadId: string, taskId: string, record: ToolCallRecord): Promise<void> {
    await this.redis.hset(TOOL_CALLS(threadId), record.callId, JSON.stringify({ ...record, taskId }));
  }

  async saveReport(threadId: string, report: ThreadReport): Promise<void> {
    await this.redis.hset(REPORTS(threadId), report.taskId, JSON.stringify(report));
    await this.touch(threadId);
  }

  async messages(threadId: string): Promise<ThreadMessage[]> {
    return (await this.redis.lrange(MESSAGES(threadId), 0, -1)).map((raw) => JSON.parse(raw) as ThreadMessage);
  }

  /**
   * A thread with one page of its messages (the newest `limit` before `before`), and the tool
   * calls and reports of the tasks on that page: a long conversation is read in pages.
   */
  async get(id: string, page: { limit?: number; before?: number } = {}): Promise<Thread & MessagePage> {
    const meta = await this.meta(id);
    const total = await this.redis.llen(MESSAGES(id));
    const end = Math.min(page.before ?? total, total);
    const start = Math.max(0, end - (page.limit ?? total));
    const [rawMessages, toolCalls, reports] = await Promise.all([
      end > start ? this.redis.lrange(MESSAGES(id), start, end - 1) : Promise.resolve([] as string[]),
      this.redis.hvals(TOOL_CALLS(id)),
      this.redis.hvals(REPORTS(id)),
    ]);
    const messages = rawMessages.map((raw) => JSON.parse(raw) as ThreadMessage);
    const tasks = start === 0 && end === total ? undefined : new Set(messages.map((m) => m.taskId));
    return {
      ...meta,
      messages,
      messages_total: total,
      ...(start > 0 ? { messages_before: start } : {}),
      toolCalls: toolCalls
        .map((raw) => JSON.parse(raw) as ToolCallRecord & { taskId: string })
        .filter((c) => !tasks || tasks.has(c.taskId))
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
      reports: reports
        .map((raw) => JSON.parse(raw) as ThreadReport)
        .filter((r) => !tasks || tasks.has(r.taskId))
        .sort((a, b) => a.at.localeCompare(b.at)),
    };
  }

  /** One page of threads, most recently updated first (the instance's own index when filtered). */
  async list(options: { limit?: number; offset?: number; instanceId?: string } = {}): Promise<ThreadMeta[]> {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    const ids = await this.redis.zrevrange(options.instanceId ? BY_INSTANCE(options.instanceId) : INDEX, offset, offset + limit - 1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(META(id));
    const metas = ((await pipeline.exec()) ?? []).map(([, meta]) => meta as Record<string, string>);
    return metas.filter((meta) => meta?.id).map((meta) => meta as unknown as ThreadMeta);
  }

  /** Ids of threads last updated before `cutoffMs` (oldest first, at most `limit`). */
  async staleIds(cutoffMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(INDEX, '-inf', `(${cutoffMs}`, 'LIMIT', 0, limit);
  }

  async delete(id: string): Promise<void> {
    const meta = await this.meta(id);
    const tx = this.redis.multi().del(META(id), MESSAGES(id), MESSAGE_KEYS(id), TOOL_CALLS(id), REPORTS(id), THREAD_EVENTS(id)).zrem(INDEX, id);
    if (meta.instanceId) tx.zrem(BY_INSTANCE(meta.instanceId), id);
    await tx.exec();
  }

  async publish(threadId: string, event: ProgressEvent): Promise<string> {
    return (await this.redis.xadd(THREAD_EVENTS(threadId), 'MAXLEN', '~', String(STREAM_MAXLEN), '*', 'event', JSON.stringify(event))) as string;
  }

  /** Events after `afterId` (exclusive); blocks up to blockMs for new ones when given. */
  async readEvents(threadId: string, afterId = '0', options: { blockMs?: number; count?: number; client?: Redis } = {}): Promise<StreamEntry[]> {
    const client = options.client ?? this.redis;
    const count = String(options.count ?? 500);
    const reply =
      options.blockMs !== undefined
        ? await client.xread('COUNT', count, 'BLOCK', String(options.blockMs), 'STREAMS', THREAD_EVENTS(threadId), afterId)
        : await client.xread('COUNT', count, 'STREAMS', THREAD_EVENTS(threadId), afterId);
    if (!reply) return [];
    return reply[0][1].map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf('event') + 1]) as ProgressEvent }));
  }
}
