import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../core/config';
import { retentionWorkflow } from '../workflows/retention';

/** The schedule that sweeps old tasks and threads (every 6 hours); created once, kept in step with the retention. */
export const RETENTION_SCHEDULE_ID = 'sre-retention';

export async function ensureRetentionSchedule(client: Client, config: Config): Promise<void> {
  const options = {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { intervals: [{ every: '6h' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: retentionWorkflow,
      taskQueue: config.temporal.taskQueue,
      workflowId: 'sre-retention-sweep',
      args: [{ days: config.retentionDays }] as [{ days: number }],
      staticSummary: `retention sweep: tasks and threads older than ${config.retentionDays} days`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  };
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((previous) => ({ ...previous, action: options.action }));
  }
}
