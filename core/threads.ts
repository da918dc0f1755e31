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
const STREAM_MAXLEN = 5000;

/** Appends a message unless one with the same dedupe key was already appended (or the thread is gone). */
const APPEND_ONCE = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Updates a thread's meta and index position, only while the thread exists. */
const TOUCH_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[2], ARGV[1], KEYS[3])
return 1`;

export class ThreadStore {
  constructor(private readonly redis: Redis) {}

  async create(meta: { id: string; title: string; instanceId?: string }): Promise<ThreadMeta> {
    const now = new Date().toISOString();
    const fields: Record<string, string> = { id: meta.id, title: meta.title.slice(0, 200), createdAt: now, updatedAt: now };
    if (meta.instanceId) fields.instanceId = meta.instanceId;
    await this.redis.multi().hset(META(meta.id), fields).zadd(INDEX, Date.now(), meta.id).exec();
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

  async get(id: string): Promise<Thread> {
    const meta = await this.meta(id);
    const [messages, toolCalls, reports] = await Promise.all([this.messages(id), this.redis.hvals(TOOL_CALLS(id)), this.redis.hvals(REPORTS(id))]);
    return {
      ...meta,
      messages,
      toolCalls: toolCalls.map((raw) => JSON.parse(raw) as ToolCallRecord & { taskId: string }).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
      reports: reports.map((raw) => JSON.parse(raw) as ThreadReport).sort((a, b) => a.at.localeCompare(b.at)),
    };
  }

  async list(options: { limit?: number; offset?: number; instanceId?: string } = {}): Promise<ThreadMeta[]> {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    const ids = await this.redis.zrevrange(INDEX, 0, -1);
    const metas: ThreadMeta[] = [];
    for (const id of ids) {
      const meta = await this.redis.hgetall(META(id));
      if (!meta.id) continue;
      if (options.instanceId && meta.instanceId !== options.instanceId) continue;
      metas.push(meta as unknown as ThreadMeta);
      if (metas.length >= offset + limit) break;
    }
    return metas.slice(offset);
  }

  async delete(id: string): Promise<void> {
    await this.meta(id);
    await this.redis.multi().del(META(id), MESSAGES(id), MESSAGE_KEYS(id), TOOL_CALLS(id), REPORTS(id), THREAD_EVENTS(id)).zrem(INDEX, id).exec();
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
