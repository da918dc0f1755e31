import type Redis from 'ioredis';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Every tool output of a task, kept in the app Redis for the task's grounding check: what a model
 * says is checked against what the tools returned, without carrying the outputs through workflow
 * history a second time. Compressed (a baseline is a few hundred KB of JSON, mostly repetitive),
 * kept beside the task record (core/task-records.ts deletes both) and expiring after
 * SRE_EVIDENCE_TTL_HOURS in any case.
 */
export interface EvidenceEntry {
  callId: string;
  tool: string;
  /** The output the model saw (bounded); absent when the call failed. */
  data?: unknown;
  /** Why the call failed: a failed call was still made, and an answer may say so. */
  error?: string;
}

const KEY = (taskId: string) => `sre:task:${taskId}:evidence`;

export class EvidenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlHours: number,
  ) {}

  async record(taskId: string, entry: EvidenceEntry): Promise<void> {
    await this.redis
      .multi()
      .hset(KEY(taskId), entry.callId, gzipSync(JSON.stringify(entry)))
      .expire(KEY(taskId), this.ttlHours * 3600)
      .exec();
  }

  async list(taskId: string): Promise<EvidenceEntry[]> {
    const raw = await this.redis.hgetallBuffer(KEY(taskId));
    return Object.values(raw).map((value) => JSON.parse(gunzipSync(value).toString('utf8')) as EvidenceEntry);
  }
}
