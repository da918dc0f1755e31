import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppStores } from '../core/app-context';
import type { AlertNotificationEntry } from '../core/alerts/alert-log';
import { alertMatches, alertmanagerPayloadSchema, type Alert, type AlertmanagerPayload } from '../core/alerts/alertmanager-payload';
import type { InstanceView } from '../core/instances/model';
import type { TaskInput } from '../core/types';
import { parseOrThrow } from '../core/validation';
import type { TaskService } from './tasks';

/**
 * Alerts in: an Alertmanager notification becomes one triage per alert group and matched
 * instance. The whole payload is validated before anything is written, and every step after
 * that is idempotent (episode SET NX, deterministic ids, start-once), so Alertmanager's own
 * retry of a notification we answered with 5xx completes it instead of doubling it.
 */

export interface AlertReceipt {
  received: number;
  status: 'firing' | 'resolved';
  tasks: Array<{ instance_id: string; task_id: string; thread_id: string; started: boolean }>;
  resolved: Array<{ instance_id: string; task_id?: string; thread_id: string }>;
  /** Alerts that matched no instance: recorded (GET /alerts), not investigated. */
  unmatched: Array<{ alertname?: string; labels: Record<string, string> }>;
}

export const alertListSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(50).describe('How many notifications, newest first (1 to 1000)'),
    unmatched: z.enum(['true', 'false']).optional().describe('true: only notifications with alerts no instance matched'),
  })
  .strict();

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex');

/** A context value is at most 1000 characters (service/schemas.ts). */
const clip = (text: string) => (text.length > 1000 ? `${text.slice(0, 997)}...` : text);

/** One thread per alert group and instance: every episode, re-send and resolution lands on it. */
const threadIdFor = (groupKey: string, instanceId: string) => `thread_al${hash(groupKey, instanceId).slice(0, 30)}`;

function taskIdFor(groupKey: string, instanceId: string, firstStart: number): string {
  // The group's hash and the instance name the task; the episode's first start tells episodes apart.
  return `task_alert-${hash(groupKey).slice(0, 16)}-${instanceId}-${firstStart.toString(36)}`;
}

function describeAlerts(alerts: Alert[]): string {
  return alerts
    .slice(0, 5)
    .map((a) => {
      const summary = a.annotations.summary ?? a.annotations.description ?? '';
      const severity = a.labels.severity ? ` (${a.labels.severity})` : '';
      return `${a.labels.alertname ?? 'alert'}${severity} since ${new Date(a.startsAt).toISOString()}${summary ? `: ${summary}` : ''}`;
    })
    .join('; ');
}

function alertContext(payload: AlertmanagerPayload, alerts: Alert[]): Record<string, string> {
  const first = alerts[0];
  const starts = Math.min(...alerts.map((a) => Date.parse(a.startsAt)));
  return {
    alert_source: 'alertmanager',
    alert_receiver: clip(payload.receiver),
    alert_group_key: clip(payload.groupKey),
    alert_names: clip([...new Set(alerts.map((a) => a.labels.alertname ?? 'alert'))].join(', ')),
    alert_count: String(alerts.length),
    alert_starts_at: new Date(starts).toISOString(),
    alert_labels: clip(JSON.stringify(first.labels)),
    alert_annotations: clip(JSON.stringify(first.annotations)),
    ...(first.generatorURL ? { alert_generator_url: clip(first.generatorURL) } : {}),
  };
}

export class AlertService {
  constructor(
    private readonly stores: AppStores,
    private readonly tasks: TaskService,
  ) {}

