import type Redis from 'ioredis';

/**
 * Who changed what: every mutating call of a front door (REST, MCP, CLI) appends one entry, with
 * the API key's name (or the CLI user), so a change can be traced to a person. A capped Redis
 * Stream in the app Redis: bounded, newest kept.
 */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail?: string;
}

const AUDIT = 'sre:audit';
const MAX_ENTRIES = 10_000;

export class AuditLog {
  constructor(private readonly redis: Redis) {}

  async record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    const fields = [
      'at',
      new Date().toISOString(),
      'actor',
      entry.actor,
      'action',
      entry.action,
      'target',
      entry.target,
      ...(entry.detail ? ['detail', entry.detail.slice(0, 500)] : []),
    ];
    await this.redis.xadd(AUDIT, 'MAXLEN', '~', String(MAX_ENTRIES), '*', ...fields);
  }

  /** Newest first. */
  async recent(limit = 100): Promise<AuditEntry[]> {
    const rows = (await this.redis.xrevrange(AUDIT, '+', '-', 'COUNT', limit)) as Array<[string, string[]]>;
    return rows.map(([id, flat]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1];
      return { id, at: f.at, actor: f.actor, action: f.action, target: f.target, ...(f.detail ? { detail: f.detail } : {}) };
    });
  }
}
