import { log, ParentClosePolicy, patched, proxyActivities, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { NotifyActivities } from '../activities/notify/activities';
import type { HealthChange } from '../core/health-history';
import type { DeliveryInput } from '../core/notifications/types';
import type { TaskInput, TaskStatus } from '../core/types';
import { BOOKKEEPING_OPTIONS } from './activity-options';

const planner = proxyLocalActivities<Pick<NotifyActivities, 'planNotifications'>>(BOOKKEEPING_OPTIONS);

/**
 * A chat outage delays a notification, never loses it: attempts back off up to 10 minutes apart
 * for a day. Every attempt's outcome is written on the task (GET /tasks/:id notifications).
 */
const delivery = proxyActivities<Pick<NotifyActivities, 'deliverNotification'>>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m', nonRetryableErrorTypes: ['UnknownChannel'] },
});

export interface NotifyInput {
  taskId: string;
  channels: string[];
  change?: HealthChange;
  alert?: Record<string, string>;
}

/** Delivers one finished task's notification to each channel, in parallel; one failing channel does not hold the others. */
export async function notifyWorkflow(input: NotifyInput): Promise<Array<{ channel: string; delivered: boolean; error?: string }>> {
  const outcomes = await Promise.allSettled(
    input.channels.map((channel) =>
      delivery.deliverNotification({ taskId: input.taskId, channel, change: input.change, alert: input.alert } satisfies DeliveryInput),
    ),
  );
  return outcomes.map((outcome, i) =>
    outcome.status === 'fulfilled'
      ? { channel: input.channels[i], delivered: true }
      : { channel: input.channels[i], delivered: false, error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) },
  );
}

/**
 * After a task finished: the channels its routes name, delivered by a child workflow the task
 * does not wait for (ABANDON), so a slow endpoint never keeps the task open. Histories from
 * before notifications existed replay without these commands (patch `notify-on-finish`).
 */
export async function announceTask(task: TaskInput, status: TaskStatus): Promise<void> {
  if (!patched('notify-on-finish')) return;
  try {
    const plan = await planner.planNotifications({ task, status });
    if (plan.channels.length === 0) return;
    await startChild(notifyWorkflow, {
      workflowId: `${task.taskId}-notify`,
      args: [
        { taskId: task.taskId, channels: plan.channels, ...(plan.change ? { change: plan.change } : {}), ...(task.context ? { alert: task.context } : {}) },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `notify ${plan.channels.join(', ')} of ${task.taskId}`,
    });
  } catch (err) {
    // The task's own outcome is already recorded: a notification problem must not turn it into a failure.
    log.warn('notification not started', { taskId: task.taskId, error: err instanceof Error ? err.message : String(err) });
  }
}
