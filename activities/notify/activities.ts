import { ApplicationFailure, Context } from '@temporalio/activity';
import { compareHealth, healthEntry } from '../../core/health-history';
import { routeTask } from '../../core/notifications/config';
import type { DeliveryInput, NotifyPlan, NotifyPlanInput } from '../../core/notifications/types';
import type { WorkerDeps } from '../deps';
import { notificationContent } from './content';
import { signedHeaders } from './signed-webhook';
import { slackMessage } from './slack';

/** Notifications out: which channels a finished task goes to, and the delivery to each. */

const DELIVERY_TIMEOUT_MS = 15_000;

/** Why a delivery failed, in words that never carry the endpoint's URL (a Slack URL is a secret). */
function failureReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `the endpoint is unreachable (${cause.code})`;
  if ((err as Error).name === 'TimeoutError') return `the endpoint did not answer within ${DELIVERY_TIMEOUT_MS / 1000}s`;
  return `the request failed (${(err as Error).name})`;
}

export function createNotifyActivities(deps: WorkerDeps) {
  const { config, tasks } = deps;
  const settings = config.notifications;
  return {
    /**
     * Records a triage's result in the instance's health history, then picks the channels whose
     * route matches the task; an `on-change` route only when the findings differ from the
     * previous check's. Idempotent: a retry finds its own entry and the same previous one.
     */
    async planNotifications(input: NotifyPlanInput): Promise<NotifyPlan> {
      const { task } = input;
      const record = await tasks.find(task.taskId);
      let change: NotifyPlan['change'];
      if (task.instanceId && input.status === 'done' && record?.result?.agent === 'triage') {
        const entry = healthEntry(task.taskId, record.result.findings);
        const previous = await deps.health.record(task.instanceId, entry);
        change = compareHealth(previous, entry);
      }
      const changed = !change || change.first || change.new.length > 0 || change.resolved.length > 0;
      const channels = routeTask(settings, { taskId: task.taskId, source: task.source, instanceId: task.instanceId })
        .filter((r) => settings.channels[r.channel] && (r.policy === 'always' || changed))
        .map((r) => r.channel);
      return { channels, ...(change ? { change } : {}) };
    },

    /** One channel's delivery; every attempt's outcome is written on the task, so a failing endpoint shows. */
    async deliverNotification(input: DeliveryInput): Promise<{ status: number }> {
      const channel = settings.channels[input.channel];
      if (!channel) throw ApplicationFailure.nonRetryable(`no notification channel named '${input.channel}' is configured on this worker`, 'UnknownChannel');
      const attempt = Context.current().info.attempt;
      const record = await tasks.get(input.taskId);
      const instance = record.instanceId ? await deps.instances.get(record.instanceId).catch(() => undefined) : undefined;
      const content = notificationContent(config, record, instance ? { id: instance.id, name: instance.name } : undefined, {
        change: input.change,
        alert: input.alert,
      });
      const body = JSON.stringify(channel.type === 'slack' ? slackMessage(content) : content);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'sre-agent',
        ...(channel.type === 'webhook' ? signedHeaders(channel.secret, body) : {}),
      };
      let error: string | undefined;
      let status = 0;
      try {
        const response = await fetch(channel.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS), redirect: 'error' });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) error = `the endpoint answered HTTP ${response.status}`;
      } catch (err) {
        error = failureReason(err);
      }
      await tasks.noteDelivery(input.taskId, {
        channel: input.channel,
        status: error ? 'retrying' : 'delivered',
        attempts: attempt,
        at: new Date().toISOString(),
        ...(error ? { error } : {}),
      });
      // A failing endpoint delays the notification; the activity's retry policy keeps trying.
      if (error) throw ApplicationFailure.retryable(`${input.channel} (${channel.type}): ${error}`, 'DeliveryFailed');
      return { status };
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
