import type Redis from 'ioredis';
import type { ActionProposal, ApprovalRecord, ApprovalState } from './actions/types';
import { NotFoundError } from './errors';

/**
 * Proposed actions as people list them: one record per remediation workflow, in the app Redis.
 * The workflow is the source of truth for what may happen next (its update validator decides);
 * this record is its readable mirror, kept after the workflow's history is gone.
 */

const KEY = (id: string) => `sre:approval:${id}`;
/** Set once, before an approved action's commands are sent: a retried execution never sends them twice. */
const EXECUTED = (id: string) => `${KEY(id)}:executed`;
const INDEX = 'sre:approvals';
const BY_TASK = (taskId: string) => `sre:task:${taskId}:approvals`;
/** What a model proposed during a task (propose_action), read when the task ends. */
const MODEL_PROPOSALS = (taskId: string) => `sre:task:${taskId}:model-proposals`;

export interface ApprovalFilter {
  state?: ApprovalState;
  instanceId?: string;
  taskId?: string;
  threadId?: string;
  limit?: number;
}

export class ApprovalStore {
  constructor(private readonly redis: Redis) {}

  async save(record: ApprovalRecord): Promise<void> {
    const score = Date.parse(record.proposedAt);
    await this.redis.multi().set(KEY(record.id), JSON.stringify(record)).zadd(INDEX, score, record.id).zadd(BY_TASK(record.taskId), score, record.id).exec();
  }

  async find(id: string): Promise<ApprovalRecord | undefined> {
    const raw = await this.redis.get(KEY(id));
    return raw ? (JSON.parse(raw) as ApprovalRecord) : undefined;
  }

  async get(id: string): Promise<ApprovalRecord> {
    const record = await this.find(id);
    if (!record) throw new NotFoundError('approval', id);
    return record;
  }

  async update(id: string, patch: Partial<ApprovalRecord>): Promise<ApprovalRecord> {
    const next = { ...(await this.get(id)), ...patch };
    await this.redis.set(KEY(id), JSON.stringify(next));
    return next;
  }

  async list(filter: ApprovalFilter = {}): Promise<ApprovalRecord[]> {
    const ids = await this.redis.zrevrange(filter.taskId ? BY_TASK(filter.taskId) : INDEX, 0, 999);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(KEY));
    return raws
      .flatMap((raw) => (raw ? [JSON.parse(raw) as ApprovalRecord] : []))
      .filter(
        (r) =>
          (!filter.state || r.state === filter.state) &&
          (!filter.instanceId || r.instanceId === filter.instanceId) &&
          (!filter.threadId || r.threadId === filter.threadId),
      )
      .slice(0, filter.limit ?? 100);
  }

  async addModelProposal(taskId: string, proposal: ActionProposal): Promise<void> {
    await this.redis
      .multi()
      .rpush(MODEL_PROPOSALS(taskId), JSON.stringify(proposal))
      .ltrim(MODEL_PROPOSALS(taskId), 0, 19)
      .expire(MODEL_PROPOSALS(taskId), 7 * 86_400)
      .exec();
  }

  async modelProposals(taskId: string): Promise<ActionProposal[]> {
    return (await this.redis.lrange(MODEL_PROPOSALS(taskId), 0, 19)).map((raw) => JSON.parse(raw) as ActionProposal);
  }

  /** True the first time for an approval: the caller may send the action's commands. Keeps the state before them. */
  async claimExecution(id: string, before: Record<string, unknown>): Promise<boolean> {
    return (await this.redis.set(EXECUTED(id), JSON.stringify(before), 'NX')) === 'OK';
  }

  /** The state before an earlier attempt sent the commands, when one did. */
  async executionClaim(id: string): Promise<Record<string, unknown> | undefined> {
    const raw = await this.redis.get(EXECUTED(id));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  }
}
