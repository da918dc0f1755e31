import type Redis from 'ioredis';

/**
 * What the webhook received, in the app Redis: every notification (matched or not, so an alert
 * about no registered instance is never silently dropped), and the open episode of each alert
 * group on each instance, which is what makes a repeated notification join its investigation.
 */

export interface AlertNotificationEntry {
  at: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  receiver: string;
  alerts: Array<{ alertname?: string; status: string; startsAt: string; labels: Record<string, string> }>;
  /** Per matched instance: the triage task it started or joined, or the resolution recorded. */
  matched: Array<{ instanceId: string; taskId?: string; threadId: string; outcome: 'started' | 'joined' | 'resolved' | 'resolved-without-triage' }>;
  /** Alerts no instance's matchers claimed. */
  unmatched: number;
}

const LOG = 'sre:alerts:log';
const LOG_MAX = 1000;
const EPISODE = (key: string) => `sre:alerts:episode:${key}`;

export class AlertLog {
  constructor(
    private readonly redis: Redis,
    private readonly retentionDays: number,
  ) {}

  async record(entry: AlertNotificationEntry): Promise<void> {
    await this.redis
      .multi()
      .lpush(LOG, JSON.stringify(entry))
      .ltrim(LOG, 0, LOG_MAX - 1)
      .exec();
  }

  async recent(options: { limit: number; unmatchedOnly?: boolean }): Promise<AlertNotificationEntry[]> {
    const entries = (await this.redis.lrange(LOG, 0, LOG_MAX - 1)).map((raw) => JSON.parse(raw) as AlertNotificationEntry);
    return entries.filter((e) => !options.unmatchedOnly || e.unmatched > 0).slice(0, options.limit);
  }

  /**
   * The task of the group's open episode on an instance: `candidate` when this call opens it
   * (SET NX, so two notifications racing agree on one task), else the one already open.
   */
  async openEpisode(key: string, candidate: string): Promise<{ taskId: string; opened: boolean }> {
    const opened = await this.redis.set(EPISODE(key), candidate, 'EX', this.retentionDays * 86_400, 'NX');
    if (opened) return { taskId: candidate, opened: true };
    const taskId = await this.redis.get(EPISODE(key));
    return taskId ? { taskId, opened: false } : this.openEpisode(key, candidate);
  }

  /** Ends the episode (the group resolved): the next firing starts a new investigation. */
  async closeEpisode(key: string): Promise<string | undefined> {
    const taskId = await this.redis.get(EPISODE(key));
    if (taskId) await this.redis.del(EPISODE(key));
    return taskId ?? undefined;
  }
}
