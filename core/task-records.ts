import type Redis from 'ioredis';
import { NotFoundError } from './errors';
import type { DeliveryState } from './notifications/types';
import type { AgentChoice, TaskResult, TaskSource, TaskStatus } from './types';

/**
 * A task's own record in the app Redis: who asked what, and (once finished) its outcome.
 * Live status comes from Temporal; this record outlives workflow retention and lists fast.
 */

export interface TaskRecord {
  taskId: string;
  threadId: string;
  message: string;
  requestedAgent: AgentChoice;
  instanceId?: string;
  source: TaskSource;
  /** Who asked: an API key's name, the CLI user, a schedule. */
  requestedBy?: string;
  createdAt: string;
  finishedAt?: string;
  status?: TaskStatus;
  error?: string;
  result?: TaskResult;
  /** A person's verdict on the answer: what the eval harness exports as candidate scenarios. */
  feedback?: TaskFeedback;
}

export interface TaskFeedback {
  rating: 'up' | 'down';
  comment?: string;
  by: string;
  at: string;
}

const KEY = (id: string) => `sre:task:${id}`;
/** The task's tool outputs for its grounding check (core/evidence.ts): deleted with the task. */
const EVIDENCE = (id: string) => `${KEY(id)}:evidence`;
/** Each notification channel's delivery state for the task (retrying with its last error, or delivered). */
const NOTIFICATIONS = (id: string) => `${KEY(id)}:notifications`;
const INDEX = 'sre:tasks';
const BY_THREAD = (threadId: string) => `sre:thread:${threadId}:tasks`;

export class TaskRecordStore {
  constructor(private readonly redis: Redis) {}

  async create(record: TaskRecord): Promise<void> {
    const score = Date.parse(record.createdAt);
    await this.redis
      .multi()
      .set(KEY(record.taskId), JSON.stringify(record))
      .zadd(INDEX, score, record.taskId)
      .zadd(BY_THREAD(record.threadId), score, record.taskId)
      .exec();
  }

  async find(taskId: string): Promise<TaskRecord | undefined> {
    const raw = await this.redis.get(KEY(taskId));
    return raw ? (JSON.parse(raw) as TaskRecord) : undefined;
  }

  async get(taskId: string): Promise<TaskRecord> {
    const record = await this.find(taskId);
    if (!record) throw new NotFoundError('task', taskId);
    return record;
  }

  /** The instance a question without one was resolved to (core/target-resolution.ts). */
  async setInstance(taskId: string, instanceId: string): Promise<void> {
    const record = await this.get(taskId);
    await this.redis.set(KEY(taskId), JSON.stringify({ ...record, instanceId }));
  }

  async finish(taskId: string, outcome: { status: TaskStatus; result?: TaskResult; error?: string }): Promise<void> {
    const record = await this.get(taskId);
    await this.redis.set(KEY(taskId), JSON.stringify({ ...record, ...outcome, finishedAt: new Date().toISOString() }));
  }

  async setFeedback(taskId: string, feedback: TaskFeedback): Promise<TaskRecord> {
    const next = { ...(await this.get(taskId)), feedback };
    await this.redis.set(KEY(taskId), JSON.stringify(next));
    return next;
  }

  async noteDelivery(taskId: string, state: DeliveryState): Promise<void> {
    await this.redis.hset(NOTIFICATIONS(taskId), state.channel, JSON.stringify(state));
  }

  async deliveries(taskId: string): Promise<DeliveryState[]> {
    return Object.values(await this.redis.hgetall(NOTIFICATIONS(taskId))).map((raw) => JSON.parse(raw) as DeliveryState);
  }

  async list(options: { limit?: number; offset?: number; threadId?: string } = {}): Promise<TaskRecord[]> {
    const offset = options.offset ?? 0;
    const ids = await this.redis.zrevrange(options.threadId ? BY_THREAD(options.threadId) : INDEX, offset, offset + (options.limit ?? 50) - 1);
    return (await this.findMany(ids)).filter((r): r is TaskRecord => r !== undefined);
  }

  /** Records of several tasks in one round trip, in the order asked (undefined where none exists). */
  async findMany(taskIds: string[]): Promise<Array<TaskRecord | undefined>> {
    if (taskIds.length === 0) return [];
    const raws = await this.redis.mget(taskIds.map(KEY));
    return raws.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as TaskRecord)));
  }

  async idsForThread(threadId: string): Promise<string[]> {
    return this.redis.zrange(BY_THREAD(threadId), 0, -1);
  }

  /** Task records created before `cutoffMs` (oldest first, at most `limit`). */
  async staleIds(cutoffMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(INDEX, '-inf', `(${cutoffMs}`, 'LIMIT', 0, limit);
  }

  async delete(taskIds: string[]): Promise<void> {
    if (taskIds.length === 0) return;
    const records = await this.findMany(taskIds);
    const tx = this.redis.multi();
    taskIds.forEach((id, i) => {
      tx.del(KEY(id), EVIDENCE(id), NOTIFICATIONS(id)).zrem(INDEX, id);
      const thread = records[i]?.threadId;
      if (thread) tx.zrem(BY_THREAD(thread), id);
    });
    await tx.exec();
  }

  async deleteForThread(threadId: string): Promise<void> {
    const ids = await this.idsForThread(threadId);
    const tx = this.redis.multi().del(BY_THREAD(threadId));
    for (const id of ids) tx.del(KEY(id), EVIDENCE(id), NOTIFICATIONS(id)).zrem(INDEX, id);
    await tx.exec();
  }
}
