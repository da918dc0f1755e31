import type Redis from 'ioredis';
import type { Finding, Severity } from './types';

/**
 * Each instance's check results over time (verdict, and each finding's check id, severity and
 * title), newest last, in the app Redis; bounded by count and by SRE_RETENTION_DAYS. What a
 * notification says is new or resolved comes from comparing a result with the one before it.
 */

export type Verdict = 'critical' | 'warning' | 'healthy';

export interface HealthEntry {
  taskId: string;
  at: string;
  verdict: Verdict;
  findings: Array<{ checkId: string; severity: Severity; title: string }>;
}

export interface HealthChange {
  /** Findings (or a finding's severity) absent from the previous check. */
  new: HealthEntry['findings'];
  /** Findings of the previous check that are gone. */
  resolved: HealthEntry['findings'];
  /** The first check of the instance has nothing to compare with. */
  first: boolean;
}

const ORDER = (instanceId: string) => `sre:health:${instanceId}`;
const ENTRIES = (instanceId: string) => `sre:health:${instanceId}:entries`;
const MAX_ENTRIES = 500;

export function verdictOf(findings: Array<{ severity: Severity }>): Verdict {
  if (findings.some((f) => f.severity === 'critical')) return 'critical';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return 'healthy';
}

export function healthEntry(taskId: string, findings: Finding[], at = new Date()): HealthEntry {
  return {
    taskId,
    at: at.toISOString(),
    verdict: verdictOf(findings),
    findings: findings.map((f) => ({ checkId: f.checkId, severity: f.severity, title: f.title })),
  };
}

/** A finding is the same when its check and severity are: a warning turned critical is new. */
export function compareHealth(previous: HealthEntry | undefined, current: HealthEntry): HealthChange {
  if (!previous) return { new: current.findings, resolved: [], first: true };
  const key = (f: HealthEntry['findings'][number]) => `${f.checkId}\0${f.severity}`;
  const before = new Set(previous.findings.map(key));
  const after = new Set(current.findings.map(key));
  return {
    new: current.findings.filter((f) => !before.has(key(f))),
    resolved: previous.findings.filter((f) => !after.has(key(f))),
    first: false,
  };
}

export class HealthHistory {
  constructor(
    private readonly redis: Redis,
    private readonly retentionDays: number,
  ) {}

  /** Records the entry (again, harmlessly, on a retry) and returns the one before it. */
  async record(instanceId: string, entry: HealthEntry): Promise<HealthEntry | undefined> {
    const score = Date.parse(entry.at);
    const existing = await this.redis.zscore(ORDER(instanceId), entry.taskId);
    const at = existing !== null ? Number(existing) : score;
    if (existing === null) {
      const cutoff = Date.now() - this.retentionDays * 86_400_000;
      const dropped = [
        ...(await this.redis.zrangebyscore(ORDER(instanceId), '-inf', `(${cutoff}`)),
        ...(await this.redis.zrange(ORDER(instanceId), 0, -MAX_ENTRIES)),
      ];
      const tx = this.redis.multi().zadd(ORDER(instanceId), at, entry.taskId).hset(ENTRIES(instanceId), entry.taskId, JSON.stringify(entry));
      if (dropped.length) tx.zrem(ORDER(instanceId), ...dropped).hdel(ENTRIES(instanceId), ...dropped);
      await tx.exec();
    }
    const [previousId] = await this.redis.zrevrangebyscore(ORDER(instanceId), `(${at}`, '-inf', 'LIMIT', 0, 1);
    if (!previousId) return undefined;
    const raw = await this.redis.hget(ENTRIES(instanceId), previousId);
    return raw ? (JSON.parse(raw) as HealthEntry) : undefined;
  }

  /** The timeline, newest first. */
  async list(instanceId: string, limit = 50): Promise<HealthEntry[]> {
    const ids = await this.redis.zrevrange(ORDER(instanceId), 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(ENTRIES(instanceId), ...ids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as HealthEntry);
  }
}