  async receive(body: unknown, actor = 'alertmanager'): Promise<AlertReceipt> {
    const payload = parseOrThrow(alertmanagerPayloadSchema, body);
    const instances = (await this.stores.instances.list()).filter((i) => i.alert_matchers && Object.keys(i.alert_matchers).length);
    const byInstance = new Map<string, { instance: InstanceView; alerts: Alert[] }>();
    const unmatched: Alert[] = [];
    for (const alert of payload.alerts) {
      const owners = instances.filter((i) => alertMatches(alert.labels, i.alert_matchers));
      if (owners.length === 0) unmatched.push(alert);
      for (const instance of owners) {
        const entry = byInstance.get(instance.id) ?? { instance, alerts: [] };
        entry.alerts.push(alert);
        byInstance.set(instance.id, entry);
      }
    }
    const receipt: AlertReceipt = {
      received: payload.alerts.length,
      status: payload.status,
      tasks: [],
      resolved: [],
      unmatched: unmatched.map((a) => ({ alertname: a.labels.alertname, labels: a.labels })),
    };
    const matched: AlertNotificationEntry['matched'] = [];
    for (const { instance, alerts } of byInstance.values()) {
      const firing = alerts.filter((a) => a.status === 'firing');
      const threadId = threadIdFor(payload.groupKey, instance.id);
      const episode = hash(payload.groupKey, instance.id);
      if (firing.length) {
        const { taskId, started } = await this.investigate(payload, instance, firing, threadId, episode, actor);
        receipt.tasks.push({ instance_id: instance.id, task_id: taskId, thread_id: threadId, started });
        matched.push({ instanceId: instance.id, taskId, threadId, outcome: started ? 'started' : 'joined' });
      } else {
        const taskId = await this.resolve(alerts, threadId, episode);
        receipt.resolved.push({ instance_id: instance.id, ...(taskId ? { task_id: taskId } : {}), thread_id: threadId });
        matched.push({ instanceId: instance.id, taskId, threadId, outcome: taskId ? 'resolved' : 'resolved-without-triage' });
      }
    }
    await this.stores.alerts.record({
      at: new Date().toISOString(),
      groupKey: payload.groupKey,
      status: payload.status,
      receiver: payload.receiver,
      alerts: payload.alerts.slice(0, 50).map((a) => ({ alertname: a.labels.alertname, status: a.status, startsAt: a.startsAt, labels: a.labels })),
      matched,
      unmatched: unmatched.length,
    });
    if (receipt.tasks.some((t) => t.started)) {
      await this.stores.audit.record({
        actor,
        action: 'alert.triage',
        target: payload.groupKey.slice(0, 200),
        detail: receipt.tasks.map((t) => t.task_id).join(', '),
      });
    }
    return receipt;
  }

  async recent(query: unknown = {}): Promise<AlertNotificationEntry[]> {
    const q = parseOrThrow(alertListSchema, query);
    return this.stores.alerts.recent({ limit: q.limit, unmatchedOnly: q.unmatched === 'true' });
  }

  private async investigate(
    payload: AlertmanagerPayload,
    instance: InstanceView,
    firing: Alert[],
    threadId: string,
    episode: string,
    actor: string,
  ): Promise<{ taskId: string; started: boolean }> {
    const firstStart = Math.min(...firing.map((a) => Date.parse(a.startsAt)));
    const { taskId } = await this.stores.alerts.openEpisode(episode, taskIdFor(payload.groupKey, instance.id, firstStart));
    const message = `Alertmanager: ${firing.length === 1 ? 'an alert is' : `${firing.length} alerts are`} firing on ${instance.name}: ${describeAlerts(firing)}. Investigate the cause and what to do.`;
    if (!(await this.stores.threads.exists(threadId))) {
      await this.stores.threads.create({
        id: threadId,
        title: `alert ${firing[0].labels.alertname ?? payload.groupKey} on ${instance.name}`,
        instanceId: instance.id,
      });
    }
    const task: TaskInput = {
      taskId,
      threadId,
      message: message.slice(0, 8000),
      instanceId: instance.id,
      agent: 'triage',
      context: alertContext(payload, firing),
      source: 'alert',
    };
    const started = await this.tasks.startOnce(task, actor);
    return { taskId, started };
  }

  /** The group resolved: said on the thread, and the episode closed so a new firing investigates anew. */
  private async resolve(alerts: Alert[], threadId: string, episode: string): Promise<string | undefined> {
    const taskId = await this.stores.alerts.closeEpisode(episode);
    if (taskId && (await this.stores.threads.exists(threadId))) {
      const ended = alerts.map((a) => a.endsAt).find((e) => e && !e.startsWith('0001'));
      await this.stores.threads.appendMessage(threadId, {
        role: 'user',
        // Its own task id keeps the message apart from the triage's own question and answer.
        taskId: `${taskId}.resolved`,
        content: `Alertmanager: resolved${ended ? ` at ${ended}` : ''}: ${describeAlerts(alerts)}.`,
        at: new Date().toISOString(),
      });
    }
    return taskId;
  }
}
